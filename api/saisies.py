"""Every string a request brings (arguments, input fields, filters, cursors, keys), checked once
at the boundary, whatever the field (R24): encodable (no lone surrogate), printable (no control
character but tab and line breaks) and bounded. A value that could not be stored or compared
alike on SQLite and PostgreSQL never reaches the application. The rules of each business field
(names, identifiers, dates…) are the domain's; this is the floor under all of them."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from graphql import (
    ArgumentNode,
    DocumentNode,
    GraphQLError,
    ListValueNode,
    ObjectValueNode,
    StringValueNode,
    ValueNode,
    VariableNode,
    visit,
)
from graphql.language import Visitor

from api.erreurs import BAD_USER_INPUT

TEXTE_MAX = 5000
"""The longest string any field takes (a comment is at most 2,000 characters)."""
BORNES = {
    "cleIdempotence": 200,
    "after": 1000,
    "apres": 1000,
    "id": 300,
    "texte": 200,
    "piece": 100,
    "identifiantPe": 20,
}
"""Tighter bounds by field or argument name; a name ending in ``Id`` is an identifier."""
_INTERDIT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def borne(nom: str) -> int:
    if nom in BORNES:
        return BORNES[nom]
    return BORNES["id"] if nom.endswith("Id") else TEXTE_MAX


def probleme(valeur: str, nom: str) -> str | None:
    """Why the string is refused (French, naming the field), or None."""
    if _INTERDIT.search(valeur):
        return f"Le champ {nom} contient des caractères non imprimables ou non encodables."
    maximum = borne(nom)
    if len(valeur) > maximum:
        return f"Le champ {nom} dépasse {maximum} caractères."
    return None


def erreurs_de_saisie(
    document: DocumentNode, variables: Mapping[str, Any] | None
) -> list[GraphQLError]:
    """Every faulty string of the request, literal or variable, each naming its field."""
    releve = _Releve(variables or {})
    visit(document, releve)
    return [
        GraphQLError(message, extensions={"code": BAD_USER_INPUT, "champ": champ})
        for champ, message in releve.problemes
    ]


class _Releve(Visitor):
    def __init__(self, variables: Mapping[str, Any]) -> None:
        super().__init__()
        self.variables = variables
        self.problemes: list[tuple[str, str]] = []
        self._vus: set[tuple[str, str]] = set()

    def enter_argument(self, node: ArgumentNode, *_: Any) -> None:
        self._valeur(node.value, node.name.value)

    def _valeur(self, valeur: ValueNode, nom: str) -> None:
        if isinstance(valeur, StringValueNode):
            self._noter(valeur.value, nom)
        elif isinstance(valeur, VariableNode):
            for champ, texte in _chaines(self.variables.get(valeur.name.value), nom):
                self._noter(texte, champ)
        elif isinstance(valeur, ListValueNode):
            for element in valeur.values:
                self._valeur(element, nom)
        elif isinstance(valeur, ObjectValueNode):
            for champ_objet in valeur.fields:
                self._valeur(champ_objet.value, champ_objet.name.value)

    def _noter(self, texte: str, nom: str) -> None:
        raison = probleme(texte, nom)
        if raison is not None and (nom, raison) not in self._vus:
            self._vus.add((nom, raison))
            self.problemes.append((nom, raison))


def _chaines(valeur: Any, nom: str) -> Iterator[tuple[str, str]]:
    """The strings inside a variable's JSON value, each with the field it stands for."""
    if isinstance(valeur, str):
        yield nom, valeur
    elif isinstance(valeur, list):
        for element in valeur:
            yield from _chaines(element, nom)
    elif isinstance(valeur, dict):
        for cle, element in valeur.items():
            yield from _chaines(element, str(cle))

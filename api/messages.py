"""graphql-core's English refusals of a document or of its variables, said in French with one
stable code per kind of mistake and the field concerned (R24, docs/api.md).

Two kinds: the document asks for something the schema does not have or is not GraphQL
(``GRAPHQL_VALIDATION_FAILED``); a value is wrong, missing or of the wrong type
(``BAD_USER_INPUT``), the same whether written in the document or sent as a variable. A message
this table does not know gets a French sentence of its kind, never the English one (it may
quote the client's values: it is not logged either)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from graphql import GraphQLError

BAD_USER_INPUT = "BAD_USER_INPUT"
GRAPHQL_VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"


@dataclass(frozen=True)
class Traduction:
    code: str
    message: str
    champ: str | None = None


Gabarit = Callable[[re.Match[str]], tuple[str, str | None]]
"""From the English message's match: the French message and the field it names."""

SCALAIRES = {
    "Int": "un entier",
    "Float": "un nombre",
    "String": "un texte",
    "Boolean": "un booléen (true ou false)",
    "ID": "un identifiant",
}


def _scalaire(m: re.Match[str]) -> tuple[str, str | None]:
    borne = " sur 32 bits" if "32-bit" in m.group(0) else ""
    return f"la valeur n'est pas {SCALAIRES[m.group(1)]}{borne}.", None


VALEURS: list[tuple[str, Gabarit]] = [
    (
        r"Value '(\w+)' does not exist in '(\w+)' enum",
        lambda m: (f"« {m[1]} » n'est pas une valeur de {m[2]}.", None),
    ),
    (
        r"Enum '(\w+)' cannot represent non-enum value",
        lambda m: (f"la valeur n'est pas une valeur de {m[1]}.", None),
    ),
    (r"(Int|Float|String|Boolean|ID) cannot represent", _scalaire),
    (
        r"Expected value of type '(\w+)!?' to include required field '(\w+)'",
        lambda m: (f"le champ {m[2]} de {m[1]} est obligatoire.", m[2]),
    ),
    (
        r"Expected value of type '(\w+)!?' not to include unknown field '(\w+)'",
        lambda m: (f"le champ {m[2]} n'existe pas dans {m[1]}.", m[2]),
    ),
    (
        r"Field '(\w+)' is not defined by type '(\w+)'",
        lambda m: (f"le champ {m[1]} n'existe pas dans {m[2]}.", m[1]),
    ),
    (
        r"Expected a value of non-null type '([\w\[\]!]+)' to be provided",
        lambda m: (f"une valeur de type {m[1]} est obligatoire.", None),
    ),
    (
        r"Expected (?:a )?value of non-null type '([\w\[\]!]+)' not to be None",
        lambda m: (f"une valeur de type {m[1]} est obligatoire (null reçu).", None),
    ),
    (
        r"Expected value of type '([\w\[\]!]+)' to be an object",
        lambda m: (f"la valeur doit être un objet {m[1]}.", None),
    ),
    (
        r"Expected value of type '([\w\[\]!]+)'",
        lambda m: (f"la valeur n'est pas du type {m[1]}.", None),
    ),
    (r"Variable values are nested too deeply", lambda m: ("valeur trop imbriquée.", None)),
]

DOCUMENT: list[tuple[str, Gabarit]] = [
    (
        r"Syntax Error: Document contains more than (\d+) tokens",
        lambda m: (f"Document trop long : plus de {m[1]} jetons.", None),
    ),
    (r"Syntax Error", lambda m: ("Erreur de syntaxe GraphQL.", None)),
    (
        r"Cannot query field '(\w+)' on type '(\w+)'",
        lambda m: (f"Le champ {m[1]} n'existe pas sur le type {m[2]}.", m[1]),
    ),
    (
        r"Unknown argument '(\w+)' on field '(\w+)\.(\w+)'",
        lambda m: (f"L'argument {m[1]} n'existe pas sur le champ {m[3]}.", m[1]),
    ),
    (
        r"Unknown argument '(\w+)' on directive '@(\w+)'",
        lambda m: (f"L'argument {m[1]} n'existe pas sur la directive @{m[2]}.", m[1]),
    ),
    (
        r"Argument '(?:\w+\.)?@?(\w+)\((\w+):\)' of type '([\w\[\]!]+)' is required",
        lambda m: (f"L'argument {m[2]} ({m[3]}) de {m[1]} est obligatoire.", m[2]),
    ),
    (
        r"Field '(\w+)' of type '([\w\[\]!]+)' must have a selection of subfields",
        lambda m: (f"Le champ {m[1]} ({m[2]}) demande des sous-champs : {m[1]} {{ ... }}.", m[1]),
    ),
    (
        r"Field '(\w+)' must not have a selection",
        lambda m: (f"Le champ {m[1]} n'a pas de sous-champs.", m[1]),
    ),
    (r"Unknown type '(\w+)'", lambda m: (f"Le type {m[1]} n'existe pas.", None)),
    (
        r"Variable '\$(\w+)' is not defined",
        lambda m: (f"La variable ${m[1]} n'est pas déclarée par l'opération.", None),
    ),
    (
        r"Variable '\$(\w+)' is never used",
        lambda m: (f"La variable ${m[1]} est déclarée mais jamais utilisée.", None),
    ),
    (
        r"Variable '\$(\w+)' of type '([\w\[\]!]+)' used in position expecting type "
        r"'([\w\[\]!]+)'",
        lambda m: (f"La variable ${m[1]} ({m[2]}) est utilisée là où {m[3]} est attendu.", None),
    ),
    (
        r"Variable '\$(\w+)' cannot be non-input type '(\w+)'",
        lambda m: (f"La variable ${m[1]} ne peut pas être du type {m[2]}.", m[1]),
    ),
    (
        r"There can be only one (argument|input field|variable) named '\$?(\w+)'",
        lambda m: (f"{m[2]} est donné plusieurs fois.", m[2]),
    ),
    (
        r"There can be only one operation named '(\w+)'",
        lambda m: (f"Plusieurs opérations s'appellent {m[1]}.", None),
    ),
    (
        r"This anonymous operation must be the only defined operation",
        lambda m: ("Une opération sans nom doit être la seule du document.", None),
    ),
    (
        r"Must provide operation name",
        lambda m: ("Le document a plusieurs opérations : donnez operationName.", None),
    ),
    (
        r"Unknown operation named '(\w+)'",
        lambda m: (f"Aucune opération ne s'appelle {m[1]} dans le document.", None),
    ),
    (r"Unknown fragment '(\w+)'", lambda m: (f"Le fragment {m[1]} n'existe pas.", None)),
    (
        r"Fragment '(\w+)' is never used",
        lambda m: (f"Le fragment {m[1]} n'est jamais utilisé.", None),
    ),
    (
        r"Cannot spread fragment '(\w+)' within itself",
        lambda m: (f"Le fragment {m[1]} s'inclut lui-même.", None),
    ),
    (
        r"Fragment (?:'(\w+)' )?cannot",
        lambda m: ("Ce fragment ne s'applique pas à ce type.", None),
    ),
    (r"Unknown directive '@(\w+)'", lambda m: (f"La directive @{m[1]} n'existe pas.", None)),
    (
        r"(?:The )?[Dd]irective '@(\w+)'",
        lambda m: (f"La directive @{m[1]} n'est pas permise ici.", None),
    ),
    (
        r"Fields '(\w+)' conflict",
        lambda m: (f"Deux sélections {m[1]} diffèrent : donnez-leur des alias distincts.", m[1]),
    ),
    (
        r"GraphQL introspection has been disabled.*field '(\w+)'",
        lambda m: ("L'introspection du schéma est désactivée.", m[1]),
    ),
    (
        r"The (\w+) definition is not executable",
        lambda m: ("Le document ne peut contenir que des opérations et des fragments.", None),
    ),
    (
        r"Subscription .*must select only one top level field",
        lambda m: ("Un abonnement ne sélectionne qu'un champ racine.", None),
    ),
    (
        r"The (\w+) operation is not supported",
        lambda m: (f"Ce schéma n'a pas d'opération {m[1]}.", None),
    ),
]

_VARIABLE = re.compile(r"^Variable '\$(\w+)' has invalid value(?: at \.([\w.\[\]]+))?: (.*)$", re.S)


def _premier(table: list[tuple[str, Gabarit]], texte: str) -> tuple[str, str | None] | None:
    for motif, gabarit in table:
        m = re.search(motif, texte)
        if m is not None:
            return gabarit(m)
    return None


def traduire(erreur: GraphQLError, champ_du_document: str | None) -> Traduction:
    """The French refusal of a document or variables error (one without a path).
    ``champ_du_document``: the argument or input field holding the faulty value."""
    variable = _VARIABLE.match(erreur.message)
    if variable is not None:
        chemin = variable[2]
        feuille = re.sub(r"\[\d+\]", "", chemin).split(".")[-1] if chemin else None
        raison, nomme = _premier(VALEURS, variable[3]) or ("valeur invalide.", None)
        champ = nomme or feuille or champ_du_document or variable[1]
        return Traduction(BAD_USER_INPUT, f"{champ} : {raison}", champ)
    valeur = _premier(VALEURS, erreur.message)
    if valeur is not None:
        raison, nomme = valeur
        champ = nomme or champ_du_document
        return Traduction(BAD_USER_INPUT, f"{champ or 'valeur'} : {raison}", champ)
    message, champ = _premier(DOCUMENT, erreur.message) or ("Document GraphQL invalide.", None)
    return Traduction(
        GRAPHQL_VALIDATION_FAILED,
        _suggestions(message, erreur.message),
        champ or champ_du_document,
    )


def _suggestions(message: str, anglais: str) -> str:
    """graphql-core's "Did you mean …?" (when field suggestions are on), in French."""
    _, trouve, suite = anglais.partition("Did you mean ")
    if not trouve:
        return message
    noms = [n for n in re.findall(r"'([^']+)'", suite) if n not in message]
    return f"{message} Vouliez-vous dire {' ou '.join(noms)} ?" if noms else message

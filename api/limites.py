"""What a document may cost, checked before any other validation (R24).

Depth, aliases and the number of fields once fragments are expanded are computed in one walk,
each fragment once (memoised): a "bomb" of fragments each spreading the previous one twice is
measured in linear time and refused, instead of being expanded by every later rule."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass

from graphql import (
    ASTValidationRule,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    validate,
)
from strawberry.extensions import SchemaExtension

from api.erreurs import GRAPHQL_VALIDATION_FAILED
from api.saisies import erreurs_de_saisie

PROFONDEUR_MAX = 10
ALIAS_MAX = 15
CHAMPS_MAX = 3000
"""Fields once fragments are expanded: far above what a screen asks (the GraphiQL page's own
introspection query is about 200), far below what would take the server long to run."""


@dataclass(frozen=True)
class Cout:
    champs: int = 0
    profondeur: int = 0
    alias: int = 0

    def __add__(self, autre: Cout) -> Cout:
        return Cout(
            self.champs + autre.champs,
            max(self.profondeur, autre.profondeur),
            self.alias + autre.alias,
        )


NUL = Cout()


class Mesure:
    def __init__(self, document: DocumentNode) -> None:
        self.fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        self.memo: dict[str, Cout] = {}
        self.en_cours: set[str] = set()

    def selections(self, selection_set: SelectionSetNode | None) -> Cout:
        total = NUL
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FieldNode):
                dessous = self.selections(selection.selection_set)
                # Depth counts the levels below the root fields; introspection's do not count.
                introspection = selection.name.value.startswith("__")
                profonde = selection.selection_set is not None and not introspection
                total += Cout(
                    1 + dessous.champs,
                    dessous.profondeur + 1 if profonde else 0,
                    dessous.alias + (1 if selection.alias else 0),
                )
            elif isinstance(selection, InlineFragmentNode):
                total += self.selections(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                total += self.fragment(selection.name.value)
        return total

    def fragment(self, nom: str) -> Cout:
        if nom in self.memo:
            return self.memo[nom]
        definition = self.fragments.get(nom)
        if definition is None or nom in self.en_cours:
            return NUL  # unknown or cyclic: the standard rules report it
        self.en_cours.add(nom)
        self.memo[nom] = self.selections(definition.selection_set)
        self.en_cours.discard(nom)
        return self.memo[nom]


def depassements(document: DocumentNode) -> Iterator[str]:
    """Why the document costs too much (French, for the client), if it does."""
    mesure = Mesure(document)
    for definition in document.definitions:
        if not isinstance(definition, OperationDefinitionNode):
            continue
        cout = mesure.selections(definition.selection_set)
        if cout.profondeur > PROFONDEUR_MAX:
            yield f"Requête trop profonde : {cout.profondeur} niveaux, au plus {PROFONDEUR_MAX}."
        if cout.alias > ALIAS_MAX:
            yield f"Trop d'alias : {cout.alias}, au plus {ALIAS_MAX}."
        if cout.champs > CHAMPS_MAX:
            yield (
                f"Requête trop coûteuse : {cout.champs} champs une fois les fragments "
                f"développés, au plus {CHAMPS_MAX}."
            )


@functools.lru_cache(maxsize=256)
def _valider(
    schema: GraphQLSchema, document: DocumentNode, regles: tuple[type[ASTValidationRule], ...]
) -> list[GraphQLError]:
    """Front-ends send the same few documents (the parser cache gives back the same node):
    each is validated once."""
    return validate(schema, document, regles)


class ValidationBornee(SchemaExtension):
    """The cost first: a document past a limit is refused without being validated further;
    then every string it brings (``saisies.py``); then the standard rules, cached."""

    def on_validate(self) -> Iterator[None]:
        contexte = self.execution_context
        document = contexte.graphql_document
        if document is not None:
            erreurs = [
                GraphQLError(message, extensions={"code": GRAPHQL_VALIDATION_FAILED})
                for message in depassements(document)
            ] or erreurs_de_saisie(document, contexte.variables)
            contexte.pre_execution_errors = erreurs or _valider(
                contexte.schema._schema, document, tuple(contexte.validation_rules)
            )
        yield

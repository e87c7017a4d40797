"""The schema with its limits (documented in docs/api.md) and its access log."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import Any

import strawberry
from graphql import ASTValidationRule, GraphQLError
from graphql.validation import NoSchemaIntrospectionCustomRule
from strawberry.extensions import (
    AddValidationRules,
    MaxTokensLimiter,
    ParserCache,
    SchemaExtension,
)
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext

from api.contexte import ContexteRequete
from api.erreurs import reformuler
from api.limites import ValidationBornee
from api.mutation import Mutation
from api.requetes import Query
from api.scalaires import SCALAIRES
from api.types import PPAE, Affectation, Dossier
from api.types.lecture import lectures_de_l_operation

JETONS_MAX = 2000
OPERATIONS_PAR_LOT_MAX = 5
CACHE_DOCUMENTS = 256
"""Front-ends send the same few documents: parse and validate each once."""


class JournalisationAcces(SchemaExtension):
    """After each operation, one access-log line if personal data was read (R23)."""

    def on_operation(self) -> Iterator[None]:
        with lectures_de_l_operation() as lectures:
            yield
        ctx = self.execution_context.context
        if isinstance(ctx, ContexteRequete) and (lectures.dossiers or lectures.affectations):
            ctx.journal.ecrire(
                ctx.acteur,
                self.execution_context.operation_name or "anonyme",
                ctx.request_id,
                [str(i) for i in lectures.dossiers],
                [str(i) for i in lectures.affectations],
            )


class SchemaCotraitance(strawberry.Schema):
    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        """Each error is said as the client sees it (``erreurs.formater``: French, a stable code,
        logged without the query or variables), whatever the transport."""
        contexte = execution_context.context if execution_context else None
        request_id = contexte.request_id if isinstance(contexte, ContexteRequete) else "-"
        for erreur in errors:
            reformuler(erreur, request_id)


def construire_schema(introspection: bool, suggestions: bool) -> strawberry.Schema:
    regles: list[type[ASTValidationRule]] = (
        [] if introspection else [NoSchemaIntrospectionCustomRule]
    )
    extensions: list[Any] = [
        functools.partial(MaxTokensLimiter, max_token_count=JETONS_MAX),
        functools.partial(ParserCache, maxsize=CACHE_DOCUMENTS),
        functools.partial(AddValidationRules, regles),
        ValidationBornee,
        JournalisationAcces,
    ]
    return SchemaCotraitance(
        query=Query,
        mutation=Mutation,
        types=[Dossier, PPAE, Affectation],
        extensions=extensions,
        scalar_overrides=SCALAIRES,
        config=StrawberryConfig(
            disable_field_suggestions=not suggestions,
            batching_config={"max_operations": OPERATIONS_PAR_LOT_MAX},
        ),
    )


def sdl() -> str:
    """The exported SDL, as committed in api/schema.graphql."""
    return construire_schema(introspection=True, suggestions=True).as_str() + "\n"


if __name__ == "__main__":
    print(sdl(), end="")

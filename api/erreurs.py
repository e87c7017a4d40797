"""GraphQL errors with a stable ``extensions.code``; business refusals go in payload ``erreurs``."""

from __future__ import annotations

import logging
from typing import Any

import strawberry
from graphql import GraphQLError

from domain.erreurs import ErreurMetier

UNAUTHENTICATED = "UNAUTHENTICATED"
FORBIDDEN = "FORBIDDEN"
BAD_USER_INPUT = "BAD_USER_INPUT"
GRAPHQL_VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
INTERNAL_SERVER_ERROR = "INTERNAL_SERVER_ERROR"
CODES_PUBLICS = {UNAUTHENTICATED, FORBIDDEN, BAD_USER_INPUT, GRAPHQL_VALIDATION_FAILED}

journal = logging.getLogger("cotraitance.api")


def erreur(code: str, message: str, **extensions: Any) -> GraphQLError:
    return GraphQLError(message, extensions={"code": code, **extensions})


def entree_invalide(message: str, champ: str | None = None) -> GraphQLError:
    return erreur(BAD_USER_INPUT, message, **({"champ": champ} if champ else {}))


def interdit(message: str = "Votre rôle ne permet pas cette lecture.") -> GraphQLError:
    return erreur(FORBIDDEN, message)


@strawberry.type
class Erreur:
    code: str
    message: str
    champ: str | None = None

    @classmethod
    def de(cls, exc: ErreurMetier) -> Erreur:
        return cls(code=exc.code, message=exc.message, champ=exc.champ)


def code_de(erreur_gql: GraphQLError) -> str | None:
    code = (erreur_gql.extensions or {}).get("code")
    if code is None and erreur_gql.original_error is not None:
        original = erreur_gql.original_error
        if isinstance(original, GraphQLError):
            code = (original.extensions or {}).get("code")
    return code if isinstance(code, str) else None


def formater(erreur_gql: GraphQLError, request_id: str) -> dict[str, Any]:
    """What a client sees of an error: its message and code, never a stack trace."""
    code = code_de(erreur_gql)
    if code in CODES_PUBLICS:
        sortie = erreur_gql.formatted
        sortie.setdefault("extensions", {})["code"] = code
        return dict(sortie)
    if erreur_gql.path is None:
        # Not a resolver's: the document is at fault (parsing, validation), or the variables
        # (a value that cannot be coerced to its declared type).
        sortie = erreur_gql.formatted
        code_doc = (
            GRAPHQL_VALIDATION_FAILED if erreur_gql.original_error is None else BAD_USER_INPUT
        )
        sortie["extensions"] = {"code": code_doc}
        return dict(sortie)
    journal.error(
        "resolver error request_id=%s path=%s type=%s",
        request_id,
        erreur_gql.path,
        type(erreur_gql.original_error).__name__,
        exc_info=erreur_gql.original_error,
    )
    return {
        "message": "Erreur interne. Communiquez l'identifiant de requête au support.",
        "path": erreur_gql.path,
        "extensions": {"code": INTERNAL_SERVER_ERROR, "requestId": request_id},
    }

"""GraphQL errors with a stable ``extensions.code``; business refusals go in payload ``erreurs``."""

from __future__ import annotations

import logging
import re
from typing import Any

import strawberry
from graphql import (
    ArgumentNode,
    GraphQLError,
    ObjectFieldNode,
    VariableDefinitionNode,
    VariableNode,
    parse,
    visit,
)
from graphql.language import Visitor

from api.scalaires import ValeurInvalide
from application.magasin.adaptateur import ERREURS_DE_CONNEXION
from domain.erreurs import ErreurMetier

UNAUTHENTICATED = "UNAUTHENTICATED"
FORBIDDEN = "FORBIDDEN"
BAD_USER_INPUT = "BAD_USER_INPUT"
GRAPHQL_VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
INTERNAL_SERVER_ERROR = "INTERNAL_SERVER_ERROR"
SERVICE_INDISPONIBLE = "SERVICE_INDISPONIBLE"
"""The database cannot answer now (down, restarting, full): retry later, same request."""
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

    @classmethod
    def toutes(cls, exc: ErreurMetier) -> list[Erreur]:
        """One per faulty field when a refusal reports several (R24)."""
        return [cls.de(faute) for faute in exc.fautes()]


def code_de(erreur_gql: GraphQLError) -> str | None:
    code = (erreur_gql.extensions or {}).get("code")
    if code is None and erreur_gql.original_error is not None:
        original = erreur_gql.original_error
        if isinstance(original, GraphQLError):
            code = (original.extensions or {}).get("code")
    return code if isinstance(code, str) else None


def _valeur_invalide(erreur_gql: GraphQLError) -> ValeurInvalide | None:
    cause: BaseException | None = erreur_gql.original_error
    while cause is not None and not isinstance(cause, ValeurInvalide):
        cause = getattr(cause, "original_error", None)
    return cause


def _champ_de(erreur_gql: GraphQLError) -> str | None:
    """The input field a scalar's value was given for: from the variable's path, or from the
    document (the argument or input field holding the literal, or using the variable)."""
    chemin = re.search(r"invalid value at \.([\w.\[\]]+):", erreur_gql.message)
    if chemin:
        return re.sub(r"\[\d+\]", "", chemin.group(1)).split(".")[-1]
    noeud = erreur_gql.nodes[0] if erreur_gql.nodes else None
    if noeud is None or noeud.loc is None or erreur_gql.source is None:
        return None
    variable = noeud.variable.name.value if isinstance(noeud, VariableDefinitionNode) else None
    trouve: list[str] = []

    class Recherche(Visitor):
        def enter(self, n: Any, *_: Any) -> None:
            if not isinstance(n, ArgumentNode | ObjectFieldNode):
                return
            valeur = n.value
            if variable is not None and isinstance(valeur, VariableNode):
                if valeur.name.value == variable:
                    trouve.append(n.name.value)
            elif valeur.loc is not None and valeur.loc.start == noeud.loc.start:  # type: ignore[union-attr]
                trouve.append(n.name.value)

    visit(parse(erreur_gql.source), Recherche())
    return trouve[0] if trouve else variable


def base_indisponible(exc: BaseException | None) -> bool:
    """Whether an error comes from the database being unreachable or unable to write."""
    while exc is not None:
        if isinstance(exc, ERREURS_DE_CONNEXION):
            return True
        exc = getattr(exc, "original_error", None) or exc.__cause__
    return False


MESSAGE_INDISPONIBLE = "Service momentanément indisponible : réessayez dans quelques instants."


def formater(erreur_gql: GraphQLError, request_id: str) -> dict[str, Any]:
    """What a client sees of an error: its message and code, never a stack trace."""
    if erreur_gql.path is not None and base_indisponible(erreur_gql.original_error):
        journal.warning(
            "database unavailable request_id=%s path=%s type=%s",
            request_id,
            erreur_gql.path,
            type(erreur_gql.original_error).__name__,
        )
        return {
            "message": MESSAGE_INDISPONIBLE,
            "path": erreur_gql.path,
            "extensions": {"code": SERVICE_INDISPONIBLE, "requestId": request_id},
        }
    invalide = _valeur_invalide(erreur_gql) if erreur_gql.path is None else None
    if invalide is not None:
        champ = _champ_de(erreur_gql)
        nom = champ or "la valeur"
        message = f"{nom} : « {invalide.valeur} » n'est pas {invalide.attendu}."
        extensions = {"code": BAD_USER_INPUT, **({"champ": champ} if champ else {})}
        return {"message": message, "extensions": extensions}
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

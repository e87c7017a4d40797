"""GraphQL errors with a stable ``extensions.code``; business refusals go in payload ``erreurs``."""

from __future__ import annotations

import logging
import re
from typing import Any

import strawberry
from graphql import (
    ArgumentNode,
    FieldNode,
    GraphQLError,
    ObjectFieldNode,
    Source,
    VariableDefinitionNode,
    VariableNode,
    parse,
    visit,
)
from graphql.language import Visitor

from api.messages import BAD_USER_INPUT as BAD_USER_INPUT
from api.messages import GRAPHQL_VALIDATION_FAILED as GRAPHQL_VALIDATION_FAILED
from api.messages import traduire
from api.scalaires import ValeurInvalide
from application.magasin.adaptateur import ERREURS_DE_CONNEXION
from domain.erreurs import ErreurMetier

UNAUTHENTICATED = "UNAUTHENTICATED"
FORBIDDEN = "FORBIDDEN"
INTERNAL_SERVER_ERROR = "INTERNAL_SERVER_ERROR"
SERVICE_INDISPONIBLE = "SERVICE_INDISPONIBLE"
"""The database cannot answer now (down, restarting, full): retry later, same request."""
INCONNU_A_CET_INSTANT = "INCONNU_A_CET_INSTANT"
"""Within etatAu, a field whose value at that instant what was recorded cannot tell (R21)."""
CODES_PUBLICS = {
    UNAUTHENTICATED,
    FORBIDDEN,
    BAD_USER_INPUT,
    GRAPHQL_VALIDATION_FAILED,
    INCONNU_A_CET_INSTANT,
}

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
    """The input field a value was given for: from the variable's path, or from the document
    (the argument or input field holding the literal, or using the variable the error is
    about, or whose declared type it is)."""
    chemin = re.search(r"invalid value at \.([\w.\[\]]+):", erreur_gql.message)
    if chemin:
        return re.sub(r"\[\d+\]", "", chemin.group(1)).split(".")[-1]
    noeud = erreur_gql.nodes[0] if erreur_gql.nodes else None
    if noeud is None:
        return None
    # A list written where one value is expected is reported on a list node graphql-core
    # makes without a location: its items have theirs, inside the argument's value.
    interieur = noeud.loc is None
    place = _place(noeud)
    if place is None:
        return None
    source, debut, fin = place
    try:
        document = parse(source)
    except GraphQLError:
        return None
    variables = (
        [noeud.variable.name.value]
        if isinstance(noeud, VariableDefinitionNode)
        else [noeud.name.value]
        if isinstance(noeud, VariableNode)
        else []
    )
    trouve: list[str] = []

    class Recherche(Visitor):
        def enter(self, n: Any, *_: Any) -> None:
            englobe = n.loc is not None and n.loc.start <= debut and fin <= n.loc.end
            if isinstance(n, VariableDefinitionNode) and not variables and englobe:
                variables.append(n.variable.name.value)
            if not isinstance(n, ArgumentNode | ObjectFieldNode):
                return
            valeur = n.value
            if isinstance(valeur, VariableNode):
                if valeur.name.value in variables:
                    trouve.append(n.name.value)
            elif valeur.loc is not None and valeur.loc.start == debut:
                trouve.append(n.name.value)
            elif interieur and valeur.loc is not None:
                tient = valeur.loc.start <= debut and fin <= valeur.loc.end
                trouve.extend([n.name.value] if tient else [])

    visit(document, Recherche())
    if trouve:
        return trouve[-1] if interieur else trouve[0]  # the innermost holding the items
    return variables[0] if variables else None


def _place(noeud: Any) -> tuple[Source, int, int] | None:
    """The document and the offsets of what the error is about."""
    if noeud.loc is not None:
        return noeud.loc.source, noeud.loc.start, noeud.loc.end
    items = getattr(noeud, "values", None) or getattr(noeud, "fields", None) or ()
    places = [i.loc for i in items if i.loc is not None]
    if not places:
        return None
    return places[0].source, places[0].start, places[-1].end


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
    if code in (INTERNAL_SERVER_ERROR, SERVICE_INDISPONIBLE) and erreur_gql.original_error is None:
        return dict(erreur_gql.formatted)  # said already (reformuler), logged once
    if code in CODES_PUBLICS:
        publique: dict[str, Any] = dict(erreur_gql.formatted)
        extensions = {**(publique.get("extensions") or {}), "code": code}
        refuse = erreur_gql.nodes[0] if erreur_gql.nodes else None
        if code == FORBIDDEN and isinstance(refuse, FieldNode) and "champ" not in extensions:
            extensions["champ"] = refuse.name.value  # the field refused, not its alias
        return {**publique, "extensions": extensions}
    if erreur_gql.path is None:
        # Not a resolver's: the document is at fault (parsing, validation), or the variables
        # (a value that cannot be coerced to its declared type): said in French (messages.py).
        traduction = traduire(erreur_gql, _champ_de(erreur_gql))
        extensions = {"code": traduction.code}
        if traduction.champ:
            extensions["champ"] = traduction.champ
        sortie: dict[str, Any] = {"message": traduction.message, "extensions": extensions}
        if erreur_gql.locations:
            sortie["locations"] = [p.formatted for p in erreur_gql.locations]
        return sortie
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


def reformuler(erreur_gql: GraphQLError, request_id: str) -> None:
    """Writes what the client sees back onto the error, so that every transport (HTTP, and
    graphql-transport-ws, which sends ``error.formatted``) says the same; ``formater`` then
    gives it back unchanged."""
    sortie = formater(erreur_gql, request_id)
    erreur_gql.message = sortie["message"]
    erreur_gql.extensions = sortie.get("extensions")
    erreur_gql.original_error = None

"""The web process: Starlette serving the GraphQL API, with auth, limits and a health check."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any
from uuid import uuid4

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.http import GraphQLHTTPResponse
from strawberry.types import ExecutionResult
from strawberry.types.unset import UnsetType

from api.auth import Authentificateur, FournisseurInjoignable, NonAuthentifie
from api.contexte import ContexteRequete, JournalAcces, en_thread
from api.corps import probleme_du_corps
from api.erreurs import (
    BAD_USER_INPUT,
    INTERNAL_SERVER_ERROR,
    MESSAGE_INDISPONIBLE,
    SERVICE_INDISPONIBLE,
    UNAUTHENTICATED,
    base_indisponible,
    formater,
    journal,
)
from api.reglages import ReglagesApi
from api.schema import construire_schema
from api.service import ServiceApi
from domain.valeurs import Acteur, Role

TAILLE_CORPS_MAX = 64 * 1024
CLE_ACTEUR = "cotraitance.acteur"
CLE_REQUETE = "cotraitance.request_id"
REQUEST_ID_VALIDE = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
ANONYME = Acteur("anonyme", Role.ANONYME, "")
"""Before authentication (the GraphiQL page, a WebSocket before connection_init): no right."""


def erreur_http(statut: int, code: str, message: str, request_id: str) -> JSONResponse:
    corps = {
        "errors": [{"message": message, "extensions": {"code": code, "requestId": request_id}}]
    }
    return JSONResponse(corps, status_code=statut, headers={"X-Request-Id": request_id})


class VueGraphQL(GraphQL[ContexteRequete, None]):
    def __init__(
        self,
        service: ServiceApi,
        journal_acces: JournalAcces,
        reglages: ReglagesApi,
        auth: Authentificateur,
    ) -> None:
        super().__init__(
            construire_schema(reglages.introspection, reglages.suggestions),
            graphql_ide="graphiql" if reglages.graphiql else None,
            allow_queries_via_get=False,
        )
        self.service = service
        self.journal_acces = journal_acces
        self.auth = auth

    async def get_context(self, request: Any, response: Any) -> ContexteRequete:
        scope = request.scope
        if CLE_REQUETE not in scope:  # a WebSocket: the guard only sees HTTP requests
            scope[CLE_REQUETE] = uuid4().hex
        return ContexteRequete(
            acteur=scope.get(CLE_ACTEUR, ANONYME),
            service=self.service,
            journal=self.journal_acces,
            request_id=scope[CLE_REQUETE],
        )

    async def on_ws_connect(self, context: ContexteRequete) -> UnsetType | dict[str, object] | None:
        """R23 on WebSockets: the token comes in connection_init's payload
        (``{"Authorization": "Bearer …"}``); without a valid one the connection is closed."""
        params = context.connection_params if isinstance(context.connection_params, dict) else {}
        autorisation = params.get("Authorization") or params.get("authorization")
        try:
            context.acteur = await en_thread(
                self.auth.acteur, autorisation if isinstance(autorisation, str) else None
            )
        except (NonAuthentifie, FournisseurInjoignable):
            raise ConnectionRejectionError() from None
        return await super().on_ws_connect(context)

    async def process_result(self, request: Any, result: ExecutionResult) -> GraphQLHTTPResponse:
        sortie: GraphQLHTTPResponse = {"data": result.data}
        if result.errors:
            request_id = request.scope[CLE_REQUETE]
            sortie["errors"] = [formater(e, request_id) for e in result.errors]
        return sortie


class Garde:
    """Request id, body size, authentication; anything unexpected becomes a clean JSON error."""

    def __init__(self, vue: ASGIApp, auth: Authentificateur, graphiql: bool) -> None:
        self.vue = vue
        self.auth = auth
        self.graphiql = graphiql

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.vue(scope, receive, send)
            return
        request = Request(scope)
        fourni = request.headers.get("x-request-id", "")
        request_id = fourni if REQUEST_ID_VALIDE.match(fourni) else uuid4().hex
        scope[CLE_REQUETE] = request_id
        try:
            await self._servir(scope, receive, send, request, request_id)
        except Exception as exc:
            if base_indisponible(exc):
                journal.warning("database unavailable request_id=%s", request_id)
                reponse = erreur_http(503, SERVICE_INDISPONIBLE, MESSAGE_INDISPONIBLE, request_id)
            else:
                journal.exception("request failed request_id=%s", request_id)
                reponse = erreur_http(
                    503, INTERNAL_SERVER_ERROR, "Service indisponible.", request_id
                )
            await reponse(scope, receive, send)

    async def _servir(
        self, scope: Scope, receive: Receive, send: Send, request: Request, request_id: str
    ) -> None:
        if (
            request.method == "GET"
            and self.graphiql
            and "text/html" in request.headers.get("accept", "")
        ):
            await self.vue(scope, receive, send)
            return
        corps = await _lire_corps(receive, TAILLE_CORPS_MAX)
        if corps is None:
            message = f"Requête trop volumineuse (au plus {TAILLE_CORPS_MAX} octets)."
            await erreur_http(413, BAD_USER_INPUT, message, request_id)(scope, receive, send)
            return
        try:
            scope[CLE_ACTEUR] = await en_thread(
                self.auth.acteur, request.headers.get("authorization")
            )
        except NonAuthentifie as exc:
            await erreur_http(401, UNAUTHENTICATED, str(exc), request_id)(scope, receive, send)
            return
        except FournisseurInjoignable as exc:
            journal.warning("identity provider unreachable request_id=%s", request_id)
            await erreur_http(503, INTERNAL_SERVER_ERROR, str(exc), request_id)(
                scope, receive, send
            )
            return

        json_annonce = "json" in request.headers.get("content-type", "application/json")
        raison = probleme_du_corps(corps) if request.method == "POST" and json_annonce else None
        if raison is not None:
            await erreur_http(400, BAD_USER_INPUT, raison, request_id)(scope, receive, send)
            return

        async def rejouer() -> Message:
            return {"type": "http.request", "body": corps, "more_body": False}

        await self.vue(scope, rejouer, EnvoiJson(send, request_id))


class EnvoiJson:
    """Adds the request id to the response; turns the GraphQL server's plain-text refusals
    (bad JSON, too many operations, GET queries…) into JSON errors with a stable code."""

    def __init__(self, send: Send, request_id: str) -> None:
        self.send = send
        self.request_id = request_id
        self.refus: int | None = None
        self.texte = b""

    async def __call__(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            entetes = dict(message.get("headers", []))
            texte = entetes.get(b"content-type", b"").startswith(b"text/plain")
            if message["status"] >= 400 and texte:
                self.refus = message["status"]
                return
            message.setdefault("headers", []).append((b"x-request-id", self.request_id.encode()))
        elif message["type"] == "http.response.body" and self.refus is not None:
            self.texte += message.get("body", b"")[:500]
            if message.get("more_body", False):
                return
            corps = {
                "errors": [
                    {
                        "message": refus_du_serveur(self.texte.decode("utf-8", "replace")),
                        "extensions": {"code": BAD_USER_INPUT, "requestId": self.request_id},
                    }
                ]
            }
            contenu = json.dumps(corps).encode()
            await self.send(
                {
                    "type": "http.response.start",
                    "status": self.refus if self.refus < 500 else 400,
                    "headers": [
                        (b"content-type", b"application/json"),
                        (b"content-length", str(len(contenu)).encode()),
                        (b"x-request-id", self.request_id.encode()),
                    ],
                }
            )
            await self.send({"type": "http.response.body", "body": contenu})
            return
        await self.send(message)


REFUS_DU_SERVEUR = {
    "Too many operations": "Trop d'opérations dans un lot (au plus 5).",
    "Unable to parse request body as JSON": "Le corps de la requête n'est pas du JSON valide.",
    "No GraphQL query found in the request": "La requête ne contient pas de document GraphQL.",
    "Unsupported content type": "Type de contenu non pris en charge : application/json attendu.",
    "Batching is not enabled": "Les lots de requêtes ne sont pas acceptés.",
    "GraphQL only supports GET and POST requests.": "Seules les méthodes GET et POST sont admises.",
    "are not allowed when using GET": "Les opérations passent par POST, jamais par GET.",
    "Can't get GraphQL operation type": "Le document ne contient pas d'opération à exécuter.",
    "Unknown operation named": "Aucune opération du document ne porte ce nom (operationName).",
    "Not Found": "Ressource introuvable.",
}
"""The GraphQL server's plain-text refusals, in French (what the client reads)."""


def refus_du_serveur(texte: str) -> str:
    for anglais, francais in REFUS_DU_SERVEUR.items():
        if anglais.lower() in texte.lower():
            return f"Requête refusée : {francais}"
    return "Requête refusée par le serveur GraphQL."


async def _lire_corps(receive: Receive, maximum: int) -> bytes | None:
    morceaux, taille = [], 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        morceau = message.get("body", b"")
        taille += len(morceau)
        if taille > maximum:
            return None
        morceaux.append(morceau)
        if not message.get("more_body", False):
            break
    return b"".join(morceaux)


def creer_app(service: ServiceApi, reglages: ReglagesApi) -> Starlette:
    """The web process around a service built by the composition root."""
    reglages.verifier()
    auth = Authentificateur(reglages.auth)
    journal_acces = JournalAcces(reglages.journal_acces)
    vue = VueGraphQL(service, journal_acces, reglages, auth)
    garde = Garde(vue, auth, reglages.graphiql)

    @asynccontextmanager
    async def cycle_de_vie(_: Starlette) -> AsyncIterator[None]:
        service.demarrer()
        try:
            yield
        finally:
            await en_thread(service.arreter)
            journal_acces.close()

    async def sante(request: Request) -> Response:
        try:
            etat = await en_thread(service.sante)
        except Exception:
            journal.exception("health check failed")
            return JSONResponse({"status": "indisponible"}, status_code=503)
        corps: dict[str, Any] = {
            "status": "ok" if etat.ok else "degrade",
            "projections": {
                nom: {"position": position, "retard": retard, **_echec(etat.echecs, nom)}
                for nom, (position, retard) in etat.positions.items()
            },
        }
        if etat.echecs:
            corps["processeursArretes"] = sorted(etat.echecs)
        if etat.panne:
            corps["erreurProjections"] = etat.panne
        corps["ecriture"] = etat.ecriture or "inconnue"
        if etat.envoi_dude is not None:
            corps["envoiDude"] = etat.envoi_dude
        statut = 200 if etat.ok else 503
        return Response(json.dumps(corps), status_code=statut, media_type="application/json")

    return Starlette(
        routes=[
            Route("/health", sante, methods=["GET"]),
            Route("/graphql", garde, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", vue),
        ],
        lifespan=cycle_de_vie,
    )


def _echec(echecs: dict[str, str], nom: str) -> dict[str, str]:
    return {"echec": echecs[nom]} if nom in echecs else {}

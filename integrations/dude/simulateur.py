"""A DUDE simulator, a real HTTP server for development and tests: it receives flows and
deduplicates them by key, keeps a "dossier DUDE" per PE identifier (browsable as JSON), serves
affectations for the intake pull, and injects faults on demand (latency, a share of 5xx,
timeouts — the flow recorded, the answer never sent in time —, business rejections)."""

from __future__ import annotations

import asyncio
import logging
import random
import threading
from collections.abc import Mapping
from contextvars import ContextVar
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from integrations.dude import simulateur_entrees as entrees
from integrations.dude.simulateur_entrees import EntreeRefusee, corps_json
from integrations.dude.simulateur_entrees import Fautes as Fautes
from integrations.json_externe import JsonIllisible, lire_json

CORPS_MAX = {"/flux": 64 * 1024, "/fautes": 64 * 1024, "/affectations": 32 * 1024 * 1024}
"""Bytes a request body may have, by route: a flow is a few hundred, the affectations a test
or a demo serves a few megabytes."""


@dataclass
class Recu:
    cle: str
    message: dict[str, Any]
    recu_le: str


class Simulateur:
    def __init__(self, fautes: Fautes | None = None) -> None:
        self.fautes = fautes or Fautes()
        self._hasard = random.Random(self.fautes.graine)  # noqa: S311 (faults, not secrets)
        self._verrou = threading.Lock()
        self.recus: dict[str, Recu] = {}
        self.dossiers: dict[str, list[str]] = {}
        self.tentatives = 0
        self.doublons = 0
        self.affectations: list[dict[str, Any]] = []
        self._en_vol: dict[str, int] = {}
        self.simultanes_max = 0
        """The most requests ever in flight at once for one DUDE dossier (ordering: 1)."""

    def regler(self, fautes: Fautes) -> None:
        with self._verrou:
            self.fautes = fautes
            self._hasard = random.Random(fautes.graine)  # noqa: S311

    def _tirage(self) -> float:
        with self._verrou:
            return self._hasard.random()

    async def recevoir(self, request: Request) -> Response:
        cle = request.headers.get("idempotency-key")
        if not cle:
            return _erreur(400, "CLE_ABSENTE", "En-tête Idempotency-Key obligatoire.")
        try:
            message = await corps_json(request, CORPS_MAX["/flux"])
        except EntreeRefusee as exc:
            return _refus(exc)
        if not isinstance(message, dict) or message.get("cle") != cle:
            return _erreur(400, "MESSAGE_INVALIDE", "Le message doit porter sa clé.")
        dossier = str(message.get("identifiantPe"))
        with self._verrou:
            self.tentatives += 1
            self._en_vol[dossier] = self._en_vol.get(dossier, 0) + 1
            self.simultanes_max = max(self.simultanes_max, self._en_vol[dossier])
        try:
            return await self._repondre(cle, message)
        finally:
            with self._verrou:
                self._en_vol[dossier] -= 1

    async def _repondre(self, cle: str, message: dict[str, Any]) -> Response:
        fautes = self.fautes
        if fautes.latence_ms:
            await asyncio.sleep(fautes.latence_ms / 1000)
        tirage = self._tirage()
        if tirage < fautes.taux_5xx:
            return _erreur(503, "INDISPONIBLE", "DUDE momentanément indisponible.")
        rejet = fautes.rejets.get(cle) or fautes.rejets.get(str(message.get("type")))
        if rejet:
            return _erreur(422, rejet.get("code", "REJET"), rejet.get("message", "Flux rejeté."))
        nouveau = self._enregistrer(cle, message)
        if tirage < fautes.taux_5xx + fautes.taux_timeout:
            await asyncio.sleep(fautes.duree_timeout_s)  # recorded, the answer comes too late
        return JSONResponse({"statut": "accepte" if nouveau else "doublon"}, status_code=200)

    def _enregistrer(self, cle: str, message: dict[str, Any]) -> bool:
        with self._verrou:
            if cle in self.recus:
                self.doublons += 1
                return False
            self.recus[cle] = Recu(cle, message, datetime.now(UTC).isoformat())
            self.dossiers.setdefault(str(message.get("identifiantPe")), []).append(cle)
            return True

    def etat(self) -> dict[str, Any]:
        with self._verrou:
            return {
                "tentatives": self.tentatives,
                "uniques": len(self.recus),
                "doublons": self.doublons,
                "doublonsEnEffet": sum(len(c) - len(set(c)) for c in self.dossiers.values()),
                "simultanesMax": self.simultanes_max,
                "fautes": asdict(self.fautes),
            }

    # ------------------------------------------------------------------ affectations (intake)

    def ajouter_affectations(self, enregistrements: list[Any]) -> int:
        """Served as they are, malformed ones included (what the intake must reject)."""
        with self._verrou:
            self.affectations.extend(enregistrements)
        return len(enregistrements)

    def charger_affectations(self, chemin: Path) -> int:
        """A JSON Lines file of affectations (DESIGN §4); a line that is not JSON is skipped."""
        lus = []
        with chemin.open(encoding="utf-8-sig") as fichier:
            for texte in fichier:
                try:
                    lus.append(lire_json(texte))
                except JsonIllisible:
                    continue
        return self.ajouter_affectations(lus)

    def page_affectations(self, params: Mapping[str, str]) -> dict[str, Any]:
        """``codeMissionLocale``, ``limite`` (1 to 1000, default 100), ``apres`` (the previous
        page's ``suivant``): records in the order they were added; the cursor is the position
        of a page's last record, so that records added later come in later pages."""
        code = params.get("codeMissionLocale")
        try:
            limite = int(params.get("limite", "100"))
            apres = int(params.get("apres", "-1"))
        except ValueError:
            raise ValueError("limite et apres sont des entiers.") from None
        if not 1 <= limite <= 1000 or apres < -1:
            raise ValueError("limite va de 1 à 1000, apres est un curseur rendu par le DUDE.")
        with self._verrou:
            rangs = [
                r
                for r in range(apres + 1, len(self.affectations))
                if code is None or _code_ml(self.affectations[r]) == code
            ]
            page = rangs[:limite]
            enregistrements = [self.affectations[r] for r in page]
        suivant = str(page[-1]) if len(rangs) > limite else None
        return {"affectations": enregistrements, "suivant": suivant}

    def dossier(self, identifiant_pe: str) -> dict[str, Any]:
        with self._verrou:
            cles = list(self.dossiers.get(identifiant_pe, []))
            return {
                "identifiantPe": identifiant_pe,
                "flux": [{**self.recus[c].message, "recuLe": self.recus[c].recu_le} for c in cles],
            }

    def application(self) -> Starlette:
        async def etat(_: Request) -> Response:
            return JSONResponse(self.etat())

        async def dossier(request: Request) -> Response:
            return JSONResponse(self.dossier(request.path_params["identifiant"]))

        async def flux(_: Request) -> Response:
            with self._verrou:
                tous = [{**r.message, "recuLe": r.recu_le} for r in self.recus.values()]
            return JSONResponse({"flux": tous})

        async def fautes(request: Request) -> Response:
            try:
                self.regler(entrees.fautes(await corps_json(request, CORPS_MAX["/fautes"])))
            except EntreeRefusee as exc:
                return _refus(exc)
            return JSONResponse(asdict(self.fautes))

        async def affectations(request: Request) -> Response:
            if request.method == "POST":
                try:
                    corps = await corps_json(request, CORPS_MAX["/affectations"])
                    ajoutees = self.ajouter_affectations(entrees.affectations(corps))
                except EntreeRefusee as exc:
                    return _refus(exc)
                return JSONResponse({"ajoutees": ajoutees})
            try:
                page = self.page_affectations(request.query_params)
            except ValueError as exc:
                return _erreur(400, "PARAMETRE_INVALIDE", str(exc))
            return JSONResponse(page)

        return Starlette(
            routes=[
                Route("/flux", self.recevoir, methods=["POST"]),
                Route("/flux", flux, methods=["GET"]),
                Route("/etat", etat, methods=["GET"]),
                Route("/dossiers/{identifiant}", dossier, methods=["GET"]),
                Route("/fautes", fautes, methods=["POST"]),
                Route("/affectations", affectations, methods=["GET", "POST"]),
            ]
        )


def _code_ml(enregistrement: Any) -> Any:
    return enregistrement.get("codeMissionLocale") if isinstance(enregistrement, dict) else None


def _erreur(statut: int, code: str, message: str) -> Response:
    return JSONResponse({"code": code, "message": message}, status_code=statut)


def _refus(refus: EntreeRefusee) -> Response:
    return _erreur(refus.statut, refus.code, refus.message)


_DANS_LE_SIMULATEUR: ContextVar[bool] = ContextVar("dans_le_simulateur", default=False)


class _SansLeSimulateur(logging.Filter):
    """uvicorn's access logger is one for the process: in ``serve --demo`` the API's server
    configures it, and the in-process simulator's requests would fill the API's log."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not _DANS_LE_SIMULATEUR.get()


def _marque(application: Any) -> Any:
    async def marquee(scope: Any, receive: Any, send: Any) -> None:
        _DANS_LE_SIMULATEUR.set(True)
        await application(scope, receive, send)

    return marquee


class SimulateurEnFond:
    """The simulator served by uvicorn in a background thread (``serve --demo``, tests); its
    requests stay out of the process's access log."""

    def __init__(self, simulateur: Simulateur, hote: str = "127.0.0.1", port: int = 0) -> None:
        self.simulateur = simulateur
        acces = logging.getLogger("uvicorn.access")
        if not any(isinstance(f, _SansLeSimulateur) for f in acces.filters):
            acces.addFilter(_SansLeSimulateur())
        config = uvicorn.Config(
            _marque(simulateur.application()),
            host=hote,
            port=port,
            log_level="warning",
            access_log=False,
        )
        self.serveur = uvicorn.Server(config)
        self._fil = threading.Thread(target=self.serveur.run, name="simulateur-dude", daemon=True)

    def demarrer(self) -> str:
        """Starts serving; returns the base URL."""
        self._fil.start()
        while not self.serveur.started:
            if not self._fil.is_alive():
                raise RuntimeError("the DUDE simulator could not start")
            threading.Event().wait(0.02)
        sockets = self.serveur.servers[0].sockets
        hote, port = sockets[0].getsockname()[:2]
        return f"http://{hote}:{port}"

    def arreter(self) -> None:
        self.serveur.should_exit = True
        self._fil.join(10)

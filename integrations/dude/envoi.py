"""Delivery of the flows to the DUDE (R15): HTTP POST with the flow's key as ``Idempotency-Key``,
at least once, ordered per DUDE dossier, concurrent across dossiers; retried with exponential
backoff and jitter on 5xx, timeouts and refused connections; stopped on a business rejection
(4xx with the DUDE's ``{code, message}``), recorded on the flow. Safe in several processes: each
flow is claimed under a lease (``registre.reserver``); a sender killed mid-send leaves flows whose
lease expires, and another sender sends them again (the DUDE deduplicates by key)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import httpx2

from application.traitement.stockage import StockageVues
from domain.flux import StatutFlux
from integrations.dude import registre
from integrations.dude.registre import Reserve

journal = logging.getLogger("cotraitance.dude")


@dataclass(frozen=True)
class ReglagesEnvoi:
    url: str
    lot: int = 64
    """Flows claimed at a time (and sent concurrently, one per DUDE dossier)."""
    bail: timedelta = timedelta(seconds=60)
    """How long a claimed flow is this sender's; past it, another sender may take it."""
    delai: float = 10.0
    """Seconds a request may take before it counts as a timeout (transient)."""
    connexions: int = 32
    """Open connections to the DUDE at most; flows in flight beyond them wait for one (that wait
    is not counted in ``delai``). More connections cost the HTTP pool's bookkeeping more CPU
    than they gain past a few dozen (measured with ``bench/flows.py``)."""
    attente_min: float = 0.5
    attente_max: float = 300.0
    pause: float = 0.2
    """Seconds between two empty claims."""


@dataclass
class Bilan:
    acquittes: int = 0
    rejetes: int = 0
    reportes: int = 0
    erreurs: list[str] = field(default_factory=list)
    suspension: str | None = None
    """Why the sender stopped sending (the DUDE refused the credentials), if it did."""


@dataclass(frozen=True)
class Issue:
    """One attempt's outcome, recorded with the next claim (one transaction for both)."""

    flux: Reserve
    statut: StatutFlux
    erreur: str | None = None
    prochain: datetime | None = None


class Expediteur:
    def __init__(self, stockage: StockageVues, reglages: ReglagesEnvoi) -> None:
        self.stockage = stockage
        self.reglages = reglages
        self.en_continu = False
        self.panne: str | None = None
        """What stops the worker (the database…); a DUDE outage is not one: flows wait."""
        self.cumul = Bilan()
        """The background worker's outcomes since start-up."""
        self.derniere_erreur: tuple[str, str] | None = None
        """When (ISO) and why the last attempt failed, rejections included."""
        self._boucle_active: asyncio.AbstractEventLoop | None = None
        self._signal: asyncio.Event | None = None

    def reveiller(self) -> None:
        """New flows were recorded (or the sender must stop): look now, not at the next poll.
        Callable from any thread."""
        boucle, signal = self._boucle_active, self._signal
        if boucle is not None and signal is not None:
            with contextlib.suppress(RuntimeError):  # the loop just closed
                boucle.call_soon_threadsafe(signal.set)

    # ------------------------------------------------------------------ the pipeline

    async def _pipeline(
        self,
        client: httpx2.AsyncClient,
        bilan: Bilan,
        arreter: Callable[[], bool],
        fini: Callable[[], bool],
    ) -> None:
        """Keeps up to ``lot`` flows in flight, at most one per DUDE dossier (the claim sees to
        it): as answers come, their outcomes are recorded and the next due flows claimed in one
        transaction, so a slow answer holds up its own dossier only. ``arreter()`` stops the
        claims; ``fini()`` (run in a thread) is asked when nothing is due nor in flight, and
        ends the pipeline when true. Flows in flight are concluded before returning, never
        abandoned mid-send."""
        self._boucle_active, self._signal = asyncio.get_running_loop(), asyncio.Event()
        en_vol: set[asyncio.Task[Issue]] = set()
        issues: list[Issue] = []
        try:
            while True:
                arret = arreter()
                libres = 0 if arret else self.reglages.lot - len(en_vol)
                reserves: list[Reserve] = []
                if issues or libres > 0:
                    reserves = await asyncio.to_thread(self._consigner, issues, libres, bilan)
                    issues = []
                    self.panne = None
                for flux in reserves:
                    en_vol.add(asyncio.create_task(self._envoyer(client, flux)))
                if not en_vol and (arret or (not reserves and await asyncio.to_thread(fini))):
                    return
                issues = await self._attendre(en_vol)
                en_vol = {t for t in en_vol if not t.done()}
        finally:
            self._boucle_active = self._signal = None
            if en_vol:
                await asyncio.wait(en_vol)
                issues += [t.result() for t in en_vol if not t.cancelled()]
            if issues:
                try:
                    await asyncio.to_thread(self._consigner, issues, 0, bilan)
                except Exception as exc:  # their leases expire; they are sent again
                    journal.error("DUDE outcomes not recorded (%s)", type(exc).__name__)

    async def _attendre(self, en_vol: set[asyncio.Task[Issue]]) -> list[Issue]:
        """Until an answer comes, new flows are signalled, or ``pause`` passes."""
        assert self._signal is not None
        signal = asyncio.create_task(self._signal.wait())
        try:
            await asyncio.wait(
                {*en_vol, signal}, timeout=self.reglages.pause, return_when=asyncio.FIRST_COMPLETED
            )
        finally:
            signal.cancel()
            self._signal.clear()
        return [t.result() for t in en_vol if t.done()]

    def _consigner(self, issues: list[Issue], nombre: int, bilan: Bilan) -> list[Reserve]:
        """Records the outcomes, then claims up to ``nombre`` due flows: one transaction."""
        with self.stockage.transaction() as cur:
            for issue in issues:
                registre.conclure(
                    cur, issue.flux.cle, issue.flux.bail, issue.statut, issue.erreur, issue.prochain
                )
            reserves = registre.reserver(cur, self.reglages.bail, nombre) if nombre > 0 else []
        for issue in issues:
            if issue.erreur:
                self.derniere_erreur = (
                    datetime.now(UTC).isoformat(timespec="seconds"),
                    issue.erreur,
                )
            if issue.statut is StatutFlux.ACQUITTE:
                bilan.acquittes += 1
            elif issue.statut is StatutFlux.REJETE:
                bilan.rejetes += 1
            else:
                bilan.reportes += 1
        return reserves

    async def _envoyer(self, client: httpx2.AsyncClient, flux: Reserve) -> Issue:
        try:
            reponse = await client.post(
                self.reglages.url,
                content=flux.message.encode(),
                headers={"Idempotency-Key": flux.cle, "Content-Type": "application/json"},
            )
        except httpx2.TimeoutException:
            return self._reporter(flux, "délai dépassé")
        except httpx2.TransportError as exc:
            return self._reporter(flux, f"connexion impossible ({type(exc).__name__})")
        except Exception as exc:  # whatever else: the flow stays, tried again later
            return self._reporter(flux, f"envoi impossible ({type(exc).__name__})")
        if 200 <= reponse.status_code < 300:
            return Issue(flux, StatutFlux.ACQUITTE)
        if 400 <= reponse.status_code < 500 and reponse.status_code not in (408, 429):
            return Issue(flux, StatutFlux.REJETE, _raison(reponse))
        return self._reporter(flux, f"HTTP {reponse.status_code}")

    def _reporter(self, flux: Reserve, raison: str) -> Issue:
        """Transient: again later, with exponential backoff and full jitter."""
        plafond = min(self.reglages.attente_max, self.reglages.attente_min * 2**flux.tentative)
        prochain = datetime.now(UTC) + timedelta(seconds=random.uniform(0, plafond))  # noqa: S311
        return Issue(flux, StatutFlux.EN_ATTENTE, raison, prochain)

    # ------------------------------------------------------------------ loops

    def executer(self, arret: threading.Event) -> None:
        """The background worker: runs until ``arret`` is set (then ``reveiller``), whatever the
        DUDE or the database does (failures are logged by kind, retried with a capped
        backoff)."""
        self.en_continu = True
        try:
            asyncio.run(self._boucle(arret))
        finally:
            self.en_continu = False

    async def _boucle(self, arret: threading.Event) -> None:
        attente = self.reglages.pause
        async with self._client() as client:
            while not arret.is_set():
                try:
                    await self._pipeline(client, self.cumul, arret.is_set, lambda: False)
                except Exception as exc:  # the worker must outlive any failure
                    self.panne = type(exc).__name__
                    journal.error(
                        "DUDE sender failed (%s); retrying in %.1f s", self.panne, attente
                    )
                    await asyncio.to_thread(arret.wait, attente)
                    attente = min(attente * 2, 10.0)
                else:
                    attente = self.reglages.pause

    def vider(self, duree_max: float) -> Bilan:
        """``cotraitance dude send``: sends until nothing is left to deliver, or ``duree_max``
        seconds (flows waiting for their next attempt count as left)."""
        bilan = Bilan()
        limite = time.monotonic() + duree_max

        async def envoyer() -> None:
            async with self._client() as client:
                await self._pipeline(
                    client, bilan, lambda: time.monotonic() >= limite, lambda: not self._reste()
                )

        asyncio.run(envoyer())
        return bilan

    def reste(self) -> int:
        """Flows still to deliver (waiting, or in flight)."""
        return self._reste()

    def _reste(self) -> int:
        with self.stockage.lecture() as cur:
            return registre.en_cours(cur)

    def _client(self) -> httpx2.AsyncClient:
        connexions = min(self.reglages.connexions, self.reglages.lot)
        return httpx2.AsyncClient(
            timeout=httpx2.Timeout(self.reglages.delai, pool=None),
            limits=httpx2.Limits(max_connections=connexions, max_keepalive_connections=connexions),
        )


def _raison(reponse: httpx2.Response) -> str:
    """The DUDE's ``{code, message}``, kept on the rejected flow (bounded)."""
    try:
        corps = reponse.json()
    except ValueError:
        return f"HTTP {reponse.status_code}"
    if isinstance(corps, dict) and corps.get("code"):
        return f"{corps.get('code')} : {corps.get('message', '')}"[:500]
    return f"HTTP {reponse.status_code}"

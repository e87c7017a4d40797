"""Delivery of the flows to the DUDE (R15): HTTP POST with the flow's key as ``Idempotency-Key``,
at least once, ordered per DUDE dossier, concurrent across dossiers; retried with exponential
backoff and jitter on 5xx, timeouts and refused connections; stopped on a business rejection
(4xx with the DUDE's ``{code, message}``), recorded on the flow; paused as a whole when the DUDE
asks it (429, ``Retry-After``) or refuses its credentials (401/403: the flows wait,
``suspension.py``). One deadline per request, answer included: a DUDE that dribbles its answer
costs one timeout, not a wedged sender. Safe in several processes: each
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
from integrations.dude.reponse import juger
from integrations.dude.suspension import Pause, Regulateur, Suspension

journal = logging.getLogger("cotraitance.dude")


@dataclass(frozen=True)
class ReglagesEnvoi:
    url: str
    lot: int = 64
    """Flows claimed at a time (and sent concurrently, one per DUDE dossier)."""
    bail: timedelta = timedelta(seconds=60)
    """How long a claimed flow is this sender's; past it, another sender may take it."""
    delai: float = 10.0
    """Seconds a whole request may take, answer included (one deadline, not one per read),
    before it counts as a timeout (transient)."""
    connexions: int = 32
    """Open connections to the DUDE at most; flows in flight beyond them wait for one (that wait
    is not counted in ``delai``). More connections cost the HTTP pool's bookkeeping more CPU
    than they gain past a few dozen (measured with ``bench/flows.py``)."""
    attente_min: float = 0.5
    attente_max: float = 300.0
    pause: float = 0.2
    """Seconds between two empty claims."""
    attente_imposee_max: float = 3600.0
    """A ``Retry-After`` longer than this is taken for a mistake and capped."""
    reprise_identifiants: float = 30.0
    """After a 401/403, seconds before one flow tries again (then twice as long each time it is
    refused again, up to ``attente_max``)."""
    sans_progres: float | None = None
    """Flows in flight and no attempt concluded for this long: ``/health`` says the sender is
    stuck (default: twice ``delai``, at least a minute)."""

    @property
    def seuil_sans_progres(self) -> float:
        return self.sans_progres if self.sans_progres is not None else max(60.0, 2 * self.delai)


@dataclass
class Bilan:
    acquittes: int = 0
    rejetes: int = 0
    reportes: int = 0
    erreurs: list[str] = field(default_factory=list)
    suspension: Suspension | None = None
    """Why the sender had stopped sending when it ended, if it had."""


@dataclass(frozen=True)
class Issue:
    """One attempt's outcome, recorded with the next claim (one transaction for both)."""

    flux: Reserve
    statut: StatutFlux
    erreur: str | None = None
    prochain: datetime | None = None
    debut: float = 0.0
    """``time.monotonic()`` when it was sent."""
    repondu: bool = False
    """Whether the DUDE answered (whatever it said)."""
    pause: Pause | None = None
    """What the answer asks of the whole sender."""


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
        self.regulateur = Regulateur(reglages.lot, reglages.attente_max)
        self._progres = time.monotonic()
        """When the sender last concluded an attempt, or had nothing in flight."""
        self._limite: float | None = None
        """``dude send``'s end (``time.monotonic()``): no request runs past it."""
        self._boucle_active: asyncio.AbstractEventLoop | None = None
        self._signal: asyncio.Event | None = None
        self._connexions: asyncio.Semaphore | None = None

    @property
    def suspension(self) -> Suspension | None:
        return self.regulateur.suspension

    def sans_progres(self) -> float:
        """Seconds since the sender last moved while it had flows in flight (0 when idle)."""
        return max(0.0, time.monotonic() - self._progres)

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
        self._connexions = asyncio.Semaphore(self._nombre_connexions())
        en_vol: set[asyncio.Task[Issue]] = set()
        issues: list[Issue] = []
        try:
            while True:
                if not en_vol:
                    self._progres = time.monotonic()
                arret = arreter()
                libres = 0 if arret else self.regulateur.places(len(en_vol), time.monotonic())
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
                self._noter(issues)
        finally:
            self._boucle_active = self._signal = None
            if en_vol:
                await asyncio.wait(en_vol)
                derniers = [t.result() for t in en_vol if not t.cancelled()]
                self._noter(derniers)
                issues += derniers
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

    def _noter(self, issues: list[Issue]) -> None:
        for issue in issues:
            self.regulateur.noter(issue.debut, issue.repondu, issue.pause, time.monotonic())

    def _consigner(self, issues: list[Issue], nombre: int, bilan: Bilan) -> list[Reserve]:
        """Records the outcomes, then claims up to ``nombre`` due flows: one transaction."""
        with self.stockage.transaction() as cur:
            for issue in issues:
                registre.conclure(
                    cur, issue.flux.cle, issue.flux.bail, issue.statut, issue.erreur, issue.prochain
                )
            reserves = registre.reserver(cur, self.reglages.bail, nombre) if nombre > 0 else []
        if issues:
            self._progres = time.monotonic()
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
        assert self._connexions is not None
        async with self._connexions:  # waiting for a connection is not the request's time
            debut = time.monotonic()
            try:
                async with asyncio.timeout(max(0.0, self._delai(debut))):
                    reponse = await client.post(
                        self.reglages.url,
                        content=flux.message.encode(),
                        headers={"Idempotency-Key": flux.cle, "Content-Type": "application/json"},
                    )
            except (TimeoutError, httpx2.TimeoutException):
                return self._reporter(flux, "délai dépassé", debut)
            except httpx2.TransportError as exc:
                return self._reporter(flux, f"connexion impossible ({type(exc).__name__})", debut)
            except Exception as exc:  # whatever else: the flow stays, tried again later
                return self._reporter(flux, f"envoi impossible ({type(exc).__name__})", debut)
        return self._juger(flux, reponse, debut)

    def _delai(self, debut: float) -> float:
        """The request's deadline: ``delai``, and never past ``dude send --duree``."""
        if self._limite is None:
            return self.reglages.delai
        return min(self.reglages.delai, self._limite - debut)

    def _juger(self, flux: Reserve, reponse: httpx2.Response, debut: float) -> Issue:
        verdict = juger(
            reponse.status_code,
            reponse.headers.get("Retry-After"),
            reponse.content,
            datetime.now(UTC),
            self.reglages.attente_imposee_max,
        )
        if verdict.statut is not StatutFlux.EN_ATTENTE:
            return Issue(flux, verdict.statut, verdict.raison, debut=debut, repondu=True)
        raison = verdict.raison or f"HTTP {reponse.status_code}"
        if not verdict.suspendre:
            return self._reporter(flux, raison, debut, repondu=True)
        attente = verdict.attente
        if attente is None:  # not said: for refused credentials a while, else the backoff's top
            attente = (
                self.reglages.reprise_identifiants if verdict.identifiants else self._plafond(flux)
            )
        prochain = datetime.now(UTC) + timedelta(seconds=attente)
        pause = Pause(attente, raison, verdict.identifiants)
        return Issue(flux, StatutFlux.EN_ATTENTE, raison, prochain, debut, True, pause)

    def _reporter(self, flux: Reserve, raison: str, debut: float, repondu: bool = False) -> Issue:
        """Transient: again later, with exponential backoff and full jitter."""
        prochain = datetime.now(UTC) + timedelta(seconds=self._recul(flux))
        return Issue(flux, StatutFlux.EN_ATTENTE, raison, prochain, debut, repondu)

    def _recul(self, flux: Reserve) -> float:
        return random.uniform(0, self._plafond(flux))  # noqa: S311

    def _plafond(self, flux: Reserve) -> float:
        # past 2^60 the ceiling has long been reached; beyond 2^1023 a float overflows
        doublee: float = self.reglages.attente_min * 2.0 ** min(flux.tentative, 60)
        return min(self.reglages.attente_max, doublee)

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

        def arreter() -> bool:
            """At the end of ``--duree``, or once sending is suspended past it (refused
            credentials are not fixed by waiting: the command says so and ends)."""
            s = self.suspension
            return time.monotonic() >= limite or (
                s is not None and (s.identifiants or s.reprise >= limite)
            )

        async def envoyer() -> None:
            async with self._client() as client:
                await self._pipeline(client, bilan, arreter, lambda: not self._reste())

        self._limite = limite
        try:
            asyncio.run(envoyer())
        finally:
            self._limite = None
        bilan.suspension = self.suspension
        return bilan

    def reste(self) -> int:
        """Flows still to deliver (waiting, or in flight)."""
        return self._reste()

    def _reste(self) -> int:
        with self.stockage.lecture() as cur:
            return registre.en_cours(cur)

    def _nombre_connexions(self) -> int:
        return min(self.reglages.connexions, self.reglages.lot)

    def _client(self) -> httpx2.AsyncClient:
        connexions = self._nombre_connexions()
        return httpx2.AsyncClient(
            timeout=httpx2.Timeout(self.reglages.delai, pool=None),
            limits=httpx2.Limits(max_connections=connexions, max_keepalive_connections=connexions),
        )

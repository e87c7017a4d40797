"""Delivery of the flows to the DUDE (R15): HTTP POST with the flow's key as ``Idempotency-Key``,
at least once, ordered per DUDE dossier, concurrent across dossiers; retried with exponential
backoff and jitter on 5xx, timeouts and refused connections; stopped on a business rejection
(4xx with the DUDE's ``{code, message}``), recorded on the flow. Safe in several processes: each
flow is claimed under a lease (``registre.reserver``); a sender killed mid-send leaves flows whose
lease expires, and another sender sends them again (the DUDE deduplicates by key)."""

from __future__ import annotations

import asyncio
import logging
import random
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

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


class Expediteur:
    def __init__(self, stockage: StockageVues, reglages: ReglagesEnvoi) -> None:
        self.stockage = stockage
        self.reglages = reglages
        self.en_continu = False
        self.panne: str | None = None

    # ------------------------------------------------------------------ one round

    async def tour(self, client: httpx2.AsyncClient, bilan: Bilan) -> int:
        """Claims due flows and sends them; returns how many were claimed."""
        reserves = await asyncio.to_thread(self._reserver)
        if reserves:
            await asyncio.gather(*(self._envoyer(client, r, bilan) for r in reserves))
        return len(reserves)

    def _reserver(self) -> list[Reserve]:
        with self.stockage.transaction() as cur:
            return registre.reserver(cur, self.reglages.bail, self.reglages.lot)

    async def _envoyer(self, client: httpx2.AsyncClient, flux: Reserve, bilan: Bilan) -> None:
        try:
            reponse = await client.post(
                self.reglages.url,
                content=flux.message.encode(),
                headers={"Idempotency-Key": flux.cle, "Content-Type": "application/json"},
            )
        except httpx2.TimeoutException:
            await self._reporter(flux, "délai dépassé", bilan)
            return
        except httpx2.TransportError as exc:
            await self._reporter(flux, f"connexion impossible ({type(exc).__name__})", bilan)
            return
        if 200 <= reponse.status_code < 300:
            await self._conclure(flux, StatutFlux.ACQUITTE)
            bilan.acquittes += 1
        elif 400 <= reponse.status_code < 500 and reponse.status_code not in (408, 429):
            raison = _raison(reponse)
            await self._conclure(flux, StatutFlux.REJETE, raison)
            bilan.rejetes += 1
        else:
            await self._reporter(flux, f"HTTP {reponse.status_code}", bilan)

    async def _reporter(self, flux: Reserve, raison: str, bilan: Bilan) -> None:
        """Transient: again later, with exponential backoff and full jitter."""
        plafond = min(self.reglages.attente_max, self.reglages.attente_min * 2**flux.tentative)
        prochain = datetime.now(UTC) + timedelta(seconds=random.uniform(0, plafond))  # noqa: S311
        await self._conclure(flux, StatutFlux.EN_ATTENTE, raison, prochain)
        bilan.reportes += 1

    async def _conclure(
        self,
        flux: Reserve,
        statut: StatutFlux,
        erreur: str | None = None,
        prochain: datetime | None = None,
    ) -> None:
        def ecrire() -> None:
            with self.stockage.transaction() as cur:
                registre.conclure(cur, flux.cle, flux.bail, statut, erreur, prochain)

        await asyncio.to_thread(ecrire)

    # ------------------------------------------------------------------ loops

    def executer(self, arret: threading.Event) -> None:
        """The background worker: runs until ``arret`` is set, whatever the DUDE or the database
        does (failures are logged by kind, retried with a capped backoff)."""
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
                    envoyes = await self.tour(client, Bilan())
                    self.panne = None
                    attente = self.reglages.pause
                except Exception as exc:  # the worker must outlive any failure
                    self.panne = type(exc).__name__
                    journal.error(
                        "DUDE sender failed (%s); retrying in %.1f s", self.panne, attente
                    )
                    envoyes = 0
                    attente = min(attente * 2, 10.0)
                if not envoyes:
                    await asyncio.to_thread(arret.wait, attente)

    def vider(self, duree_max: float) -> Bilan:
        """``cotraitance dude send``: sends until nothing is left to deliver, or ``duree_max``
        seconds (flows waiting for their next attempt count as left)."""
        bilan = Bilan()

        async def boucle() -> None:
            limite = time.monotonic() + duree_max
            async with self._client() as client:
                while time.monotonic() < limite:
                    if not await self.tour(client, bilan):
                        if not await asyncio.to_thread(self._reste):
                            return
                        await asyncio.sleep(self.reglages.pause)

        asyncio.run(boucle())
        return bilan

    def reste(self) -> int:
        """Flows still to deliver (waiting, or in flight)."""
        return self._reste()

    def _reste(self) -> int:
        with self.stockage.lecture() as cur:
            return registre.en_cours(cur)

    def _client(self) -> httpx2.AsyncClient:
        return httpx2.AsyncClient(
            timeout=self.reglages.delai,
            limits=httpx2.Limits(max_connections=self.reglages.lot),
        )


def deposer_fichier(stockage: StockageVues, chemin: Path, lot: int = 1000) -> int:
    """The file transport: every deliverable flow, in order, as JSON Lines (batch transfer)."""
    total = 0
    with chemin.open("a", encoding="utf-8") as fichier:
        while True:
            with stockage.transaction() as cur:
                flux = registre.deposer(cur, lot)
            for _, message in flux:
                fichier.write(message + "\n")
            fichier.flush()
            total += len(flux)
            if not flux:
                return total


def _raison(reponse: httpx2.Response) -> str:
    """The DUDE's ``{code, message}``, kept on the rejected flow (bounded)."""
    try:
        corps = reponse.json()
    except ValueError:
        return f"HTTP {reponse.status_code}"
    if isinstance(corps, dict) and corps.get("code"):
        return f"{corps.get('code')} : {corps.get('message', '')}"[:500]
    return f"HTTP {reponse.status_code}"

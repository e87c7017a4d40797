"""Per-request context: the actor, the service, batched loaders, the access log."""

from __future__ import annotations

import functools
import json
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar
from uuid import UUID, uuid4

import anyio.to_thread
from eventsourcing.domain import Aggregate
from strawberry.dataloader import DataLoader

from api.erreurs import interdit
from api.service import ServiceApi
from application.contexte import Contexte
from application.lecture import charger_plusieurs
from domain.acces import Capacite, autorise, visible
from domain.dossier import Dossier
from domain.mission_locale import MissionLocale
from domain.ppae import PPAE
from domain.valeurs import Acteur
from integrations.dude import registre

T = TypeVar("T")
A = TypeVar("A", bound=Aggregate)


class JournalAcces:
    """R23: append-only log of personal data reads: who, when, operation, which dossiers."""

    def __init__(self, chemin: str) -> None:
        Path(chemin).parent.mkdir(parents=True, exist_ok=True)
        self._fd = os.open(chemin, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        self._verrou = threading.Lock()

    def ecrire(
        self,
        acteur: Acteur,
        operation: str,
        request_id: str,
        dossiers: list[str],
        affectations: list[str],
    ) -> None:
        ligne = {
            "quand": datetime.now(UTC).isoformat(),
            "qui": acteur.sub,
            "role": acteur.role.value,
            "ml": acteur.code_ml,
            "operation": operation,
            "requestId": request_id,
            "dossiers": sorted(dossiers),
            "affectations": sorted(affectations),
        }
        donnees = (json.dumps(ligne, ensure_ascii=False) + "\n").encode()
        with self._verrou:
            os.write(self._fd, donnees)

    def close(self) -> None:
        os.close(self._fd)


async def en_thread(fonction: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """The application is synchronous: run it off the event loop."""
    return await anyio.to_thread.run_sync(functools.partial(fonction, *args, **kwargs))


@dataclass
class ContexteRequete:
    acteur: Acteur
    service: ServiceApi
    journal: JournalAcces
    request_id: str
    connection_params: dict[str, Any] | None = None
    """A WebSocket's connection_init payload (where its token is)."""
    correlation_id: str = field(default_factory=lambda: uuid4().hex)
    """Made by the server: what the events record (R21), unlike a client's X-Request-Id."""

    def __post_init__(self) -> None:
        self.agregats: DataLoader[UUID, Aggregate | None] = DataLoader(load_fn=self._charger_lot)
        self.missions_locales: DataLoader[str, MissionLocale | None] = DataLoader(
            load_fn=self._charger_ml
        )
        self.evenements_transmis: DataLoader[UUID, registre.Transmissions] = DataLoader(
            load_fn=self._charger_transmis
        )

    def commande(self, cle_idempotence: str | None = None) -> Contexte:
        return Contexte(
            self.acteur, correlation_id=self.correlation_id, cle_idempotence=cle_idempotence
        )

    def exiger_lecture(self) -> None:
        """R23: INTEGRATEUR reads the public feed only; without a token, nothing."""
        if not autorise(self.acteur, Capacite.LIRE):
            raise interdit(f"Le rôle {self.acteur.role.value} ne permet pas cette lecture.")

    def exiger_audit(self) -> None:
        if not autorise(self.acteur, Capacite.AUDITER):
            raise interdit("L'historique est réservé aux rôles AUDITEUR et ADMIN.")

    async def charger(self, type_agregat: type[A], agregat_id: UUID | None) -> A | None:
        """The aggregate if it is of that type and of the actor's ML; None otherwise (R23)."""
        if agregat_id is None:
            return None
        agregat = self.service.cache.obtenir(agregat_id) if self.service.cache_actif else None
        if agregat is None:
            agregat = await self.agregats.load(agregat_id)
        if not isinstance(agregat, type_agregat) or not visible(self.acteur, agregat):
            return None
        return agregat

    async def charger_plusieurs(self, type_agregat: type[A], ids: list[UUID]) -> list[A]:
        agregats = await self.agregats.load_many(ids)
        return [a for a in agregats if isinstance(a, type_agregat) and visible(self.acteur, a)]

    async def mission_locale(self) -> MissionLocale | None:
        return await self.missions_locales.load(self.acteur.code_ml)

    async def _charger_lot(self, ids: list[UUID]) -> list[Aggregate | None]:
        cache = self.service.cache if self.service.cache_actif else None
        trouves: dict[UUID, Aggregate] = {}
        if cache is not None:
            trouves = {i: a for i in ids if (a := cache.obtenir(i)) is not None}
        manquants = [i for i in ids if i not in trouves]
        if manquants:
            epoque = cache.epoque() if cache is not None else 0
            charges = await en_thread(self._charger_avec_voisins, manquants)
            if cache is not None:
                cache.retenir(charges, epoque)
            trouves.update(charges)
        for voisin_id, voisin in trouves.items():
            if voisin_id not in ids:
                self.agregats.prime(voisin_id, voisin)
        return [trouves.get(i) for i in ids]

    def _charger_avec_voisins(self, ids: list[UUID]) -> dict[UUID, Aggregate]:
        """The aggregates, and in the same thread hop those a resolver nearly always asks for
        next (a dossier's current PPAE, a PPAE's dossier)."""
        app = self.service.app
        trouves = charger_plusieurs(app, ids)
        voisins = {v for a in trouves.values() for v in _voisins(a)} - set(trouves)
        voisins -= {k for k in voisins if self.agregats.cache_map.get(k) is not None}
        if voisins:
            trouves.update(charger_plusieurs(app, list(voisins)))
        return trouves

    async def _charger_transmis(self, dossiers: list[UUID]) -> list[registre.Transmissions]:
        """R13, R14: per dossier, what the DUDE was told of its events (one read per dossier)."""

        def lire() -> list[registre.Transmissions]:
            with self.service.lecture() as cur:
                return [registre.transmissions(cur, str(d)) for d in dossiers]

        return await en_thread(lire)

    async def _charger_ml(self, codes: list[str]) -> list[MissionLocale | None]:
        app = self.service.app
        return [await en_thread(app.mission_locale, code) for code in codes]


def _voisins(agregat: Aggregate) -> list[UUID]:
    if isinstance(agregat, Dossier):
        return [agregat.ppae_courant] if agregat.ppae_courant else []
    if isinstance(agregat, PPAE):
        return [agregat.dossier_id]
    return []

"""Aggregates kept in memory for reads, invalidated by the event log as the runner follows it.

A read served from here is as fresh as the views (the runner's lag); a mutation waits for the
runner, so its author reads its own write. A load that an invalidation overtook is not kept.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable
from uuid import UUID

from eventsourcing.domain import Aggregate

TAILLE = 20_000


class CacheAgregats:
    def __init__(self, taille: int = TAILLE) -> None:
        self._taille = taille
        self._agregats: OrderedDict[UUID, Aggregate] = OrderedDict()
        self._invalide_a: OrderedDict[UUID, int] = OrderedDict()
        self._epoque = 0
        self._verrou = threading.Lock()

    def epoque(self) -> int:
        return self._epoque

    def obtenir(self, agregat_id: UUID) -> Aggregate | None:
        with self._verrou:
            agregat = self._agregats.get(agregat_id)
            if agregat is not None:
                self._agregats.move_to_end(agregat_id)
            return agregat

    def retenir(self, agregats: dict[UUID, Aggregate], epoque_du_chargement: int) -> None:
        """Keeps what was loaded, unless the log changed it after the load began."""
        with self._verrou:
            for agregat_id, agregat in agregats.items():
                if self._invalide_a.get(agregat_id, 0) > epoque_du_chargement:
                    continue
                self._agregats[agregat_id] = agregat
                self._agregats.move_to_end(agregat_id)
            while len(self._agregats) > self._taille:
                self._agregats.popitem(last=False)

    def invalider(self, ids: Iterable[UUID]) -> None:
        with self._verrou:
            self._epoque += 1
            for agregat_id in ids:
                self._agregats.pop(agregat_id, None)
                self._invalide_a[agregat_id] = self._epoque
                self._invalide_a.move_to_end(agregat_id)
            while len(self._invalide_a) > self._taille * 5:
                self._invalide_a.popitem(last=False)

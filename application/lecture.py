"""Loading many aggregates in one query: what the API's DataLoaders batch on."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from application.base import ApplicationBase


def charger_plusieurs(app: ApplicationBase, ids: Sequence[UUID]) -> dict[UUID, Aggregate]:
    """Every aggregate among ``ids`` that exists, rebuilt from one read of their events."""
    if not ids:
        return {}
    uniques = list(dict.fromkeys(ids))
    app.coffre.precharger(uniques)
    par_agregat: dict[UUID, list[Any]] = defaultdict(list)
    for stocke in app.magasin.selectionner(uniques):
        evenement = app.mapper.to_domain_event(stocke)
        par_agregat[evenement.originator_id].append(evenement)
    agregats: dict[UUID, Aggregate] = {}
    for agregat_id, evenements in par_agregat.items():
        agregat: Any = None
        for evenement in sorted(evenements, key=lambda e: e.originator_version):
            agregat = evenement.mutate(agregat)
        agregats[agregat_id] = agregat
    return agregats

"""Loading many aggregates in one query: what the API's DataLoaders batch on."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate
from eventsourcing.persistence import StoredEvent
from eventsourcing.postgres import PostgresAggregateRecorder
from eventsourcing.sqlite import SQLiteAggregateRecorder

from application.service import Cotraitance


def charger_plusieurs(app: Cotraitance, ids: Sequence[UUID]) -> dict[UUID, Aggregate]:
    """Every aggregate among ``ids`` that exists, rebuilt from one read of their events."""
    if not ids:
        return {}
    uniques = list(dict.fromkeys(ids))
    app.coffre.precharger(uniques)
    stockes = _selectionner(app.recorder, uniques)
    par_agregat: dict[UUID, list[Any]] = defaultdict(list)
    for stocke in stockes:
        evenement = app.mapper.to_domain_event(stocke)
        par_agregat[evenement.originator_id].append(evenement)
    agregats: dict[UUID, Aggregate] = {}
    for agregat_id, evenements in par_agregat.items():
        agregat: Any = None
        for evenement in sorted(evenements, key=lambda e: e.originator_version):
            agregat = evenement.mutate(agregat)
        agregats[agregat_id] = agregat
    return agregats


def _selectionner(recorder: Any, ids: list[UUID]) -> list[StoredEvent]:
    colonnes = "originator_id, originator_version, topic, state"
    if isinstance(recorder, SQLiteAggregateRecorder):
        marques = ", ".join("?" * len(ids))
        table = recorder.events_table_name
        sql = f"SELECT {colonnes} FROM {table} WHERE originator_id IN ({marques})"
        with recorder.datastore.transaction(commit=False) as cur:
            cur.execute(sql, [i.hex for i in ids])
            lignes = cur.fetchall()
        return [
            StoredEvent(UUID(r["originator_id"]), r["originator_version"], r["topic"], r["state"])
            for r in lignes
        ]
    if isinstance(recorder, PostgresAggregateRecorder):
        schema = recorder.datastore.schema
        sql = (
            f'SELECT {colonnes} FROM "{schema}"."{recorder.events_table_name}" '
            "WHERE originator_id = ANY(%s)"
        )
        with recorder.datastore.transaction(commit=False) as cur:
            cur.execute(sql, [ids])
            lignes = cur.fetchall()
        return [
            StoredEvent(r["originator_id"], r["originator_version"], r["topic"], bytes(r["state"]))
            for r in lignes
        ]
    raise TypeError(f"Unsupported recorder: {type(recorder).__name__}")

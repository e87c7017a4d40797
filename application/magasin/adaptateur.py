"""What the application needs from the event store beyond the library's public API, on SQLite
and PostgreSQL alike: SQL on the store's own database, many aggregates' events in one query,
R21 metadata on events about to be saved, and the notification log."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import psycopg
import psycopg_pool
from eventsourcing.persistence import InfrastructureFactory, Notification, StoredEvent
from eventsourcing.persistence import InterfaceError as InterfaceMagasin
from eventsourcing.persistence import OperationalError as PanneMagasin
from eventsourcing.postgres import PostgresDatastore
from eventsourcing.utils import retry

from application.magasin.connexions import MagasinInjoignable, borner_les_attentes

ERREURS_DE_CONNEXION: tuple[type[BaseException], ...] = (
    PanneMagasin,
    InterfaceMagasin,
    psycopg.OperationalError,
    psycopg.InterfaceError,
    psycopg_pool.PoolTimeout,
    MagasinInjoignable,
    sqlite3.OperationalError,
    TimeoutError,
    ConnectionError,
)
"""The database cannot be reached or cannot write (down, restarting, disk full, busy): what
a worker waits out and a request answers with SERVICE_INDISPONIBLE, unlike a bad event."""

CLE_META = "_meta"
"""The attribute of a stored event holding {acteur, role, ml, correlation, cle} (R21)."""


class MagasinEvenements:
    """The event store's database, reached through the library's datastore."""

    def __init__(self, factory: InfrastructureFactory[Any]) -> None:
        self._datastore: Any = getattr(factory, "datastore")  # noqa: B009 (library internal)
        self.est_postgres = isinstance(self._datastore, PostgresDatastore)
        if self.est_postgres:
            borner_les_attentes(self._datastore)
        self._recorder: Any = None

    def attacher(self, recorder: Any) -> None:
        """The application's recorder, built after its mapper (which needs this adapter)."""
        self._recorder = recorder

    def table(self, nom: str) -> str:
        """A table of ours in the store's database (its PostgreSQL schema)."""
        return f'"{self._datastore.schema}".{nom}' if self.est_postgres else nom

    def executer(
        self, sql: str, params: Sequence[Any] = (), commit: bool = False
    ) -> list[tuple[Any, ...]]:
        """One statement in its own transaction; SQL written with ``%s`` placeholders. Rows
        are returned for a SELECT and for a statement ``… RETURNING``."""
        if not self.est_postgres:
            sql = sql.replace("%s", "?")
        with self._datastore.transaction(commit=commit) as cur:
            cur.execute(sql, tuple(params))
            lit = sql.lstrip().upper().startswith("SELECT") or " RETURNING " in sql.upper()
            if not lit:
                return []
            return [
                tuple(ligne.values()) if isinstance(ligne, dict) else tuple(ligne)
                for ligne in cur.fetchall()
            ]

    def selectionner(self, ids: Sequence[UUID]) -> list[StoredEvent]:
        """The stored events of every aggregate among ``ids``, in one query."""
        if not ids:
            return []
        table = self._recorder.events_table_name
        colonnes = "originator_id, originator_version, topic, state"
        if self.est_postgres:
            sql = f'SELECT {colonnes} FROM "{self._datastore.schema}"."{table}" '
            sql += "WHERE originator_id = ANY(%s)"
            lignes = self._lire(sql, [list(ids)])
            return [StoredEvent(r[0], r[1], r[2], bytes(r[3])) for r in lignes]
        marques = ", ".join("?" * len(ids))
        sql = f"SELECT {colonnes} FROM {table} WHERE originator_id IN ({marques})"
        lignes = self._lire(sql, [i.hex for i in ids])
        return [StoredEvent(UUID(r[0]), r[1], r[2], r[3]) for r in lignes]

    def existants(self, ids: Sequence[UUID]) -> set[UUID]:
        """Those of ``ids`` that are aggregates already recorded, in one query per 500."""
        table = self._recorder.events_table_name
        trouves: set[UUID] = set()
        for debut in range(0, len(ids), 500):
            morceau = list(ids[debut : debut + 500])
            if self.est_postgres:
                sql = f'SELECT originator_id FROM "{self._datastore.schema}"."{table}" '
                sql += "WHERE originator_id = ANY(%s) AND originator_version = 1"
                trouves.update(r[0] for r in self._lire(sql, [morceau]))
            else:
                marques = ", ".join("?" * len(morceau))
                sql = f"SELECT originator_id FROM {table} WHERE originator_id IN ({marques}) "
                sql += "AND originator_version = 1"
                trouves.update(UUID(r[0]) for r in self._lire(sql, [i.hex for i in morceau]))
        return trouves

    def originaires(self, topic: str) -> list[UUID]:
        """The aggregates that recorded an event of that topic (a scan: for rare commands)."""
        table = self._recorder.events_table_name
        if self.est_postgres:
            sql = f'SELECT DISTINCT originator_id FROM "{self._datastore.schema}"."{table}" '
            return [r[0] for r in self._lire(sql + "WHERE topic = %s", [topic])]
        sql = f"SELECT DISTINCT originator_id FROM {table} WHERE topic = ?"
        return [UUID(r[0]) for r in self._lire(sql, [topic])]

    def _lire(self, sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
        with self._datastore.transaction(commit=False) as cur:
            cur.execute(sql, params)
            return [
                tuple(ligne.values()) if isinstance(ligne, dict) else tuple(ligne)
                for ligne in cur.fetchall()
            ]

    def inserer_en_masse(self, stockes: Sequence[StoredEvent]) -> None:
        """Many new stored events in one transaction (a bulk load). PostgreSQL: ``COPY`` in
        binary, under the library's own table lock and notification, as its ``insert_events``
        takes them (commit order is notification order: a reader never passes a gap that
        fills later); a version already recorded fails the whole copy with the library's
        ``IntegrityError``. SQLite: the recorder's insert."""
        if not stockes:
            return
        if not self.est_postgres:
            self._recorder.insert_events(stockes)
            return
        self._copier(stockes)

    @retry((InterfaceMagasin, PanneMagasin), max_attempts=10, wait=0.2)
    def _copier(self, stockes: Sequence[StoredEvent]) -> None:
        """Retried as the library retries ``insert_events`` (a lock wait over the timeout, a
        dropped connection): nothing of a failed attempt was committed; an attempt whose
        commit was lost on the way back fails its retry on the primary key, a conflict."""
        schema, table = self._datastore.schema, self._recorder.events_table_name
        en_texte = self._datastore.originator_id_type == "text"
        with self._datastore.transaction(commit=True) as cur:
            cur.execute(f"SET LOCAL lock_timeout = '{int(self._datastore.lock_timeout)}s'")
            cur.execute(f'LOCK TABLE "{schema}"."{table}" IN EXCLUSIVE MODE')
            cur.execute(f'NOTIFY "{self._recorder.channel_name}"')
            copie = (
                f'COPY "{schema}"."{table}" (originator_id, originator_version, topic, state) '
                "FROM STDIN (FORMAT BINARY)"
            )
            with cur.copy(copie) as flot:
                flot.set_types([self._datastore.originator_id_type, "int8", "text", "bytea"])
                for e in stockes:
                    originaire = str(e.originator_id) if en_texte else e.originator_id
                    flot.write_row((originaire, e.originator_version, e.topic, e.state))

    @staticmethod
    def estampiller(evenements: Sequence[Any], meta: dict[str, Any]) -> None:
        """R21 metadata on events about to be saved (events are frozen: set it the library's
        way, so that it is stored with the event's other attributes)."""
        for evenement in evenements:
            object.__setattr__(evenement, CLE_META, meta)

    @staticmethod
    def metadonnees(evenement: Any) -> dict[str, Any]:
        meta: dict[str, Any] = getattr(evenement, CLE_META, None) or {}
        return meta

    @staticmethod
    def attributs(evenement: Any) -> dict[str, Any]:
        """An event's recorded attributes, by name (what the history shows)."""
        return dict(vars(evenement))

    # ------------------------------------------------------------------ notification log

    def sonder_ecriture(self) -> None:
        """Writes one row (the same row each time): whether the store can still write, full
        disks included. Raises what the database raises."""
        table = self.table("sante_ecriture")
        self.executer(
            f"CREATE TABLE IF NOT EXISTS {table} (id INTEGER PRIMARY KEY, instant TEXT)",
            commit=True,
        )
        self.executer(
            f"INSERT INTO {table} (id, instant) VALUES (1, %s) "
            "ON CONFLICT (id) DO UPDATE SET instant = excluded.instant",
            (datetime.now(UTC).isoformat(),),
            commit=True,
        )

    def position(self) -> int:
        """The id of the last notification recorded (0 when the log is empty)."""
        return int(self._recorder.max_notification_id() or 0)

    def notifications(
        self, apres: int, limite: int, jusqua: int, sujets: Sequence[str] = ()
    ) -> list[Notification]:
        notifications: list[Notification] = self._recorder.select_notifications(
            start=apres, limit=limite, stop=jusqua, topics=sujets, inclusive_of_start=False
        )
        return notifications

    def abonnement(self, apres: int) -> AbstractContextManager[Iterator[Notification]]:
        """PostgreSQL only: the notifications after ``apres`` as they are recorded."""
        abonnement: AbstractContextManager[Iterator[Notification]] = self._recorder.subscribe(
            gt=apres
        )
        return abonnement

"""The views' database: the event store's own SQLite file or PostgreSQL schema.

SQL is written once with ``%s`` placeholders and portable types (TEXT, BIGINT); SQLite gets
``?``. Booleans are stored as 0/1 and civil dates as ISO text, which sorts as dates do.
"""

from __future__ import annotations

import contextlib
import re
import sqlite3
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import psycopg

from application.magasin.persistance import Base, cle_de_creation

Ligne = tuple[Any, ...]


class Curseur:
    """One transaction's cursor, the same interface on both databases.

    A cursor made ``vers`` other tables writes its SQL to them instead: a rebuild runs the
    processor's own statements against tables built beside the live ones (whole identifiers
    only, so an index named after a table keeps its name)."""

    def __init__(self, brut: Any, est_postgres: bool, tables: dict[str, str] | None = None) -> None:
        self._brut = brut
        self.est_postgres = est_postgres
        self._tables = dict(tables or {})
        self._motif = (
            re.compile(r"\b(" + "|".join(map(re.escape, self._tables)) + r")\b")
            if self._tables
            else None
        )

    def vers(self, tables: dict[str, str]) -> Curseur:
        """The same transaction, with these tables written in place of their live names."""
        return Curseur(self._brut, self.est_postgres, tables)

    def _sql(self, sql: str) -> str:
        if self._motif is not None:
            sql = self._motif.sub(lambda m: self._tables[m.group(1)], sql)
        return sql if self.est_postgres else sql.replace("%s", "?")

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        self._brut.execute(self._sql(sql), tuple(params))

    @property
    def rowcount(self) -> int:
        """Rows the last statement changed."""
        nombre: int = self._brut.rowcount
        return nombre

    def executemany(self, sql: str, lignes: Sequence[Sequence[Any]]) -> None:
        if lignes:
            self._brut.executemany(self._sql(sql), [tuple(x) for x in lignes])

    def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[Ligne]:
        self.execute(sql, params)
        return list(self._brut.fetchall())

    def fetchone(self, sql: str, params: Sequence[Any] = ()) -> Ligne | None:
        self.execute(sql, params)
        ligne: Ligne | None = self._brut.fetchone()
        return ligne


ATTENTE_CONNEXION = 3
"""Seconds a read waits for the connection (or to connect) before failing fast (R24)."""
DUREE_REQUETE_MS = 15_000
VERIFIER_APRES = 1.0
"""Seconds of idleness after which the connection is checked before use."""


class StockageOccupe(TimeoutError):
    """The views' connection stayed busy (the database is slow or gone)."""


class StockageVues:
    """A connection dedicated to the views; one transaction at a time (thread-safe)."""

    def __init__(self, base: Base) -> None:
        self.base = base
        self.est_postgres = base.est_postgres
        self._verrou = threading.Lock()
        self._connexion: Any = self._connecter()
        self._dernier_usage = time.monotonic()

    def _connecter(self) -> Any:
        connexion: Any
        if self.base.est_postgres:
            schema = self.base.postgres_schema
            connexion = psycopg.connect(
                self.base.conninfo(),
                options=f"-c search_path={schema} -c statement_timeout={DUREE_REQUETE_MS}",
                autocommit=True,
                connect_timeout=ATTENTE_CONNEXION,
            )
            return connexion
        assert self.base.sqlite_chemin is not None
        connexion = sqlite3.connect(
            self.base.sqlite_chemin, isolation_level=None, check_same_thread=False, timeout=10
        )
        connexion.execute("PRAGMA journal_mode=WAL")
        connexion.execute("PRAGMA synchronous=NORMAL")
        return connexion

    @contextmanager
    def _seul(self) -> Iterator[None]:
        """The connection, to this thread alone; a new one if the database dropped the old."""
        if not self._verrou.acquire(timeout=ATTENTE_CONNEXION):
            raise StockageOccupe("the views' connection stayed busy")
        try:
            if self.est_postgres and not self._vivante():
                self._connexion = self._connecter()
            yield
        finally:
            self._dernier_usage = time.monotonic()
            self._verrou.release()

    def _vivante(self) -> bool:
        """Whether the connection still works: after a pause, one round trip tells (the
        database may have restarted meanwhile)."""
        if self._connexion.closed or self._connexion.broken:
            return False
        if time.monotonic() - self._dernier_usage < VERIFIER_APRES:
            return True
        try:
            self._connexion.execute("SELECT 1")
        except psycopg.Error:
            with contextlib.suppress(Exception):
                self._connexion.close()
            return False
        return True

    @contextmanager
    def transaction(self) -> Iterator[Curseur]:
        with self._seul():
            if self.est_postgres:
                with self._connexion.transaction(), self._connexion.cursor() as brut:
                    yield Curseur(brut, True)
                return
            brut = self._connexion.cursor()
            brut.execute("BEGIN IMMEDIATE")
            try:
                yield Curseur(brut, False)
            except BaseException:
                brut.execute("ROLLBACK")
                raise
            brut.execute("COMMIT")

    @contextmanager
    def creation(self) -> Iterator[Curseur]:
        """A transaction that creates tables: one process at a time on PostgreSQL (see
        ``creation_exclusive``), the lock released at its commit."""
        with self.transaction() as cur:
            if self.est_postgres:
                cle = cle_de_creation(self.base.postgres_schema)
                cur.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [cle])
            yield cur

    @contextmanager
    def lecture(self) -> Iterator[Curseur]:
        with self._seul():
            brut = self._connexion.cursor()
            try:
                yield Curseur(brut, self.est_postgres)
            finally:
                brut.close()

    def reconnecter(self) -> None:
        """After a failure: a new connection (the old one may be broken or mid-transaction)."""
        with self._verrou:
            with contextlib.suppress(Exception):  # it is being replaced either way
                self._connexion.close()
            self._connexion = self._connecter()

    def close(self) -> None:
        with self._verrou:
            self._connexion.close()

"""The write path's connections: the event store's PostgreSQL pool (the library's), with the
same bounded waits as the views' connections (R24).

The library retries every recorder call ten times on a connection error, and a pool that has
no connection to give waits its whole timeout at each attempt: during an outage, a command
would hang ten times three seconds. A pool that gave nothing within its wait is the database
being unreachable, not a glitch that a retry fixes: it fails the call at once."""

from __future__ import annotations

from typing import Any

import psycopg
import psycopg_pool
from eventsourcing.postgres import PostgresDatastore

TCP_SANS_ACCUSE_MS = 10_000
"""A connection whose sent data the server has not acknowledged for this long is dead (the
server's machine gone without a word): the call fails instead of waiting for the kernel's
quarter of an hour."""
RECONNEXION_ABANDON = 5.0
"""Seconds the pool retries one lost connection, with a growing pause, before giving it up;
the next request that lacks a connection then starts a new attempt at once. Left at the
pool's five minutes, the pause grows to tens of seconds: writes would stay failed that long
after the database is back."""


class MagasinInjoignable(TimeoutError):
    """No connection to the event store within the bounded wait (the database is unreachable,
    or every connection stayed busy): what a request answers with SERVICE_INDISPONIBLE."""


def borner_les_attentes(datastore: PostgresDatastore) -> None:
    """Before the pool's first connection: a connection is made within the pool's own wait
    (``POSTGRES_CONNECT_TIMEOUT``, which the library gives the pool but not the connections),
    declared dead once its data or keepalives go unacknowledged, and a pool that gives no
    connection within its wait raises ``MagasinInjoignable``, which the library's retries let
    through."""
    pool: Any = datastore.pool
    pool.kwargs.update(
        connect_timeout=max(1, int(pool.timeout)),
        tcp_user_timeout=TCP_SANS_ACCUSE_MS,
        keepalives=1,
        keepalives_idle=5,
        keepalives_interval=2,
        keepalives_count=3,
    )
    pool.reconnect_timeout = RECONNEXION_ABANDON
    obtenir = pool.getconn

    def getconn(timeout: float | None = None) -> psycopg.Connection[Any]:
        try:
            connexion: psycopg.Connection[Any] = obtenir(timeout)
        except psycopg_pool.PoolTimeout as exc:
            raise MagasinInjoignable(str(exc)) from None
        return connexion

    pool.getconn = getconn

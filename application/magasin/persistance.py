"""From a database URL to the event store's environment (SQLite by default, or PostgreSQL)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

import psycopg


@dataclass(frozen=True)
class Base:
    url: str
    est_postgres: bool
    env: dict[str, str]
    sqlite_chemin: str | None = None
    postgres_schema: str = "public"

    def conninfo(self) -> str:
        """A libpq connection string, for PostgreSQL bases."""
        return conninfo(self.env)

    def decrite(self) -> str:
        """The URL as a user may see it: never the password."""
        if not self.est_postgres:
            return self.url
        e = self.env
        return (
            f"postgresql://{e['POSTGRES_USER']}@{e['POSTGRES_HOST']}:{e['POSTGRES_PORT']}/"
            f"{e['POSTGRES_DBNAME']}?schema={self.postgres_schema}"
        )


def conninfo(env: Mapping[str, str]) -> str:
    parts = {
        "host": env["POSTGRES_HOST"],
        "port": env["POSTGRES_PORT"],
        "dbname": env["POSTGRES_DBNAME"],
        "user": env["POSTGRES_USER"],
        "password": env.get("POSTGRES_PASSWORD", ""),
    }
    return " ".join(f"{k}={v}" for k, v in parts.items() if v)


def cle_de_creation(schema: str) -> str:
    """The advisory lock that serialises the creation of a schema's tables."""
    return f"cotraitance-creation:{schema}"


@contextmanager
def creation_exclusive(env: Mapping[str, str]) -> Iterator[None]:
    """PostgreSQL: one process at a time creates the store's tables. ``CREATE … IF NOT EXISTS``
    is not safe against a concurrent creation (two processes starting together get "tuple
    concurrently updated" or a duplicate catalog key); under this lock, the second finds the
    tables made. SQLite serialises writers by itself."""
    if env.get("PERSISTENCE_MODULE") != "eventsourcing.postgres":
        yield
        return
    cle = cle_de_creation(env.get("POSTGRES_SCHEMA", "public"))
    delai = int(env.get("POSTGRES_CONNECT_TIMEOUT", "3"))
    with psycopg.connect(conninfo(env), autocommit=True, connect_timeout=delai) as connexion:
        connexion.execute("SELECT pg_advisory_lock(hashtext(%s))", [cle])
        try:
            yield
        finally:
            connexion.execute("SELECT pg_advisory_unlock(hashtext(%s))", [cle])


def base_depuis_url(url: str, creer: bool = True) -> Base:
    """The store's settings from its URL; ``creer``: make the SQLite file's folder."""
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        chemin = unquote(parsed.path[1:] if parsed.path.startswith("/") else parsed.path)
        if url.startswith("sqlite:////"):
            chemin = "/" + chemin.lstrip("/")
        if not chemin or chemin == ":memory:":
            raise ValueError("SQLite demande un fichier : sqlite:///chemin/du/fichier.db")
        if creer:
            Path(chemin).parent.mkdir(parents=True, exist_ok=True)
        env = {
            "PERSISTENCE_MODULE": "eventsourcing.sqlite",
            "SQLITE_DBNAME": chemin,
            "SQLITE_LOCK_TIMEOUT": "10",
        }
        return Base(url, False, env, sqlite_chemin=chemin)
    if parsed.scheme in ("postgresql", "postgres"):
        schema = parse_qs(parsed.query).get("schema", ["public"])[0]
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]{0,62}", schema):
            raise ValueError(
                f"schéma PostgreSQL invalide {schema[:70]!r} : lettres, chiffres et _ "
                "(63 au plus, sans chiffre en tête)"
            )
        env = {
            "PERSISTENCE_MODULE": "eventsourcing.postgres",
            "POSTGRES_DBNAME": (parsed.path or "/postgres")[1:] or "postgres",
            "POSTGRES_HOST": parsed.hostname or "127.0.0.1",
            "POSTGRES_PORT": str(parsed.port or 5432),
            "POSTGRES_USER": unquote(parsed.username or "postgres"),
            "POSTGRES_PASSWORD": unquote(parsed.password or ""),
            "POSTGRES_SCHEMA": schema,
            "POSTGRES_LOCK_TIMEOUT": "5",
            # A request waits at most this long for a connection, then fails fast (R24).
            "POSTGRES_CONNECT_TIMEOUT": "3",
            "POSTGRES_PRE_PING": "y",
            "POSTGRES_IDLE_IN_TRANSACTION_SESSION_TIMEOUT": "10",
            "POSTGRES_POOL_SIZE": "5",
            "POSTGRES_MAX_OVERFLOW": "10",
        }
        return Base(url, True, env, postgres_schema=schema)
    raise ValueError(
        f"schéma d'URL non pris en charge {parsed.scheme!r} : sqlite:///chemin/du/fichier.db "
        "ou postgresql://…"
    )

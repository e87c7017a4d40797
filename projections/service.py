"""The running service: the application, its views and their runner, wired from the settings."""

from __future__ import annotations

from dataclasses import dataclass, field

import psycopg
from psycopg import sql

from application.horloge import Horloge
from application.persistance import Base, base_depuis_url
from application.service import Cotraitance
from application.settings import Settings
from projections.cache import CacheAgregats
from projections.catalogue import toutes_les_vues
from projections.runner import Projecteur
from projections.stockage import StockageVues


@dataclass
class Service:
    base: Base
    app: Cotraitance
    stockage: StockageVues
    projecteur: Projecteur
    cache: CacheAgregats = field(default_factory=CacheAgregats)
    """Read cache, trustworthy only while the projection runner runs (it invalidates it)."""

    def __post_init__(self) -> None:
        self.projecteur.ecouteurs.append(self.cache.invalider)  # what other processes wrote
        self.app.ecouteurs.append(self.cache.invalider)  # what this one wrote, at once

    @property
    def cache_actif(self) -> bool:
        """Only while the runner reads the log: it is what invalidates the cache."""
        return self.projecteur.en_continu and self.projecteur.en_echec is None

    def close(self) -> None:
        self.stockage.close()
        self.app.close()


def preparer_base(base: Base) -> None:
    """PostgreSQL: the schema must exist before the event store creates its tables."""
    if base.est_postgres:
        with psycopg.connect(base.conninfo(), autocommit=True) as conn:
            conn.execute(
                sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(
                    sql.Identifier(base.postgres_schema)
                )
            )


def demarrer(settings: Settings, horloge: Horloge | None = None) -> Service:
    base = base_depuis_url(settings.database_url)
    preparer_base(base)
    app = Cotraitance(env=base.env, horloge=horloge, regles=settings.regles)
    stockage = StockageVues(base)
    return Service(base, app, stockage, Projecteur(app, stockage, toutes_les_vues()))

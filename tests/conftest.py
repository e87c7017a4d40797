"""Fixtures: the application on SQLite and on PostgreSQL (a fresh schema per test)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from application.contexte import Contexte, systeme
from application.horloge import HorlogeFixe
from application.magasin.persistance import Base, base_depuis_url
from application.service import Cotraitance
from cotraitance.racine import ports
from domain.valeurs import Acteur, Conseiller, Role

pytest_plugins = ["tests.api_outils"]

POSTGRES_URL = os.environ.get(
    "COTRAITANCE_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
POSTGRES_EXIGE = os.environ.get("COTRAITANCE_REQUIRE_POSTGRES") == "1"
AUJOURDHUI = date(2026, 11, 20)
ML = "ML001"


def _postgres_joignable() -> str | None:
    try:
        import psycopg

        with psycopg.connect(base_depuis_url(POSTGRES_URL).conninfo(), connect_timeout=3):
            return None
    except Exception as exc:  # the reason is what the skip reports
        return f"PostgreSQL unreachable at {POSTGRES_URL}: {exc}"


_RAISON_PG: str | bool | None = False


def raison_sans_postgres() -> str | None:
    global _RAISON_PG
    if _RAISON_PG is False:
        _RAISON_PG = _postgres_joignable()
    return _RAISON_PG  # type: ignore[return-value]


def exiger_postgres() -> None:
    raison = raison_sans_postgres()
    if raison is None:
        return
    if POSTGRES_EXIGE:
        pytest.fail(f"COTRAITANCE_REQUIRE_POSTGRES=1 but {raison}")
    pytest.skip(raison)


@pytest.fixture
def base_sqlite(tmp_path: Path) -> Base:
    return base_depuis_url(f"sqlite:///{tmp_path / 'cotraitance.db'}")


@pytest.fixture
def base_postgres() -> Iterator[Base]:
    exiger_postgres()
    import psycopg

    schema = f"test_{uuid.uuid4().hex[:12]}"
    base = base_depuis_url(f"{POSTGRES_URL}?schema={schema}")
    with psycopg.connect(base.conninfo(), autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield base
    finally:
        with psycopg.connect(base.conninfo(), autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def base(request: pytest.FixtureRequest) -> Base:
    nom = "base_sqlite" if request.param == "sqlite" else "base_postgres"
    return request.getfixturevalue(nom)  # type: ignore[no-any-return]


@pytest.fixture
def horloge() -> HorlogeFixe:
    return HorlogeFixe(AUJOURDHUI)


@pytest.fixture
def app(base: Base, horloge: HorlogeFixe) -> Iterator[Cotraitance]:
    application = Cotraitance(env=base.env, ports=ports(base), horloge=horloge)
    application.enregistrer_mission_locale(
        systeme(ML),
        ML,
        "Mission Locale de Paris Est",
        ["75111", "75120", "93048"],
        [Conseiller("C1", "Claire Martin"), Conseiller("C2", "Karim Benali")],
    )
    try:
        yield application
    finally:
        application.close()


@dataclass
class Acteurs:
    gestionnaire: Contexte
    conseiller: Contexte
    auditeur: Contexte
    integrateur: Contexte
    autre_ml: Contexte


@pytest.fixture
def acteurs() -> Acteurs:
    return Acteurs(
        gestionnaire=Contexte(Acteur("gestion-1", Role.GESTIONNAIRE, ML)),
        conseiller=Contexte(Acteur("conseil-1", Role.CONSEILLER, ML)),
        auditeur=Contexte(Acteur("audit-1", Role.AUDITEUR, ML)),
        integrateur=Contexte(Acteur("integ-1", Role.INTEGRATEUR, ML)),
        autre_ml=Contexte(Acteur("gestion-9", Role.GESTIONNAIRE, "ML999")),
    )

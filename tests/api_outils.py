"""Tools for the API tests: the schema executed in-process, and the app over HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anyio
import pytest
from starlette.testclient import TestClient

from api.app import creer_app
from api.auth import emettre_jeton_dev
from api.contexte import ContexteRequete, JournalAcces
from api.erreurs import formater
from api.schema import construire_schema
from application.magasin.persistance import Base
from application.service import Cotraitance
from cotraitance.racine import Service, assembler, reglages_api
from cotraitance.settings import Settings
from domain.valeurs import Acteur, Role
from tests.conftest import ML

SECRET = "secret-de-test-suffisamment-long-pour-hs256"
SCHEMA = construire_schema(introspection=True, suggestions=True)


@dataclass
class Api:
    """Runs GraphQL documents in-process as a given actor; views are caught up first."""

    service: Service
    journal: JournalAcces

    def executer(
        self,
        document: str,
        variables: dict[str, Any] | None = None,
        role: Role = Role.GESTIONNAIRE,
        ml: str = ML,
        sub: str = "testeur",
    ) -> dict[str, Any]:
        self.service.runner.rattraper()
        contexte = ContexteRequete(Acteur(sub, role, ml), self.service, self.journal, "req-test")

        async def run() -> Any:
            return await SCHEMA.execute(document, variable_values=variables, context_value=contexte)

        resultat = anyio.run(run)
        sortie: dict[str, Any] = {"data": resultat.data}
        if resultat.errors:
            sortie["errors"] = [formater(e, "req-test") for e in resultat.errors]
        return sortie

    def donnees(self, document: str, variables: dict[str, Any] | None = None, **kw: Any) -> Any:
        sortie = self.executer(document, variables, **kw)
        assert "errors" not in sortie, sortie.get("errors")
        return sortie["data"]


@pytest.fixture
def api(app: Cotraitance, base: Base, tmp_path: Path) -> Iterator[Api]:
    service = assembler(base, app)
    journal = JournalAcces(str(tmp_path / "acces.jsonl"))
    try:
        yield Api(service, journal)
    finally:
        journal.close()
        service.fermer_connexions()


def reglages(tmp_path: Path, **autres: Any) -> Settings:
    return Settings(
        jwt_secret=SECRET,
        var_dir=str(tmp_path),
        access_log=str(tmp_path / "acces.jsonl"),
        **autres,
    )


def jeton(role: Role = Role.GESTIONNAIRE, ml: str = ML, sub: str = "testeur") -> str:
    return emettre_jeton_dev(SECRET, sub, role, ml)


@contextmanager
def client_http(app: Cotraitance, base: Base, settings: Settings) -> Iterator[TestClient]:
    """The Starlette app through its lifespan (the processors' runner runs in the background)."""
    service = assembler(base, app)
    try:
        with TestClient(creer_app(service, reglages_api(settings))) as client:
            yield client
    finally:
        service.fermer_connexions()


@pytest.fixture
def http(app: Cotraitance, base: Base, tmp_path: Path) -> Iterator[TestClient]:
    with client_http(app, base, reglages(tmp_path)) as client:
        yield client


def poster(
    client: TestClient, document: str, variables: dict[str, Any] | None = None, **kw: Any
) -> Any:
    entetes = {"Authorization": f"Bearer {jeton(**kw)}"}
    return client.post(
        "/graphql", json={"query": document, "variables": variables or {}}, headers=entetes
    )

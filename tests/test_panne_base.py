"""When PostgreSQL goes away and comes back (R24): the workers survive an outage of any length
and catch up by themselves; requests and /health fail fast with a clean code meanwhile.

The outage is real for the service: it reaches PostgreSQL through a TCP proxy that the test
cuts (every connection dropped, new ones refused) and restores; the shared server is untouched."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import psycopg
import pytest
from starlette.testclient import TestClient

from api.app import creer_app
from application.contexte import systeme
from application.horloge import HorlogeFixe
from application.magasin.persistance import base_depuis_url
from application.traitement.runner import SONDE_ECRITURE
from cotraitance.racine import Service, assembler, construire_application, reglages_api
from domain.valeurs import Conseiller, Identite
from projections import dossiers
from tests.api_outils import jeton, reglages
from tests.conftest import AUJOURDHUI, ML, POSTGRES_URL, Acteurs, exiger_postgres
from tests.proxy_tcp import ProxyTCP

pytestmark = pytest.mark.postgres

RECHERCHE = '{ rechercherDossiers(texte: "panne") { totalCount } }'


def _attendre(condition: Callable[[], bool], delai: float = 30.0) -> bool:
    limite = time.monotonic() + delai
    while time.monotonic() < limite:
        if condition():
            return True
        time.sleep(0.05)
    return False


@pytest.fixture
def proxy() -> Iterator[ProxyTCP]:
    exiger_postgres()
    cible = urlparse(POSTGRES_URL)
    proxy = ProxyTCP(cible.hostname or "127.0.0.1", cible.port or 5432)
    yield proxy
    proxy.fermer()


@pytest.fixture
def service(proxy: ProxyTCP) -> Iterator[Service]:
    """The service on a fresh schema, every connection going through the proxy."""
    schema = f"panne_{uuid.uuid4().hex[:10]}"
    directe = base_depuis_url(f"{POSTGRES_URL}?schema={schema}")
    cible = urlparse(POSTGRES_URL)
    url = POSTGRES_URL.replace(f"{cible.hostname}:{cible.port or 5432}", f"127.0.0.1:{proxy.port}")
    if f":{proxy.port}" not in url:  # a URL without an explicit port
        url = POSTGRES_URL.replace(f"@{cible.hostname}", f"@127.0.0.1:{proxy.port}")
    base = base_depuis_url(f"{url}?schema={schema}")
    app = construire_application(base, HorlogeFixe(AUJOURDHUI))
    app.enregistrer_mission_locale(systeme(ML), ML, "ML", ["75111"], [Conseiller("C1", "Claire")])
    service = assembler(base, app)
    try:
        yield service
    finally:
        service.close()
        with psycopg.connect(directe.conninfo(), autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


def _trouves(service: Service) -> int:
    with service.lecture() as cur:
        return dossiers.rechercher(cur, ML, "panne").total


def _creer(service: Service, acteurs: Acteurs, nom: str) -> None:
    service.app.creer_dossier(acteurs.conseiller, Identite(nom, "Léa", date(2004, 1, 1)))


def test_le_runner_survit_a_une_panne_longue_puis_rattrape_seul(
    service: Service, proxy: ProxyTCP, acteurs: Acteurs
) -> None:
    service.demarrer()
    _creer(service, acteurs, "Panne Avant")
    assert _attendre(lambda: _trouves(service) == 1)
    proxy.couper()
    assert _attendre(lambda: service.runner.panne is not None)
    time.sleep(3)  # far longer than the runner's first retry
    assert service._fil is not None
    assert service._fil.is_alive()
    assert not service.sante().ok
    proxy.retablir()
    _creer(service, acteurs, "Panne Apres")  # writes work again once the database is back
    assert _attendre(lambda: service.runner.panne is None and _trouves(service) == 2)
    assert service.sante().ok


def test_pendant_la_panne_les_requetes_et_la_sante_repondent_vite(
    service: Service, proxy: ProxyTCP, acteurs: Acteurs, tmp_path: Path
) -> None:
    entetes = {"Authorization": f"Bearer {jeton()}"}
    with TestClient(creer_app(service, reglages_api(reglages(tmp_path)))) as client:
        assert (
            client.post("/graphql", json={"query": RECHERCHE}, headers=entetes).status_code == 200
        )
        proxy.couper()
        debut = time.monotonic()
        reponse = client.post("/graphql", json={"query": RECHERCHE}, headers=entetes)
        duree_requete = time.monotonic() - debut
        corps: dict[str, Any] = reponse.json()
        assert corps["errors"][0]["extensions"]["code"] == "SERVICE_INDISPONIBLE"
        assert corps["errors"][0]["extensions"]["requestId"]
        debut = time.monotonic()
        client.get("/health")
        duree_sante = time.monotonic() - debut
        # The write probe runs every SONDE_ECRITURE seconds: when the runner's own reads do not
        # notice the outage first, the next probe does; wait past one whole interval.
        assert _attendre(lambda: client.get("/health").status_code == 503, SONDE_ECRITURE + 15)
        proxy.retablir()
        assert _attendre(lambda: client.get("/health").status_code == 200)
        reprise = client.post("/graphql", json={"query": RECHERCHE}, headers=entetes)
        assert reprise.json() == {"data": {"rechercherDossiers": {"totalCount": 0}}}
    # Bounds far above the normal (milliseconds), far below an outage's length (unbounded).
    assert duree_requete < 10, duree_requete
    assert duree_sante < 2, duree_sante

"""Read-your-writes without waiting for a polling turn (docs/decisions.md): on SQLite the
runner polls the log (it cannot subscribe), and a mutation waits for the read models to take
what it recorded; a save of this process wakes the runner at once, while the polling still
brings in what another process wrote."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Iterator
from datetime import date

import pytest

from application.contexte import systeme
from application.horloge import HorlogeFixe
from application.magasin.persistance import Base
from application.service import Cotraitance
from application.traitement.runner import INTERVALLE_SCRUTATION
from cotraitance.racine import Service, assembler, ports
from domain.valeurs import Conseiller, Identite, TypeEvenement
from projections import dossiers
from tests.conftest import AUJOURDHUI, ML, Acteurs

ESSAIS = 20


@pytest.fixture
def base(base_sqlite: Base) -> Base:
    """SQLite alone: PostgreSQL's runner follows the store's subscription, it never polls."""
    return base_sqlite


@pytest.fixture
def service(app: Cotraitance, base: Base) -> Iterator[Service]:
    service = assembler(base, app)
    service.demarrer()
    try:
        yield service
    finally:
        service.fermer_connexions()


def _attendre(condition: Callable[[], bool], delai: float = 10.0) -> bool:
    limite = time.monotonic() + delai
    while time.monotonic() < limite:
        if condition():
            return True
        time.sleep(0.02)
    return False


def test_une_saisie_est_dans_les_vues_bien_avant_le_tour_de_scrutation_suivant(
    service: Service, app: Cotraitance, acteurs: Acteurs
) -> None:
    """A manager's clicks one after the other: each save, then the wait for the read models,
    returns in milliseconds, not at the runner's next polling turn (0.2 s)."""
    cree = app.creer_dossier(acteurs.conseiller, Identite("Reveil", "Léa", date(2004, 1, 1)))
    assert cree.dossier_id is not None
    assert _attendre(lambda: service.runner.attendre(app.magasin.position(), 0.5))
    durees = []
    for _ in range(ESSAIS):
        app.saisir_evenement(
            acteurs.conseiller, cree.dossier_id, TypeEvenement.ATELIER, date(2026, 11, 2)
        )
        debut = time.monotonic()
        assert service.runner.attendre(app.magasin.position(), 2.0)
        durees.append(time.monotonic() - debut)
    # Generous: measured a few ms after, just under the whole interval before.
    assert statistics.median(durees) < INTERVALLE_SCRUTATION / 2, durees


def test_la_scrutation_voit_encore_ce_qu_un_autre_processus_enregistre(
    service: Service, base: Base, acteurs: Acteurs
) -> None:
    """Another process writing to the same SQLite file does not wake this runner: its polling
    brings the write into the views all the same."""
    autre = Cotraitance(env=base.env, ports=ports(base), horloge=HorlogeFixe(AUJOURDHUI))
    try:
        autre.enregistrer_mission_locale(systeme(ML), ML, "ML", ["75111"], [Conseiller("C1", "C")])
        autre.creer_dossier(acteurs.conseiller, Identite("Ailleurs", "Léa", date(2004, 1, 1)))
    finally:
        autre.close()

    def trouve() -> bool:
        with service.lecture() as cur:
            return dossiers.rechercher(cur, ML, "ailleurs").total == 1

    assert _attendre(trouve)

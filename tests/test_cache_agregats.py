"""The read cache: invalidated by the event log as the runner follows it; never keeps a load
that a change overtook."""

from __future__ import annotations

import time
from datetime import date
from typing import Any
from uuid import uuid4

from starlette.testclient import TestClient

from application.cache import CacheAgregats
from application.service import Cotraitance
from domain.valeurs import Identite
from tests.api_outils import poster
from tests.conftest import Acteurs
from tests.outils_graphql import gid


class Faux:
    def __init__(self, version: int) -> None:
        self.version = version


def test_un_chargement_depasse_par_une_invalidation_n_est_pas_garde() -> None:
    cache = CacheAgregats()
    i = uuid4()
    epoque = cache.epoque()  # the load begins…
    cache.invalider({i})  # …the log changes the aggregate meanwhile…
    cache.retenir({i: Faux(1)}, epoque)  # type: ignore[dict-item]
    assert cache.obtenir(i) is None  # …so the old version is not kept
    cache.retenir({i: Faux(2)}, cache.epoque())  # type: ignore[dict-item]
    assert cache.obtenir(i).version == 2  # type: ignore[union-attr]


def test_le_cache_est_borne() -> None:
    cache = CacheAgregats(taille=3)
    ids = [uuid4() for _ in range(5)]
    cache.retenir({i: Faux(1) for i in ids}, cache.epoque())  # type: ignore[misc]
    assert [cache.obtenir(i) is not None for i in ids] == [False, False, True, True, True]


def test_une_ecriture_hors_de_l_api_est_vue_apres_le_passage_du_projecteur(
    http: TestClient, app: Cotraitance, acteurs: Acteurs
) -> None:
    """Another process (the CLI, an import) writes: the next reads see it once the runner
    has read the log (a polling interval on SQLite, a notification on PostgreSQL)."""
    r = app.creer_dossier(acteurs.conseiller, Identite("Avant", "Léa", date(2004, 1, 1)))
    assert r.dossier_id is not None
    document = "query($id: ID!) { dossier(id: $id) { version justifie } }"
    variables = {"id": gid("Dossier", r.dossier_id)}

    def lire() -> Any:
        return poster(http, document, variables).json()["data"]["dossier"]

    assert _attendre(lambda: lire() == {"version": 1, "justifie": False})
    app.justifier_dossier(acteurs.conseiller, r.dossier_id, "CNI")
    assert _attendre(lambda: lire() == {"version": 2, "justifie": True})


def _attendre(condition: Any, delai: float = 5.0) -> bool:
    limite = time.monotonic() + delai
    while time.monotonic() < limite:
        if condition():
            return True
        time.sleep(0.05)
    return False

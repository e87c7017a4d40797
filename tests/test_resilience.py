"""Bad input is refused at the boundary (R24); the projection runner outlives a failure, says so
on /health, and resumes from the views' committed positions."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from api.app import creer_app
from application.persistance import Base
from application.service import Cotraitance
from domain.erreurs import ErreurMetier
from domain.valeurs import Identite, TypeEvenement
from projections import dossiers
from tests.api_outils import Api, jeton, reglages, service_sur
from tests.conftest import ML, Acteurs

ZORGLUB = Identite("Zorglub", "Léon", date(2004, 1, 1))


@pytest.mark.parametrize(
    ("nom", "champ"),
    [("Du\x00pont", "nom"), ("x" * 6000, "nom"), ("Du\npont", "nom")],
    ids=["nul", "trop-long", "saut-de-ligne"],
)
def test_un_nom_non_imprimable_ou_demesure_est_refuse_sans_rien_enregistrer(
    app: Cotraitance, acteurs: Acteurs, nom: str, champ: str
) -> None:
    """R24: what cannot be stored for ever is refused before it is."""
    avant = app.recorder.max_notification_id()
    with pytest.raises(ErreurMetier) as refus:
        app.creer_dossier(acteurs.conseiller, Identite(nom, "Léon", date(2004, 1, 1)))
    assert (refus.value.code, refus.value.champ) == ("SAISIE_INVALIDE", champ)
    assert app.recorder.max_notification_id() == avant


def test_un_commentaire_peut_tenir_sur_plusieurs_lignes_mais_pas_contenir_de_controle(
    app: Cotraitance, acteurs: Acteurs
) -> None:
    r = app.creer_dossier(acteurs.conseiller, ZORGLUB)
    assert r.dossier_id is not None
    app.saisir_evenement(
        acteurs.conseiller, r.dossier_id, TypeEvenement.ATELIER, date(2026, 11, 2), "l1\nl2"
    )
    with pytest.raises(ErreurMetier) as refus:
        app.saisir_evenement(
            acteurs.conseiller, r.dossier_id, TypeEvenement.ATELIER, date(2026, 11, 2), "a\x07"
        )
    assert refus.value.champ == "commentaire"


def test_une_recherche_non_imprimable_est_une_entree_invalide(api: Api) -> None:
    sortie = api.executer('{ rechercherDossiers(texte: "a\\u0000b") { totalCount } }')
    assert sortie["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


class Panne:
    """Makes a view fail while ``active``, as a database outage or a poison event would."""

    def __init__(self, traiter: Callable[..., int]) -> None:
        self.traiter = traiter
        self.active = True

    def __call__(self, *args: Any) -> int:
        if self.active:
            raise RuntimeError("panne simulée")
        return self.traiter(*args)


def _attendre(condition: Callable[[], bool], delai: float = 10.0) -> bool:
    limite = time.monotonic() + delai
    while time.monotonic() < limite:
        if condition():
            return True
        time.sleep(0.02)
    return False


def test_le_projecteur_survit_a_une_panne_puis_reprend_sans_rien_perdre(
    app: Cotraitance, base: Base, acteurs: Acteurs, caplog: pytest.LogCaptureFixture
) -> None:
    service = service_sur(app, base)
    vue = service.projecteur.vues["recherche_dossiers"]
    panne = Panne(vue.traiter)
    vue.traiter = panne  # type: ignore[method-assign]
    arret = threading.Event()
    fil = threading.Thread(target=service.projecteur.executer, args=(arret, 0.02), daemon=True)
    caplog.set_level(logging.DEBUG)
    fil.start()
    try:
        app.creer_dossier(acteurs.conseiller, ZORGLUB)
        assert _attendre(lambda: service.projecteur.en_echec == "RuntimeError")
        assert fil.is_alive()
        assert not service.cache_actif  # nothing invalidates the cache meanwhile
        panne.active = False
        assert _attendre(lambda: service.projecteur.en_echec is None and _trouve(service))
    finally:
        arret.set()
        fil.join(timeout=10)
        service.stockage.close()
    assert "Zorglub" not in caplog.text  # failures are logged by kind, never with the data


def _trouve(service: Any) -> bool:
    with service.stockage.lecture() as cur:
        return bool(dossiers.rechercher(cur, ML, "zorglub").total == 1)


def test_la_sante_signale_un_projecteur_en_echec(
    app: Cotraitance, base: Base, acteurs: Acteurs, tmp_path: Path
) -> None:
    service = service_sur(app, base)
    vue = service.projecteur.vues["tableau_ppae"]
    vue.traiter = Panne(vue.traiter)  # type: ignore[method-assign]
    with TestClient(creer_app(reglages(tmp_path), service)) as client:
        assert client.get("/health").status_code in (200, 503)
        app.creer_dossier(acteurs.conseiller, ZORGLUB)
        assert _attendre(lambda: client.get("/health").status_code == 503)
        corps = client.get("/health").json()
        assert corps["status"] == "degrade"
        assert corps["erreurProjections"] == "RuntimeError"
        lecture = client.post(
            "/graphql",
            json={"query": "{ moi { sub } }"},
            headers={"Authorization": f"Bearer {jeton()}"},
        )
        assert lecture.status_code == 200  # the API still answers

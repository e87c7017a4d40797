"""Bad input is refused at the boundary (R24); the projection runner outlives a failure, says so
on /health, and resumes from the views' committed positions."""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from api.app import creer_app
from application.magasin.persistance import Base
from application.service import Cotraitance
from cotraitance.racine import assembler, reglages_api
from domain.erreurs import ErreurMetier
from domain.valeurs import Identite, TypeEvenement
from projections import dossiers
from tests.api_outils import Api, jeton, reglages
from tests.conftest import ML, Acteurs
from tests.scenario import dossier_importe

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
    """Makes a call fail while ``active``, as a poison event or a database outage would."""

    def __init__(self, appel: Callable[..., Any]) -> None:
        self.appel = appel
        self.active = True

    def __call__(self, *args: Any) -> Any:
        if self.active:
            raise RuntimeError("panne simulée")
        return self.appel(*args)


def _attendre(condition: Callable[[], bool], delai: float = 10.0) -> bool:
    limite = time.monotonic() + delai
    while time.monotonic() < limite:
        if condition():
            return True
        time.sleep(0.02)
    return False


def _positions(service: Any) -> dict[str, int]:
    return {e.nom: e.position for e in service.runner.etats()}


def test_un_evenement_qu_un_processeur_ne_prend_pas_n_arrete_que_ce_processeur(
    app: Cotraitance, base: Base, acteurs: Acteurs, caplog: pytest.LogCaptureFixture
) -> None:
    """One transaction per processor: the others go on; the stopped one resumes from its own
    committed position once it can, and nothing is lost."""
    service = assembler(base, app)
    vue = service.runner.processeurs["recherche_dossiers"]
    panne = Panne(vue.traiter)
    vue.traiter = panne  # type: ignore[method-assign]
    caplog.set_level(logging.DEBUG)
    service.demarrer()
    try:
        app.creer_dossier(acteurs.conseiller, ZORGLUB)
        derniere = app.magasin.position()
        assert _attendre(lambda: service.runner.echecs == {"recherche_dossiers": "RuntimeError"})
        assert _attendre(lambda: _positions(service)["tableau_ppae"] == derniere)
        assert _positions(service)["recherche_dossiers"] < derniere
        assert service.cache_actif  # the log is still read: the cache is still invalidated
        panne.active = False
        assert _attendre(lambda: not service.runner.echecs and _trouve(service))
        assert _positions(service)["recherche_dossiers"] == derniere
    finally:
        service.close()
    assert "Zorglub" not in caplog.text  # failures are logged by kind, never with the data
    assert "recherche_dossiers" in caplog.text


def test_le_runner_survit_a_un_journal_illisible_puis_reprend_sans_rien_perdre(
    app: Cotraitance, base: Base, acteurs: Acteurs
) -> None:
    service = assembler(base, app)
    panne = Panne(app.magasin.notifications)
    app.magasin.notifications = panne  # type: ignore[method-assign]
    service.demarrer()
    try:
        app.creer_dossier(acteurs.conseiller, ZORGLUB)
        assert _attendre(lambda: service.runner.panne == "RuntimeError")
        assert not service.cache_actif  # nothing invalidates the cache meanwhile
        panne.active = False
        assert _attendre(lambda: service.runner.panne is None and _trouve(service))
    finally:
        service.close()


def _trouve(service: Any) -> bool:
    with service.lecture() as cur:
        return bool(dossiers.rechercher(cur, ML, "zorglub").total == 1)


def test_la_sante_nomme_le_processeur_arrete(
    app: Cotraitance, base: Base, acteurs: Acteurs, tmp_path: Path
) -> None:
    service = assembler(base, app)
    vue = service.runner.processeurs["tableau_ppae"]
    vue.traiter = Panne(vue.traiter)  # type: ignore[method-assign]
    try:
        with TestClient(creer_app(service, reglages_api(reglages(tmp_path)))) as client:
            assert client.get("/health").status_code == 200
            r = app.creer_dossier(acteurs.conseiller, ZORGLUB)
            assert r.dossier_id is not None
            app.saisir_evenement(
                acteurs.conseiller, r.dossier_id, TypeEvenement.ATELIER, date(2026, 11, 2)
            )
            dossier_importe(app, acteurs.gestionnaire)
            assert _attendre(lambda: client.get("/health").status_code == 503)
            corps = client.get("/health").json()
            assert corps["status"] == "degrade"
            assert corps["processeursArretes"] == ["tableau_ppae"]
            assert corps["projections"]["tableau_ppae"]["echec"] == "RuntimeError"
            assert "echec" not in corps["projections"]["recherche_dossiers"]
            lecture = client.post(
                "/graphql",
                json={"query": "{ moi { sub } }"},
                headers={"Authorization": f"Bearer {jeton()}"},
            )
            assert lecture.status_code == 200  # the API still answers
    finally:
        service.fermer_connexions()


def test_la_sante_voit_le_chemin_d_ecriture_sans_ecrire_a_chaque_sonde(
    app: Cotraitance, base: Base, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """/health answers 503 while the store cannot write (a full disk), 200 once it can again;
    the write probe runs in the background, not at each /health request."""
    service = assembler(base, app)
    sondes: list[bool] = []
    sonder = app.magasin.sonder_ecriture
    disque_plein = [True]

    def sonde() -> None:
        sondes.append(True)
        if disque_plein[0]:
            raise sqlite3.OperationalError("database or disk is full")
        sonder()

    monkeypatch.setattr(app.magasin, "sonder_ecriture", sonde)
    try:
        with TestClient(creer_app(service, reglages_api(reglages(tmp_path)))) as client:
            assert _attendre(lambda: client.get("/health").status_code == 503)
            corps = client.get("/health").json()
            assert corps["ecriture"] == "OperationalError"
            disque_plein[0] = False
            assert _attendre(lambda: client.get("/health").status_code == 200)
            assert client.get("/health").json()["ecriture"] == "ok"
            avant = len(sondes)
            for _ in range(20):
                client.get("/health")
            assert len(sondes) - avant <= 1  # probes are the runner's, every 30 s
    finally:
        service.fermer_connexions()

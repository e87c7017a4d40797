"""Delivery to the DUDE over HTTP (R15), against the simulator served by a real uvicorn: with
faults on, every flow is acknowledged exactly once in effect, none lost, rejections recorded with
the DUDE's reason, the order kept per DUDE dossier; a sender killed (SIGKILL) mid-run and
restarted loses and duplicates nothing in effect; two senders at once never send a flow, or two
flows of one DUDE dossier, at the same time."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import httpx2
import pytest
from starlette.testclient import TestClient

from api.app import creer_app
from application.contexte import systeme
from application.horloge import HorlogeFixe
from application.magasin.persistance import Base
from application.service import Cotraitance
from application.traitement.stockage import StockageVues
from cotraitance.racine import Service, assembler, construire_application, reglages_api
from domain.valeurs import Conseiller, MotifSortie, TypeEvenement
from integrations.dude.depot import deposer_fichier
from integrations.dude.envoi import Bilan, Expediteur, ReglagesEnvoi
from integrations.dude.simulateur import Fautes, Simulateur, SimulateurEnFond
from tests.api_outils import reglages
from tests.conftest import AUJOURDHUI, ML, Acteurs
from tests.scenario import dossier_importe, entretien, ids

RAPIDE = {"attente_min": 0.01, "attente_max": 0.2, "pause": 0.02}


@pytest.fixture
def simulateur() -> Iterator[tuple[Simulateur, str]]:
    simulateur = Simulateur()
    serveur = SimulateurEnFond(simulateur)
    url = serveur.demarrer()
    yield simulateur, url
    serveur.arreter()


@pytest.fixture
def service(app: Cotraitance, base: Base) -> Iterator[Service]:
    service = assembler(base, app)
    try:
        yield service
    finally:
        service.fermer_connexions()


def peupler(app: Cotraitance, acteurs: Acteurs, jeunes: int) -> None:
    """Youths in PPAE with interviews, some entered late (catch-up), some exited."""
    c = acteurs.conseiller
    for i in range(jeunes):
        dossier_id, ppae_id = ids(
            dossier_importe(app, acteurs.gestionnaire, f"AFF-{i}", identifiant_pe=f"{i:07d}E")
        )
        for jour in (3, 8, 12):
            entretien(app, c, dossier_id, date(2026, 10, jour))
        app.justifier_dossier(c, dossier_id, "CNI")
        app.accepter_ppae(c, ppae_id, date(2026, 10, 1))
        app.saisir_evenement(c, dossier_id, TypeEvenement.ATELIER, date(2026, 10, 20))
        if i % 3 == 0:
            app.sortir_ppae(c, ppae_id, date(2026, 11, 1), MotifSortie.DEMENAGEMENT)


def etats(service: Service) -> dict[str, tuple[str, str | None, str]]:
    with service.lecture() as cur:
        lignes = cur.fetchall("SELECT cle, statut, erreur, groupe FROM flux_dude ORDER BY ordre")
    return {c: (s, e, g) for c, s, e, g in lignes}


def ordre_par_dossier(service: Service) -> dict[str, list[str]]:
    with service.lecture() as cur:
        lignes = cur.fetchall("SELECT groupe, cle FROM flux_dude ORDER BY ordre")
    attendu: dict[str, list[str]] = {}
    for groupe, cle in lignes:
        attendu.setdefault(groupe, []).append(cle)
    return attendu


def expediteur(service: Service, url: str, **reglages: Any) -> Expediteur:
    return Expediteur(service.lectures, ReglagesEnvoi(f"{url}/flux", **{**RAPIDE, **reglages}))


def test_avec_des_pannes_chaque_flux_est_acquitte_une_fois_en_effet_et_dans_l_ordre(
    app: Cotraitance,
    acteurs: Acteurs,
    service: Service,
    simulateur: tuple[Simulateur, str],
) -> None:
    simu, url = simulateur
    simu.regler(
        Fautes(
            taux_5xx=0.2,
            taux_timeout=0.05,
            duree_timeout_s=0.6,
            rejets={"SORTIE_PPAE": {"code": "DOSSIER_CLOS", "message": "Le dossier est clos."}},
            graine=7,
        )
    )
    peupler(app, acteurs, 12)
    service.runner.rattraper()
    bilan = expediteur(service, url, delai=0.3).vider(120)
    resultat = etats(service)
    rejetes = {c for c, (s, _, _) in resultat.items() if s == "REJETE"}
    acquittes = {c for c, (s, _, _) in resultat.items() if s == "ACQUITTE"}
    assert acquittes | rejetes == set(resultat), "every flow reached a final state"
    assert {c.rsplit(":", 1)[1] for c in rejetes} == {"SORTIE_PPAE"}
    assert {resultat[c][1] for c in rejetes} == {"DOSSIER_CLOS : Le dossier est clos."}
    assert set(simu.recus) == acquittes, "nothing lost, nothing acknowledged that did not arrive"
    assert bilan.reportes > 0, "the faults did happen"
    for groupe, cles in ordre_par_dossier(service).items():
        assert simu.dossiers.get(groupe, []) == [c for c in cles if c in acquittes], groupe


def test_une_livraison_sans_panne_ne_fait_qu_une_tentative_par_flux(
    app: Cotraitance,
    acteurs: Acteurs,
    service: Service,
    simulateur: tuple[Simulateur, str],
) -> None:
    simu, url = simulateur
    peupler(app, acteurs, 4)
    service.runner.rattraper()
    bilan = expediteur(service, url).vider(60)
    assert bilan == Bilan(acquittes=len(etats(service)))
    assert (simu.tentatives, simu.doublons) == (len(etats(service)), 0)


def test_un_dude_injoignable_laisse_les_flux_en_attente_sans_rien_perdre(
    app: Cotraitance, acteurs: Acteurs, service: Service
) -> None:
    peupler(app, acteurs, 1)
    service.runner.rattraper()
    bilan = expediteur(service, "http://127.0.0.1:9").vider(0.5)
    assert bilan.acquittes == 0
    assert bilan.reportes > 0
    assert {s for s, _, _ in etats(service).values()} <= {"EN_ATTENTE", "ENVOYE"}
    with service.lecture() as cur:
        erreurs = {e for (e,) in cur.fetchall("SELECT erreur FROM flux_dude WHERE tentatives > 0")}
    assert erreurs == {"connexion impossible (ConnectError)"}


def test_le_depot_par_fichier_ecrit_chaque_flux_une_fois_dans_l_ordre(
    app: Cotraitance, acteurs: Acteurs, service: Service, tmp_path: Path
) -> None:
    peupler(app, acteurs, 3)
    service.runner.rattraper()
    fichier = tmp_path / "depot.jsonl"
    total = deposer_fichier(service.lectures, fichier)
    lignes = [json.loads(ligne) for ligne in fichier.read_text(encoding="utf-8").splitlines()]
    assert total == len(lignes) == len(etats(service))
    assert deposer_fichier(service.lectures, fichier) == 0  # nothing twice
    for groupe, cles in ordre_par_dossier(service).items():
        assert [m["cle"] for m in lignes if m["identifiantPe"] == groupe] == cles


# ------------------------------------------------------------------ inside serve


def _attendre(condition: Callable[[], bool], delai: float = 30.0) -> bool:
    limite = time.monotonic() + delai
    while time.monotonic() < limite:
        if condition():
            return True
        time.sleep(0.05)
    return False


def test_dans_serve_l_envoi_en_fond_livre_ce_que_l_emetteur_enregistre_et_la_sante_le_dit(
    app: Cotraitance,
    acteurs: Acteurs,
    base: Base,
    simulateur: tuple[Simulateur, str],
    tmp_path: Path,
) -> None:
    """The runner wakes the sender when the emitter has recorded flows; /health shows the
    sender's state and counts; a DUDE answering 503s leaves the service healthy (its flows
    wait) and says why."""
    simu, url = simulateur
    service = assembler(base, app, envoi=ReglagesEnvoi(f"{url}/flux", **RAPIDE))
    try:
        with TestClient(creer_app(service, reglages_api(reglages(tmp_path)))) as client:
            peupler(app, acteurs, 2)
            assert _attendre(
                lambda: (
                    service.expediteur is not None
                    and not service.expediteur.reste()
                    and len(simu.recus) == len(etats(service)) > 0
                )
            )
            corps = client.get("/health").json()
            assert corps["envoiDude"] == {
                "etat": "ok",
                "acquittes": len(simu.recus),
                "rejetes": 0,
                "reportes": 0,
            }
            simu.regler(Fautes(taux_5xx=1.0))
            dossier_importe(app, acteurs.gestionnaire, "AFF-503")
            assert _attendre(lambda: client.get("/health").json()["envoiDude"]["reportes"] > 0)
            reponse = client.get("/health")
            assert reponse.status_code == 200, "a DUDE outage does not take the service out"
            assert reponse.json()["envoiDude"]["derniereErreur"]["raison"] == "HTTP 503"
    finally:
        service.fermer_connexions()


def test_la_sante_dit_quand_l_envoi_n_est_pas_configure_ou_se_fait_ailleurs(
    app: Cotraitance, base: Base, tmp_path: Path
) -> None:
    service = assembler(base, app)
    try:
        with TestClient(creer_app(service, reglages_api(reglages(tmp_path)))) as client:
            assert client.get("/health").json()["envoiDude"] == {"etat": "non configure"}
    finally:
        service.fermer_connexions()
    service = assembler(base, app, envoi=ReglagesEnvoi("http://127.0.0.1:9/flux"))
    service.envoi_en_fond = False
    try:
        with TestClient(creer_app(service, reglages_api(reglages(tmp_path)))) as client:
            assert client.get("/health").json()["envoiDude"] == {"etat": "hors processus"}
    finally:
        service.fermer_connexions()


# ------------------------------------------------------------------ processes


def _envoyer_en_sous_processus(base: Base, url: str, tmp_path: Path) -> subprocess.Popen[str]:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("COTRAITANCE_")},
        "COTRAITANCE_DATABASE_URL": base.url,
        "COTRAITANCE_DUDE_URL": f"{url}/flux",
        "COTRAITANCE_DUDE_BAIL": "1",
        "COTRAITANCE_VAR_DIR": str(tmp_path / "var"),
    }
    return subprocess.Popen(
        [sys.executable, "-m", "cotraitance.cli", "dude", "send", "--duree", "60"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def test_un_expediteur_tue_en_plein_envoi_puis_relance_ne_perd_ni_ne_double_rien(
    app: Cotraitance,
    acteurs: Acteurs,
    service: Service,
    simulateur: tuple[Simulateur, str],
    base: Base,
    tmp_path: Path,
) -> None:
    simu, url = simulateur
    simu.regler(Fautes(latence_ms=150))
    peupler(app, acteurs, 10)
    service.runner.rattraper()
    total = len(etats(service))
    premier = _envoyer_en_sous_processus(base, url, tmp_path)
    limite = time.monotonic() + 30
    while len(simu.recus) < 5 and time.monotonic() < limite:
        time.sleep(0.05)
    premier.send_signal(signal.SIGKILL)
    premier.communicate(timeout=15)
    assert 0 < len(simu.recus) < total, "killed mid-run"
    second = _envoyer_en_sous_processus(base, url, tmp_path)
    sortie = second.communicate(timeout=120)[0]
    assert second.returncode == 0, sortie
    assert set(simu.recus) == set(etats(service))
    assert {s for s, _, _ in etats(service).values()} == {"ACQUITTE"}
    assert len(simu.recus) == total


@pytest.mark.postgres
def test_deux_expediteurs_en_meme_temps_n_envoient_rien_deux_fois(
    acteurs: Acteurs,
    simulateur: tuple[Simulateur, str],
    base_postgres: Base,
) -> None:
    """SKIP LOCKED and leases: never the same flow in flight twice, never two flows of one DUDE
    dossier at once; every flow sent exactly once. (PostgreSQL: SQLite has one writer.)"""
    simu, url = simulateur
    simu.regler(Fautes(latence_ms=20))
    app = construire_application(base_postgres, HorlogeFixe(AUJOURDHUI))
    app.enregistrer_mission_locale(systeme(ML), ML, "ML", ["75111"], [Conseiller("C1", "C")])
    service = assembler(base_postgres, app)
    autre = StockageVues(base_postgres)
    try:
        peupler(app, acteurs, 12)
        service.runner.rattraper()
        reglages = ReglagesEnvoi(f"{url}/flux", lot=8, **RAPIDE)
        expediteurs = [Expediteur(service.lectures, reglages), Expediteur(autre, reglages)]
        bilans: list[Bilan] = []
        fils = [
            threading.Thread(target=lambda e=e: bilans.append(e.vider(60))) for e in expediteurs
        ]
        for fil in fils:
            fil.start()
        for fil in fils:
            fil.join(120)
        total = len(etats(service))
    finally:
        autre.close()
        service.close()
    assert sum(b.acquittes for b in bilans) == total
    assert all(b.acquittes > 0 for b in bilans), "both senders worked"
    assert (simu.tentatives, simu.doublons, simu.simultanes_max) == (total, 0, 1)


def test_le_simulateur_montre_le_dossier_dude_d_un_jeune(
    app: Cotraitance,
    acteurs: Acteurs,
    service: Service,
    simulateur: tuple[Simulateur, str],
) -> None:
    _, url = simulateur
    peupler(app, acteurs, 1)
    service.runner.rattraper()
    expediteur(service, url).vider(30)
    dossier = httpx2.get(f"{url}/dossiers/0000000E", timeout=5).json()
    assert [f["type"] for f in dossier["flux"]] == [
        "DECISION_AFFECTATION",
        "ENTREE_PPAE",
        "EVENEMENT",
        "EVENEMENT",
        "EVENEMENT",
        "EVENEMENT",
        "SORTIE_PPAE",
    ]
    assert httpx2.post(f"{url}/flux", json={"cle": "x"}, timeout=5).status_code == 400

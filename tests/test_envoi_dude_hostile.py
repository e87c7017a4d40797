"""The sender against a hostile DUDE (a real HTTP server in the test, on 127.0.0.1), as DESIGN §4
states its answers (R15): one deadline per request however the answer dribbles, `dude send
--duree` kept; `Retry-After` honoured on 429 and 503 (a 429 pauses the whole sender); 401/403
are no business rejection: sending stops, the flows wait, and it resumes once the DUDE accepts
again; `/health` says when the sender is suspended or makes no progress."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from email.utils import formatdate
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from api.app import creer_app
from application.magasin.persistance import Base
from application.service import Cotraitance
from cotraitance.livraison import EXIT_RESTE, EXIT_SUSPENDU
from cotraitance.racine import Service, assembler, reglages_api
from integrations.dude.envoi import Expediteur, ReglagesEnvoi
from tests.api_outils import reglages
from tests.conftest import Acteurs
from tests.dude_hostile_envoi import DudeHostile, Reponse, Script
from tests.import_outils import lancer
from tests.scenario import affectation_acceptee

RAPIDE: dict[str, Any] = {"attente_min": 0.01, "attente_max": 0.2, "pause": 0.02}
GOUTTE = Reponse(200, corps=b" " * 120, goutte=0.5)
"""An answer that takes a minute, one byte every half second (each read well within delai)."""


@pytest.fixture
def service(app: Cotraitance, base: Base) -> Iterator[Service]:
    service = assembler(base, app)
    try:
        yield service
    finally:
        service.fermer_connexions()


@pytest.fixture
def dude() -> Iterator[Callable[[Script], DudeHostile]]:
    serveurs: list[DudeHostile] = []

    def lancer(script: Script) -> DudeHostile:
        serveurs.append(DudeHostile(script).demarrer())
        return serveurs[-1]

    yield lancer
    for serveur in serveurs:
        serveur.arreter()


def jeunes(app: Cotraitance, acteurs: Acteurs, nombre: int) -> None:
    """One decision flow per youth, each in its own DUDE dossier (R2, R13)."""
    for i in range(nombre):
        affectation_acceptee(app, acteurs.gestionnaire, f"AFF-{i}", identifiant_pe=f"{i:07d}H")


def etats(service: Service) -> dict[str, tuple[str, str | None]]:
    with service.lecture() as cur:
        lignes = cur.fetchall("SELECT cle, statut, erreur FROM flux_dude ORDER BY ordre")
    return {c: (s, e) for c, s, e in lignes}


def expediteur(service: Service, url: str, **reglages: Any) -> Expediteur:
    service.runner.rattraper()
    return Expediteur(service.lectures, ReglagesEnvoi(url, **{**RAPIDE, **reglages}))


# ------------------------------------------------------------------ one deadline per request


def test_une_reponse_servie_au_goutte_a_goutte_compte_comme_un_delai_depasse(
    app: Cotraitance, acteurs: Acteurs, service: Service, dude: Callable[[Script], DudeHostile]
) -> None:
    """R15: the deadline covers the whole request; the flow is tried again, and delivered."""
    serveur = dude(lambda rang, cle: GOUTTE if rang == 0 else Reponse(200))
    jeunes(app, acteurs, 1)
    envoi = expediteur(service, serveur.url, delai=1.0)
    debut = time.monotonic()
    bilan = envoi.vider(30)
    assert time.monotonic() - debut < 15, "one timeout, not a minute of dribble"
    assert (bilan.acquittes, bilan.reportes) == (1, 1)
    assert envoi.derniere_erreur is not None
    assert envoi.derniere_erreur[1] == "délai dépassé"
    assert {s for s, _ in etats(service).values()} == {"ACQUITTE"}


def test_dude_send_duree_borne_aussi_les_requetes_en_cours(
    app: Cotraitance, acteurs: Acteurs, service: Service, dude: Callable[[Script], DudeHostile]
) -> None:
    """`--duree` is kept even when the request deadline is longer: the flows stay waiting."""
    serveur = dude(lambda rang, cle: GOUTTE)
    jeunes(app, acteurs, 3)
    envoi = expediteur(service, serveur.url, delai=60.0)
    debut = time.monotonic()
    bilan = envoi.vider(1.5)
    assert time.monotonic() - debut < 15
    assert bilan.reportes == 3
    assert set(etats(service).values()) == {("EN_ATTENTE", "délai dépassé")}


def _attendre(condition: Callable[[], bool], delai: float = 30.0) -> bool:
    limite = time.monotonic() + delai
    while time.monotonic() < limite:
        if condition():
            return True
        time.sleep(0.05)
    return False


def _servi(base: Base, app: Cotraitance, tmp_path: Path, **reglages_envoi: Any) -> Service:
    return assembler(base, app, envoi=ReglagesEnvoi(**{**RAPIDE, **reglages_envoi}))


def test_dans_serve_un_dude_au_goutte_a_goutte_ne_bloque_pas_l_envoi_en_fond(
    app: Cotraitance,
    acteurs: Acteurs,
    base: Base,
    dude: Callable[[Script], DudeHostile],
    tmp_path: Path,
) -> None:
    serveur = dude(lambda rang, cle: GOUTTE if rang == 0 else Reponse(200))
    service = _servi(base, app, tmp_path, url=serveur.url, delai=1.0)
    try:
        with TestClient(creer_app(service, reglages_api(reglages(tmp_path)))):
            jeunes(app, acteurs, 1)
            assert _attendre(lambda: {s for s, _ in etats(service).values()} == {"ACQUITTE"})
    finally:
        service.fermer_connexions()


def test_la_sante_dit_quand_l_envoi_en_fond_n_avance_plus(
    app: Cotraitance,
    acteurs: Acteurs,
    base: Base,
    dude: Callable[[Script], DudeHostile],
    tmp_path: Path,
) -> None:
    """A sender whose requests get no answer for longer than its threshold is `bloque` in
    /health, with how long; it is not `ok`."""
    serveur = dude(lambda rang, cle: GOUTTE)
    service = _servi(base, app, tmp_path, url=serveur.url, delai=5.0, sans_progres=1.0)
    try:
        with TestClient(creer_app(service, reglages_api(reglages(tmp_path)))) as client:
            jeunes(app, acteurs, 1)
            vus: list[tuple[int, dict[str, Any]]] = []

            def bloque() -> bool:
                reponse = client.get("/health")
                vus.append((reponse.status_code, reponse.json()["envoiDude"]))
                return vus[-1][1]["etat"] == "bloque"

            assert _attendre(bloque), vus[-1]
            statut, envoi = vus[-1]
            assert envoi["sansProgresDepuisS"] >= 1
            assert statut == 200, "the API still serves; the sender's state is for monitoring"
    finally:
        service.fermer_connexions()


# ------------------------------------------------------------------ Retry-After


def _ecart_apres_le_premier(serveur: DudeHostile) -> float:
    assert len(serveur.recus) >= 2, serveur.recus
    return serveur.recus[1].instant - serveur.recus[0].instant


def test_apres_un_429_plus_aucun_flux_ne_part_avant_le_retry_after(
    app: Cotraitance, acteurs: Acteurs, service: Service, dude: Callable[[Script], DudeHostile]
) -> None:
    """A 429 is for the client as a whole: the next request, of any flow, waits 2 s."""
    trop = Reponse(429, {"Retry-After": "2"})
    serveur = dude(lambda rang, cle: trop if rang == 0 else Reponse(200))
    jeunes(app, acteurs, 3)
    bilan = expediteur(service, serveur.url, lot=1).vider(30)
    assert _ecart_apres_le_premier(serveur) >= 1.9
    assert (bilan.acquittes, bilan.reportes) == (3, 1)
    assert serveur.cles().count(serveur.recus[0].cle) == 2, "the flow itself went again"


def test_un_retry_after_en_date_http_est_honore(
    app: Cotraitance, acteurs: Acteurs, service: Service, dude: Callable[[Script], DudeHostile]
) -> None:
    def script(rang: int, cle: str) -> Reponse:
        if rang == 0:
            return Reponse(429, {"Retry-After": formatdate(time.time() + 3, usegmt=True)})
        return Reponse(200)

    serveur = dude(script)
    jeunes(app, acteurs, 2)
    expediteur(service, serveur.url, lot=1).vider(30)
    assert _ecart_apres_le_premier(serveur) >= 1.5  # an HTTP-date counts whole seconds


def test_un_503_avec_retry_after_remet_l_envoi_a_plus_tard(
    app: Cotraitance, acteurs: Acteurs, service: Service, dude: Callable[[Script], DudeHostile]
) -> None:
    indisponible = Reponse(503, {"Retry-After": "2"})
    serveur = dude(lambda rang, cle: indisponible if rang == 0 else Reponse(200))
    jeunes(app, acteurs, 1)
    bilan = expediteur(service, serveur.url).vider(30)
    assert _ecart_apres_le_premier(serveur) >= 1.9
    assert bilan.acquittes == 1


def test_un_retry_after_absurde_est_plafonne(
    app: Cotraitance, acteurs: Acteurs, service: Service, dude: Callable[[Script], DudeHostile]
) -> None:
    """A Retry-After of three thousand years waits the configured ceiling (here 1.5 s)."""
    absurde = Reponse(429, {"Retry-After": "99999999999"})
    serveur = dude(lambda rang, cle: absurde if rang == 0 else Reponse(200))
    jeunes(app, acteurs, 1)
    bilan = expediteur(service, serveur.url, attente_imposee_max=1.5).vider(30)
    assert bilan.acquittes == 1
    assert 1.4 <= _ecart_apres_le_premier(serveur) < 15


# ------------------------------------------------------------------ 401 / 403


def test_un_401_ne_rejette_aucun_flux_et_suspend_l_envoi(
    app: Cotraitance, acteurs: Acteurs, service: Service, dude: Callable[[Script], DudeHostile]
) -> None:
    """R15: a credential failure is no business decision: no flow REJETE, they all wait, and
    the sender stops at the first refusal instead of trying every flow."""
    serveur = dude(lambda rang, cle: Reponse(401, corps=b'{"code":"JETON","message":"x"}'))
    jeunes(app, acteurs, 5)
    debut = time.monotonic()
    bilan = expediteur(service, serveur.url, lot=1).vider(60)
    assert time.monotonic() - debut < 15, "dude send ends: waiting does not fix credentials"
    assert len(serveur.recus) == 1
    assert bilan.rejetes == 0
    assert bilan.suspension is not None
    assert bilan.suspension.identifiants
    assert {s for s, _ in etats(service).values()} == {"EN_ATTENTE"}


def test_un_403_en_plein_lot_laisse_tous_les_flux_en_attente(
    app: Cotraitance, acteurs: Acteurs, service: Service, dude: Callable[[Script], DudeHostile]
) -> None:
    serveur = dude(lambda rang, cle: Reponse(403))
    jeunes(app, acteurs, 8)
    bilan = expediteur(service, serveur.url).vider(60)
    assert bilan.rejetes == 0
    assert {s for s, _ in etats(service).values()} == {"EN_ATTENTE"}
    assert len(serveur.recus) <= 8


def test_dans_serve_un_401_suspend_l_envoi_la_sante_le_dit_et_l_envoi_reprend(
    app: Cotraitance,
    acteurs: Acteurs,
    base: Base,
    dude: Callable[[Script], DudeHostile],
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """While the DUDE refuses the credentials: /health says `suspendu` and why, the log says
    it, nothing is rejected; once it accepts them again, every flow is delivered."""
    refuse = [True]
    serveur = dude(lambda rang, cle: Reponse(401) if refuse[0] else Reponse(200))
    service = _servi(base, app, tmp_path, url=serveur.url, reprise_identifiants=0.3)
    try:
        with TestClient(creer_app(service, reglages_api(reglages(tmp_path)))) as client:
            jeunes(app, acteurs, 4)
            assert _attendre(lambda: client.get("/health").json()["envoiDude"]["etat"] != "ok")
            envoi = client.get("/health").json()["envoiDude"]
            assert envoi["etat"] == "suspendu"
            assert "HTTP 401" in envoi["suspension"]["raison"]
            assert client.get("/health").status_code == 200
            assert "refuse les identifiants" in caplog.text
            refuse[0] = False
            assert _attendre(lambda: {s for s, _ in etats(service).values()} == {"ACQUITTE"})
            assert _attendre(lambda: client.get("/health").json()["envoiDude"]["etat"] == "ok")
            assert client.get("/health").json()["envoiDude"]["rejetes"] == 0
    finally:
        service.fermer_connexions()


def test_un_rejet_au_corps_trop_imbrique_est_enregistre_et_les_autres_flux_passent(
    app: Cotraitance, acteurs: Acteurs, service: Service, dude: Callable[[Script], DudeHostile]
) -> None:
    """R24: the DUDE's body is outside JSON: read safely, a hostile one is just no reason."""
    hostile = Reponse(400, corps=b"[" * 100_000)
    serveur = dude(lambda rang, cle: hostile if rang == 0 else Reponse(200))
    jeunes(app, acteurs, 3)
    bilan = expediteur(service, serveur.url, lot=1).vider(30)
    assert (bilan.acquittes, bilan.rejetes) == (2, 1)
    assert ("REJETE", "HTTP 400") in etats(service).values()


# ------------------------------------------------------------------ the command


@pytest.fixture
def cli(base: Base, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Base:
    monkeypatch.setenv("COTRAITANCE_DATABASE_URL", base.url)
    monkeypatch.setenv("COTRAITANCE_VAR_DIR", str(tmp_path / "var"))
    return base


def test_dude_send_face_a_des_identifiants_refuses_dit_pourquoi_et_sort_en_4(
    app: Cotraitance,
    acteurs: Acteurs,
    cli: Base,
    dude: Callable[[Script], DudeHostile],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    serveur = dude(lambda rang, cle: Reponse(403))
    monkeypatch.setenv("COTRAITANCE_DUDE_URL", serveur.url)
    jeunes(app, acteurs, 3)
    code, sortie = lancer(capsys, "dude", "send", "--duree", "60")
    assert code == EXIT_SUSPENDU
    assert "envoi suspendu : HTTP 403 : accès refusé par le DUDE" in sortie
    assert "0 rejeté(s)" in sortie


def test_dude_send_duree_tient_face_a_un_dude_qui_repond_au_goutte_a_goutte(
    app: Cotraitance,
    acteurs: Acteurs,
    cli: Base,
    dude: Callable[[Script], DudeHostile],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`dude send --duree 2` with a request deadline of a minute ends in seconds, not minutes;
    the flows still wait (exit code 3)."""
    serveur = dude(lambda rang, cle: GOUTTE)
    monkeypatch.setenv("COTRAITANCE_DUDE_URL", serveur.url)
    monkeypatch.setenv("COTRAITANCE_DUDE_DELAI", "60")
    jeunes(app, acteurs, 2)
    debut = time.monotonic()
    code, sortie = lancer(capsys, "dude", "send", "--duree", "2")
    assert time.monotonic() - debut < 20
    assert code == EXIT_RESTE, sortie
    assert "2 flux encore à livrer" in sortie


def test_un_flux_tente_des_milliers_de_fois_garde_un_recul_borne(
    app: Cotraitance, acteurs: Acteurs, service: Service, dude: Callable[[Script], DudeHostile]
) -> None:
    """Days of refused credentials give a flow thousands of attempts: its next backoff is
    still the ceiling, not an overflow that stops the sender."""
    serveur = dude(lambda rang, cle: Reponse(503))
    jeunes(app, acteurs, 1)
    envoi = expediteur(service, serveur.url)
    with service.ecriture() as cur:
        cur.execute("UPDATE flux_dude SET tentatives = 5000")
    bilan = envoi.vider(1)
    assert bilan.reportes >= 1
    # The last attempt may be cut by vider's own deadline on a loaded machine: either way the
    # flow waits, it is not left claimed by a sender that stopped.
    assert {s for s, _ in etats(service).values()} == {"EN_ATTENTE"}
    assert {e for _, e in etats(service).values()} <= {"HTTP 503", "délai dépassé"}

"""`cotraitance dude pull` against a hostile DUDE (a real HTTP server on 127.0.0.1): whatever a
Mission Locale's pages do — loop, never end, dribble, swell, inflate, carry a record that cannot
be stored —, the command ends within its bounds, says why for that ML in French, and records
the good records of the other pages and MLs (R24, R1). ML000 is the hostile one: pulled first,
so that what comes after it shows the pull went on; ML001 gets its three example records."""

from __future__ import annotations

import json
import logging
import random
import time
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest

from application.magasin.persistance import Base
from cotraitance.cli import main
from cotraitance.imports import EXIT_ECHEC, EXIT_LIGNES_REJETEES
from domain.affectation import Affectation
from tests.dude_hostile import COMPORTEMENTS, MEGA, NOM_SECRET, TAILLE_BOMBE, DUDEHostile, bombe
from tests.import_outils import application, lancer, preparer_cli

HOSTILES = ("ML000", "ML002", "ML003", "ML004", "ML005")
EXEMPLES = ("DUDE-2026-0004512", "DUDE-2026-0004513", "DUDE-2026-0004519")


@pytest.fixture
def base_cli(base: Base, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Base:
    preparer_cli(base, monkeypatch)
    fichier = tmp_path / "hostiles.jsonl"
    lignes = [
        {"codeMissionLocale": code, "nom": f"ML {code}", "communesInsee": ["75056"]}
        for code in HOSTILES
    ]
    fichier.write_text("\n".join(json.dumps(ligne) for ligne in lignes) + "\n")
    assert main(["import", "missions-locales", str(fichier)]) == 0
    return base


@pytest.fixture
def dude(monkeypatch: pytest.MonkeyPatch) -> Iterator[DUDEHostile]:
    serveur = DUDEHostile()
    monkeypatch.setenv("COTRAITANCE_DUDE_AFFECTATIONS_URL", serveur.demarrer())
    yield serveur
    serveur.arreter()


def _enregistrees(base: Base, code_ml: str, *ids: str) -> list[str]:
    with application(base) as app:
        return [ident for ident in ids if Affectation.create_id(code_ml, ident) in app.repository]


def _tirer(
    capsys: pytest.CaptureFixture[str], dude: DUDEHostile, comportement: str, *options: str
) -> tuple[int, str, float]:
    dude.comportements["ML000"] = comportement
    debut = time.monotonic()
    code, sortie = lancer(capsys, "dude", "pull", *options)
    return code, sortie, time.monotonic() - debut


def _ml001_passe(base: Base) -> bool:
    return _enregistrees(base, "ML001", *EXEMPLES) == list(EXEMPLES)


def test_un_cycle_de_curseurs_arrete_la_mission_locale_et_les_autres_passent(
    base_cli: Base, capsys: pytest.CaptureFixture[str], dude: DUDEHostile
) -> None:
    """R24: a → b → a; every cursor seen is remembered, not only the last one."""
    code, sortie, _ = _tirer(capsys, dude, "cycle")
    assert code == EXIT_ECHEC, sortie
    assert "échec : ML000 page 3 : le DUDE renvoie un curseur déjà rendu" in sortie
    assert _enregistrees(base_cli, "ML000", "CYCLE-None", "CYCLE-a", "CYCLE-b") == [
        "CYCLE-None",
        "CYCLE-a",
        "CYCLE-b",
    ]
    assert _ml001_passe(base_cli)


def test_une_chaine_de_pages_sans_fin_s_arrete_au_plafond_de_pages(
    base_cli: Base, capsys: pytest.CaptureFixture[str], dude: DUDEHostile
) -> None:
    code, sortie, _ = _tirer(capsys, dude, "sans_fin", "--pages-max", "5")
    assert code == EXIT_ECHEC, sortie
    assert "échec : ML000 page 6 : plus de 5 pages pour une Mission Locale" in sortie
    pages = [f"PAGE-{n}" for n in range(1, 7)]
    assert _enregistrees(base_cli, "ML000", *pages) == pages[:5]
    assert _ml001_passe(base_cli)


def test_un_dude_qui_distille_ses_octets_est_coupe_au_delai_de_la_page(
    base_cli: Base, capsys: pytest.CaptureFixture[str], dude: DUDEHostile
) -> None:
    """A byte every 0.2 s never trips a per-read timeout: the page has a deadline of its own."""
    code, sortie, duree = _tirer(capsys, dude, "goutte", "--delai-page", "2")
    assert code == EXIT_ECHEC, sortie
    assert "échec : ML000 page 1 : délai dépassé (la page n'est pas arrivée en 2 s)" in sortie
    assert duree < 30
    assert _ml001_passe(base_cli)


def test_des_entetes_distilles_sont_coupes_au_delai_de_la_page(
    base_cli: Base, capsys: pytest.CaptureFixture[str], dude: DUDEHostile
) -> None:
    """The deadline holds on every read of the socket, the headers' as well as the body's."""
    code, sortie, duree = _tirer(capsys, dude, "goutte_entetes", "--delai-page", "2")
    assert code == EXIT_ECHEC, sortie
    assert "échec : ML000 page 1 : délai dépassé (la page n'est pas arrivée en 2 s)" in sortie
    assert duree < 30
    assert _ml001_passe(base_cli)


def test_la_duree_maximale_de_la_commande_arrete_chaque_mission_locale_restante(
    base_cli: Base, capsys: pytest.CaptureFixture[str], dude: DUDEHostile
) -> None:
    code, sortie, duree = _tirer(capsys, dude, "goutte", "--delai-page", "60", "--duree", "3")
    assert code == EXIT_ECHEC, sortie
    assert "échec : ML000 page 1 : durée maximale de la commande atteinte (3 s)" in sortie
    for suivante in ("ML001", *HOSTILES[1:]):
        assert f"échec : {suivante} page 1 : durée maximale de la commande atteinte" in sortie
    assert duree < 30


def test_une_reponse_trop_grosse_est_coupee_pendant_la_lecture(
    base_cli: Base, capsys: pytest.CaptureFixture[str], dude: DUDEHostile
) -> None:
    """A 200 MB page with no announced length: reading stops past the bound (pages of 500
    records of at most 10 kB, and a margin), the rest is never asked for."""
    code, sortie, _ = _tirer(capsys, dude, "enorme")
    assert code == EXIT_ECHEC, sortie
    assert "échec : ML000 page 1 : réponse trop grosse (plus de 6 Mo)" in sortie
    assert dude.octets_envoyes < 40 * MEGA
    assert _ml001_passe(base_cli)


def test_une_reponse_annoncee_trop_grosse_est_refusee_sans_l_attendre(
    base_cli: Base, capsys: pytest.CaptureFixture[str], dude: DUDEHostile
) -> None:
    code, sortie, duree = _tirer(capsys, dude, "annonce_enorme", "--delai-page", "20")
    assert code == EXIT_ECHEC, sortie
    assert "échec : ML000 page 1 : réponse trop grosse (plus de 6 Mo)" in sortie
    assert duree < 10
    assert _ml001_passe(base_cli)


def test_une_bombe_gzip_est_bornee_pendant_la_decompression(
    base_cli: Base, capsys: pytest.CaptureFixture[str], dude: DUDEHostile
) -> None:
    """200 kB that inflate to 200 MB: the bound is on the inflated bytes, checked as they come,
    so the process never holds more than a few of them."""
    assert len(bombe()) < TAILLE_BOMBE // 500
    tracemalloc.start()
    try:
        code, sortie, _ = _tirer(capsys, dude, "bombe")
        _, pic = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert code == EXIT_ECHEC, sortie
    assert "échec : ML000 page 1 : réponse trop grosse (plus de 6 Mo)" in sortie
    assert pic < 64 * MEGA
    assert _ml001_passe(base_cli)


def test_un_enregistrement_a_caractere_isole_est_rejete_par_sa_place_et_la_page_passe(
    base_cli: Base, capsys: pytest.CaptureFixture[str], dude: DUDEHostile
) -> None:
    """R24: a lone surrogate (``\\ud800``) cannot be stored; its record alone is rejected."""
    code, sortie, _ = _tirer(capsys, dude, "surrogate")
    assert code == EXIT_LIGNES_REJETEES, sortie
    assert (
        "rejet ML000 page 1, enregistrement 2 : JSON invalide (un texte contient un caractère "
        "isolé" in sortie
    )
    assert _enregistrees(base_cli, "ML000", "SUR-1", "SUR-2", "SUR-3") == ["SUR-1", "SUR-3"]
    assert _ml001_passe(base_cli)


def test_un_enregistrement_trop_imbrique_est_rejete_par_sa_place_et_la_page_passe(
    base_cli: Base, capsys: pytest.CaptureFixture[str], dude: DUDEHostile
) -> None:
    code, sortie, _ = _tirer(capsys, dude, "enregistrement_profond")
    assert code == EXIT_LIGNES_REJETEES, sortie
    assert "rejet ML000 page 1, enregistrement 2 : JSON trop imbriqué" in sortie
    assert _enregistrees(base_cli, "ML000", "EP-1", "EP-2", "EP-3") == ["EP-1", "EP-3"]
    assert _ml001_passe(base_cli)


def test_une_page_imbriquee_sur_mille_niveaux_arrete_cette_mission_locale_seule(
    base_cli: Base, capsys: pytest.CaptureFixture[str], dude: DUDEHostile
) -> None:
    """Too deep to be parsed at all: no cursor to go on with, so this ML stops, with why."""
    code, sortie, _ = _tirer(capsys, dude, "profond")
    assert code == EXIT_ECHEC, sortie
    assert "échec : ML000 page 1 : réponse illisible (JSON trop imbriqué" in sortie
    assert _ml001_passe(base_cli)


def test_une_page_qui_n_est_pas_du_json_arrete_cette_mission_locale_seule(
    base_cli: Base, capsys: pytest.CaptureFixture[str], dude: DUDEHostile
) -> None:
    code, sortie, _ = _tirer(capsys, dude, "pas_json")
    assert code == EXIT_ECHEC, sortie
    assert "échec : ML000 page 1 : réponse illisible (JSON invalide" in sortie
    assert NOM_SECRET not in sortie
    assert _ml001_passe(base_cli)


def test_une_page_json_sans_la_forme_attendue_arrete_cette_mission_locale_seule(
    base_cli: Base, capsys: pytest.CaptureFixture[str], dude: DUDEHostile
) -> None:
    code, sortie, _ = _tirer(capsys, dude, "mauvaise_forme")
    assert code == EXIT_ECHEC, sortie
    assert "échec : ML000 page 1 : réponse illisible (attendu {affectations: [...], suivant})" in (
        sortie
    )
    assert _ml001_passe(base_cli)


def test_une_erreur_5xx_est_dite_sans_recopier_le_corps_de_la_reponse(
    base_cli: Base, capsys: pytest.CaptureFixture[str], dude: DUDEHostile
) -> None:
    """The body of an error page may hold anything, personal data included (R23)."""
    code, sortie, _ = _tirer(capsys, dude, "5xx")
    assert code == EXIT_ECHEC, sortie
    assert "échec : ML000 page 1 : le DUDE a répondu 503" in sortie
    assert NOM_SECRET not in sortie
    assert _ml001_passe(base_cli)


def test_le_code_d_une_erreur_du_dude_est_dit_mais_pas_son_message(
    base_cli: Base, capsys: pytest.CaptureFixture[str], dude: DUDEHostile
) -> None:
    """The DUDE's ``{code, message}``: the code helps whoever runs the pull; the message is
    free text and may hold personal data (R23)."""
    code, sortie, _ = _tirer(capsys, dude, "4xx_code")
    assert code == EXIT_ECHEC, sortie
    assert "échec : ML000 page 1 : le DUDE a répondu 404 (ML_INCONNUE)" in sortie
    assert NOM_SECRET not in sortie
    assert _ml001_passe(base_cli)


ATTENDU = {
    "vide": None,
    "cycle": "échec : {ml} page 3 : le DUDE renvoie un curseur déjà rendu",
    "sans_fin": "échec : {ml} page 4 : plus de 3 pages",
    "goutte": "échec : {ml} page 1 : délai dépassé",
    "goutte_entetes": "échec : {ml} page 1 : délai dépassé",
    "enorme": "échec : {ml} page 1 : réponse trop grosse",
    "bombe": "échec : {ml} page 1 : réponse trop grosse",
    "surrogate": "rejet {ml} page 1, enregistrement 2 : JSON invalide",
    "profond": "échec : {ml} page 1 : réponse illisible (JSON trop imbriqué",
    "enregistrement_profond": "rejet {ml} page 1, enregistrement 2 : JSON trop imbriqué",
    "pas_json": "échec : {ml} page 1 : réponse illisible (JSON invalide",
    "mauvaise_forme": "échec : {ml} page 1 : réponse illisible (attendu",
    "5xx": "échec : {ml} page 1 : le DUDE a répondu 503",
    "4xx_code": "échec : {ml} page 1 : le DUDE a répondu 404 (ML_INCONNUE)",
    "annonce_enorme": "échec : {ml} page 1 : réponse trop grosse",
}


def test_un_melange_tire_au_hasard_finit_dans_ses_bornes_avec_une_raison_par_ml(
    base_cli: Base, capsys: pytest.CaptureFixture[str], dude: DUDEHostile
) -> None:
    """Five hostile MLs, each a behaviour drawn with a fixed seed, through the same server."""
    tirage = random.Random(14).sample(COMPORTEMENTS, len(HOSTILES))
    dude.comportements.update(zip(HOSTILES, tirage, strict=True))
    debut = time.monotonic()
    code, sortie = lancer(capsys, "dude", "pull", "--pages-max", "3", "--delai-page", "2")
    assert time.monotonic() - debut < 90
    assert code in (EXIT_ECHEC, EXIT_LIGNES_REJETEES), sortie
    for ml, comportement in zip(HOSTILES, tirage, strict=True):
        attendu = ATTENDU[comportement]
        assert attendu is None or attendu.format(ml=ml) in sortie, (comportement, sortie)
    assert _ml001_passe(base_cli)


def test_rien_d_un_enregistrement_n_est_journalise_ni_affiche(
    base_cli: Base,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
    dude: DUDEHostile,
) -> None:
    """R23: reasons name a place and a field, never a value; an error page is not echoed."""
    dude.comportements.update({"ML002": "5xx", "ML003": "pas_json", "ML004": "surrogate"})
    caplog.set_level(logging.DEBUG)
    code, sortie, _ = _tirer(capsys, dude, "enregistrement_profond")
    assert code == EXIT_ECHEC, sortie
    assert "rejet ML004 page 1, enregistrement 2" in sortie
    assert NOM_SECRET not in sortie
    assert NOM_SECRET not in caplog.text
    assert "Zébulonne" not in sortie + caplog.text


@pytest.mark.parametrize(
    ("option", "valeur", "raison"),
    [
        ("--limite", "0", "nombre strictement positif attendu"),
        ("--limite", "5000", "au plus 1000"),
        ("--pages-max", "0", "nombre strictement positif attendu"),
        ("--delai-page", "abc", "nombre de secondes attendu"),
        ("--duree", "-1", "de 0 à 604800 secondes"),
    ],
)
def test_une_borne_invalide_est_refusee_avant_toute_requete(
    capsys: pytest.CaptureFixture[str], option: str, valeur: str, raison: str
) -> None:
    """A page of 0 records would never end; a page of 5000 would lift the body's bound."""
    with pytest.raises(SystemExit) as sortie:
        main(["dude", "pull", option, valeur])
    assert sortie.value.code == 2
    erreur = capsys.readouterr().err
    assert option in erreur
    assert raison in erreur

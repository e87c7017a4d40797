"""Rejected rows in bounded memory (R24): the summary lists the first rejections and counts the
others; ``--rejets FICHIER`` receives every one of them (line, place, reason), in CSV or JSON
Lines; the good rows go through all the same. The figures at scale (a 200 MB file of bad rows)
are in docs/benchmarks.md."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from application.magasin.persistance import Base
from cotraitance.imports import EXIT_ECHEC, EXIT_LIGNES_REJETEES
from cotraitance.rejets import GARDES
from integrations.dude.simulateur import Simulateur, SimulateurEnFond
from tests.import_outils import (
    AFFECTATIONS_JSONL,
    DOSSIERS_JSONL,
    EXEMPLE_ML,
    ecrire,
    exemples_json,
    lancer,
    position,
    preparer_cli,
)

MAUVAISES = 1_000


@pytest.fixture
def base_cli(base: Base, monkeypatch: pytest.MonkeyPatch) -> Base:
    return preparer_cli(base, monkeypatch)


def _fichier(tmp_path: Path, modele: Path, cle: str) -> Path:
    """A good row first and last, ``MAUVAISES`` rows of bad JSON between them."""
    bonne = exemples_json(modele)[0]
    lignes = [
        json.dumps({**bonne, cle: "BON-1"}),
        *(f'{{"{cle}": "KO-{n}", ' for n in range(MAUVAISES)),
        json.dumps({**bonne, cle: "BON-2"}),
    ]
    return ecrire(tmp_path / "lot.jsonl", lignes)


def _rejets_montres(sortie: str) -> list[int]:
    return [int(ligne.split()[2]) for ligne in sortie.splitlines() if ligne.startswith("  rejet")]


def test_le_bilan_montre_les_premiers_rejets_et_compte_les_autres(
    base_cli: Base, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    fichier = _fichier(tmp_path, DOSSIERS_JSONL, "idDossier")
    code, sortie = lancer(capsys, "import", "dossiers", str(fichier))
    assert code == EXIT_LIGNES_REJETEES
    assert f"{MAUVAISES + 2} dossier(s) lu(s) : 2 nouveau(x)" in sortie
    assert f"{MAUVAISES} rejeté(s)" in sortie
    assert _rejets_montres(sortie) == list(range(2, 2 + GARDES))
    autres = MAUVAISES - GARDES
    assert f"… et {autres} autre(s) rejet(s) (--rejets FICHIER pour les avoir tous)" in sortie
    assert len(sortie) < 200 * GARDES


def test_le_fichier_de_rejets_json_lines_les_a_tous(
    base_cli: Base, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    fichier = _fichier(tmp_path, AFFECTATIONS_JSONL, "idAffectation")
    rejets = tmp_path / "rejets.jsonl"
    code, sortie = lancer(capsys, "import", "affectations", str(fichier), "--rejets", str(rejets))
    assert code == EXIT_LIGNES_REJETEES
    assert "2 nouvelle(s)" in sortie
    assert f"(tous dans {rejets})" in sortie
    ecrits = [json.loads(ligne) for ligne in rejets.read_text(encoding="utf-8").splitlines()]
    assert [e["ligne"] for e in ecrits] == list(range(2, 2 + MAUVAISES))
    assert set(ecrits[0]) == {"ligne", "lieu", "raison"}
    assert ecrits[0]["lieu"] == "ligne 2"
    assert all(e["raison"].startswith("JSON invalide") for e in ecrits)


def test_le_fichier_de_rejets_csv_les_a_tous_avec_un_en_tete(
    base_cli: Base, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    fichier = _fichier(tmp_path, DOSSIERS_JSONL, "idDossier")
    rejets = tmp_path / "rejets.csv"
    code, _ = lancer(capsys, "import", "dossiers", str(fichier), "--rejets", str(rejets))
    assert code == EXIT_LIGNES_REJETEES
    with rejets.open(encoding="utf-8", newline="") as lu:
        lignes = list(csv.reader(lu, delimiter=";"))
    assert lignes[0] == ["ligne", "lieu", "raison"]
    assert [int(ligne[0]) for ligne in lignes[1:]] == list(range(2, 2 + MAUVAISES))
    assert all(ligne[2].startswith("JSON invalide") for ligne in lignes[1:])


def test_le_fichier_de_rejets_des_missions_locales_les_a_tous(
    base_cli: Base, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    fichier = ecrire(
        tmp_path / "ml.jsonl",
        ["{pas du json"] * 150 + [EXEMPLE_ML.read_text(encoding="utf-8").strip()],
    )
    rejets = tmp_path / "rejets.jsonl"
    code, sortie = lancer(
        capsys, "import", "missions-locales", str(fichier), "--rejets", str(rejets)
    )
    assert code == EXIT_LIGNES_REJETEES
    assert "1 inchangée(s), 150 rejetée(s)" in sortie
    assert len(_rejets_montres(sortie)) == GARDES
    assert len(rejets.read_text(encoding="utf-8").splitlines()) == 150


def test_un_fichier_de_rejets_impossible_a_ecrire_arrete_avant_tout_chargement(
    base_cli: Base, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    fichier = _fichier(tmp_path, DOSSIERS_JSONL, "idDossier")
    avant = position(base_cli)
    ailleurs = tmp_path / "absent" / "rejets.csv"
    code, sortie = lancer(capsys, "import", "dossiers", str(fichier), "--rejets", str(ailleurs))
    assert code == EXIT_ECHEC
    assert f"le fichier de rejets {ailleurs} ne peut pas être écrit" in sortie
    assert position(base_cli) == avant


def test_dude_pull_ecrit_aussi_tous_ses_rejets_avec_leur_place(
    base_cli: Base,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The summary `dude pull` shares with the imports: bounded too, each rejection written
    with its place in the DUDE's pages."""
    simulateur = Simulateur()
    bonne = exemples_json(AFFECTATIONS_JSONL)[0]
    simulateur.ajouter_affectations(
        [{**bonne, "idAffectation": f"KO-{n}", "nom": None} for n in range(150)]
    )
    serveur = SimulateurEnFond(simulateur)
    monkeypatch.setenv("COTRAITANCE_DUDE_URL", f"{serveur.demarrer()}/flux")
    rejets = tmp_path / "rejets.jsonl"
    try:
        code, sortie = lancer(capsys, "dude", "pull", "--limite", "50", "--rejets", str(rejets))
    finally:
        serveur.arreter()
    assert code == EXIT_LIGNES_REJETEES
    assert "150 rejetée(s)" in sortie
    assert len([ligne for ligne in sortie.splitlines() if ligne.startswith("  rejet")]) == GARDES
    ecrits = [json.loads(ligne) for ligne in rejets.read_text(encoding="utf-8").splitlines()]
    assert len(ecrits) == 150
    assert ecrits[-1]["lieu"] == "ML001 page 3, enregistrement 50"
    assert ecrits[-1]["raison"] == "champ nom manquant ou vide"


@pytest.mark.parametrize(
    ("commande", "modele", "cle"),
    [
        ("affectations", AFFECTATIONS_JSONL, "idAffectation"),
        ("dossiers", DOSSIERS_JSONL, "idDossier"),
    ],
)
def test_un_fichier_de_rejets_qui_est_le_fichier_lu_est_refuse_sans_l_effacer(
    base_cli: Base,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    commande: str,
    modele: Path,
    cle: str,
) -> None:
    """R24: opening the input for writing would empty it before it is read."""
    fichier = _fichier(tmp_path, modele, cle)
    avant = fichier.read_bytes()
    autre_nom = tmp_path / "." / fichier.name
    code, sortie = lancer(capsys, "import", commande, str(fichier), "--rejets", str(autre_nom))
    assert code == EXIT_ECHEC
    assert "est le fichier lu" in sortie
    assert fichier.read_bytes() == avant


def test_un_fichier_de_rejets_qui_ne_s_ecrit_plus_n_arrete_pas_le_chargement(
    base_cli: Base, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A full disk under the rejection file: the good rows still go in, and the summary says
    the file is incomplete (and which one), instead of a bare 'disque plein'."""
    fichier = _fichier(tmp_path, DOSSIERS_JSONL, "idDossier")
    code, sortie = lancer(capsys, "import", "dossiers", str(fichier), "--rejets", "/dev/full")
    assert code == EXIT_LIGNES_REJETEES
    assert "2 nouveau(x)" in sortie
    assert "le fichier de rejets /dev/full est incomplet" in sortie
    assert "disque plein" in sortie


def test_une_valeur_rejetee_s_affiche_echappee_sans_agir_sur_le_terminal(
    base_cli: Base, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A rejected value is shown in the summary as text: a line feed cannot forge a summary
    line, an escape sequence cannot clear the screen."""
    bonne = exemples_json(AFFECTATIONS_JSONL)[0]
    hostile = "X\n9 FAUX\x1b[2JY"
    fichier = ecrire(tmp_path / "a.jsonl", [json.dumps({**bonne, "typeAffectation": hostile})])
    code, sortie = lancer(capsys, "import", "affectations", str(fichier))
    assert code == EXIT_LIGNES_REJETEES
    assert "\x1b" not in sortie
    assert not [ligne for ligne in sortie.splitlines() if ligne.startswith("9 FAUX")]
    assert "X\\n9 FAUX\\x1b[2JY" in sortie

"""`cotraitance evaluate-matching DIR` on a generated population: the engine against the truth,
with its baseline (issue figures; the full-size ones are in bench/matching.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cotraitance.cli import main
from cotraitance.evaluation import charger, evaluer, evaluer_reference, resume
from cotraitance.population import Parametres, generer


@pytest.fixture(scope="module")
def population(tmp_path_factory: pytest.TempPathFactory) -> Path:
    repertoire = tmp_path_factory.mktemp("population")
    generer(repertoire, Parametres(dossiers=8_000, affectations=1_500, graine=3))
    return repertoire


def test_le_moteur_tient_ses_objectifs_et_bat_la_reference(population: Path) -> None:
    pop = charger(population)
    moteur, reference = resume(evaluer(pop)), resume(evaluer_reference(pop))
    assert moteur["false_auto_match_rate"] <= 0.003  # 0.1% at full size; a few on 1,500 here
    assert moteur["duplicates_created_rate"] <= 0.01
    assert moteur["review_rate"] <= 0.15
    assert moteur["blocking_recall"] >= 0.995
    # The baseline misses what exact birth-date blocking cannot see (day/month, typos).
    assert reference["blocking_recall"] < moteur["blocking_recall"]
    assert reference["duplicates_created_rate"] > moteur["duplicates_created_rate"]


def test_la_commande_affiche_les_taux_et_une_ligne_json(
    population: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["evaluate-matching", str(population), "--estimer", "--json"]) == 0
    sortie = capsys.readouterr().out
    assert "faux rapprochements automatiques" in sortie
    assert "paramètres mesurés sur la population" in sortie
    figures = json.loads(sortie.strip().splitlines()[-1])
    assert set(figures) == {"engine", "baseline"}
    assert figures["engine"]["blocking_recall"] >= 0.995


def test_un_dossier_sans_population_est_refuse_clairement(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["evaluate-matching", str(tmp_path)]) == 1
    assert "cotraitance demo-data" in capsys.readouterr().err


def test_une_ligne_json_hostile_est_comptee_illisible_et_l_evaluation_va_au_bout(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """R24: a line nested too deep or with an over-long integer, in any of the three files,
    is counted unreadable; the other lines are evaluated."""
    generer(tmp_path, Parametres(dossiers=300, affectations=60, graine=5))
    hostiles = {
        "dossiers.jsonl": '{"idDossier": ' + "[" * 5000 + "]" * 5000 + "}",
        "affectations.jsonl": '{"idAffectation": ' + "9" * 5000 + "}",
        "verite.jsonl": "[" * 5000 + "]" * 5000,
    }
    for nom, hostile in hostiles.items():
        with (tmp_path / nom).open("a", encoding="utf-8") as fichier:
            fichier.write(hostile + "\n")
    assert main(["evaluate-matching", str(tmp_path)]) == 0
    sortie = capsys.readouterr().out
    assert "300 dossier(s) indexé(s)" in sortie
    assert "3 ligne(s) illisible(s)" in sortie

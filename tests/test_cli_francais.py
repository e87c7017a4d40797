"""The command line speaks French and never shows a traceback (R24): argparse's own messages,
argument types, and files that cannot be written."""

from __future__ import annotations

from pathlib import Path

import pytest

from cotraitance.cli import main

ANGLAIS = ("invalid choice", "the following arguments", "unrecognized arguments", "usage:",
           "error:", "invalid int value", "Traceback", "show this help")  # fmt: skip


def _erreur(capsys: pytest.CaptureFixture[str], argv: list[str]) -> str:
    with pytest.raises(SystemExit) as fin:
        main(argv)
    assert fin.value.code == 2
    sortie = capsys.readouterr()
    texte = sortie.out + sortie.err
    assert not [mot for mot in ANGLAIS if mot in texte], texte
    return texte


@pytest.mark.parametrize(
    ("argv", "attendu"),
    [
        (["projections", "rebuild", "inconnu"], "choix invalide : 'inconnu'"),
        (["demo-data"], "arguments obligatoires manquants"),
        (["serve", "--inconnu"], "arguments inconnus : --inconnu"),
        (["demo-data", "x", "--seed", "abc"], "nombre entier attendu : 'abc'"),
        (["demo-data", "x", "--dossiers", "-3"], "nombre positif ou nul attendu : -3"),
        (["demo-data", "x", "--date-reference", "2026-13-01"], "date AAAA-MM-JJ attendue"),
        (["dude", "send", "--duree", "nan"], "nombre fini attendu"),
        (["import", "dossiers", "f.jsonl", "--lot", "0"], "nombre strictement positif"),
    ],
)
def test_une_erreur_de_ligne_de_commande_est_dite_en_francais(
    capsys: pytest.CaptureFixture[str], argv: list[str], attendu: str
) -> None:
    texte = _erreur(capsys, argv)
    assert attendu in texte
    assert "usage : cotraitance" in texte


def test_l_aide_est_en_francais(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as fin:
        main(["--help"])
    assert fin.value.code == 0
    texte = capsys.readouterr().out
    assert "afficher cette aide et quitter" in texte
    assert "usage : cotraitance" in texte


def test_demo_data_vers_un_fichier_existant_dit_qu_un_dossier_est_attendu(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    fichier = tmp_path / "deja-la"
    fichier.write_text("garder", encoding="utf-8")
    assert main(["demo-data", str(fichier), "--dossiers", "5", "--affectations", "1"]) == 1
    erreur = capsys.readouterr().err
    assert "un dossier est attendu" in erreur
    assert "Traceback" not in erreur
    assert fichier.read_text(encoding="utf-8") == "garder"


def test_demo_data_vers_un_chemin_impossible_dit_pourquoi(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    fichier = tmp_path / "fichier"
    fichier.write_text("", encoding="utf-8")
    assert main(["demo-data", str(fichier / "sous"), "--dossiers", "5", "--affectations", "1"]) == 1
    erreur = capsys.readouterr().err
    assert "impossible d'écrire la population" in erreur
    assert "n'est pas un dossier" in erreur
    assert "Traceback" not in erreur


def test_demo_data_ne_remplace_pas_les_fichiers_d_un_dossier_sans_ecraser(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A folder that already holds an affectations.jsonl (the ML's own, say) is left as it is."""
    a_moi = tmp_path / "affectations.jsonl"
    a_moi.write_text('{"a moi": true}\n', encoding="utf-8")
    assert main(["demo-data", str(tmp_path), "--dossiers", "5", "--affectations", "1"]) == 1
    assert "contient déjà affectations.jsonl" in capsys.readouterr().err
    assert a_moi.read_text(encoding="utf-8") == '{"a moi": true}\n'
    argv = ["demo-data", str(tmp_path), "--dossiers", "5", "--affectations", "1", "--ecraser"]
    assert main(argv) == 0
    assert a_moi.read_text(encoding="utf-8") != '{"a moi": true}\n'


def test_un_port_hors_bornes_est_refuse_en_francais(capsys: pytest.CaptureFixture[str]) -> None:
    texte = _erreur(capsys, ["serve", "--port", "99999"])
    assert "port de 1 à 65535 attendu : 99999" in texte


def test_une_base_sqlite_illisible_ou_un_dossier_est_dit_en_francais(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    illisible = tmp_path / "illisible.db"
    illisible.write_bytes(b"pas une base SQLite" * 300)
    monkeypatch.setenv("COTRAITANCE_DATABASE_URL", f"sqlite:///{illisible}")
    assert main(["projections", "status"]) == 1
    assert "la base SQLite est illisible" in capsys.readouterr().err
    monkeypatch.setenv("COTRAITANCE_DATABASE_URL", f"sqlite:///{tmp_path}")
    assert main(["projections", "status"]) == 1
    assert "est un dossier" in capsys.readouterr().err
    monkeypatch.setenv("COTRAITANCE_DATABASE_URL", "postgresql://u@h/db?schema=x;drop")
    assert main(["projections", "status"]) == 1
    assert "schéma PostgreSQL invalide" in capsys.readouterr().err

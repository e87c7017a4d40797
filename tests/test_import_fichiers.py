"""What a file given to an import looks like, said before any row is read (R24): a file that
cannot hold rows (a directory, a pipe, a device, an empty, UTF-16 or binary file), or is not in
the format asked for, is refused as a whole with a French reason and exit code 1, nothing
recorded and no row reported as "JSON invalide"."""

from __future__ import annotations

import gzip
import os
from pathlib import Path

import pytest

from application.magasin.persistance import Base
from cotraitance.imports import EXIT_ECHEC, EXIT_LIGNES_REJETEES
from tests.import_outils import (
    AFFECTATIONS_CSV,
    AFFECTATIONS_JSONL,
    DOSSIERS_JSONL,
    EXEMPLE_ML,
    lancer,
    position,
    preparer_cli,
)

IMPORTS = {
    "affectations": AFFECTATIONS_JSONL,
    "dossiers": DOSSIERS_JSONL,
    "missions-locales": EXEMPLE_ML,
}


@pytest.fixture
def base_cli(base_sqlite: Base, monkeypatch: pytest.MonkeyPatch) -> Base:
    return preparer_cli(base_sqlite, monkeypatch)


def _refuse(base: Base, capsys: pytest.CaptureFixture[str], quoi: str, *args: str) -> str:
    """The import refused the file with exit code 1 and recorded nothing; what it said."""
    avant = position(base)
    code, sortie = lancer(capsys, "import", quoi, *args)
    assert code == EXIT_ECHEC, sortie
    assert position(base) == avant
    assert "Traceback" not in sortie
    assert "JSON invalide" not in sortie
    return sortie


@pytest.mark.parametrize("quoi", list(IMPORTS))
def test_un_repertoire_est_refuse_comme_tel(
    base_cli: Base, capsys: pytest.CaptureFixture[str], tmp_path: Path, quoi: str
) -> None:
    sortie = _refuse(base_cli, capsys, quoi, str(tmp_path))
    assert "est un répertoire, pas un fichier" in sortie


@pytest.mark.parametrize("quoi", list(IMPORTS))
def test_un_tube_est_refuse_sans_attendre_qu_on_y_ecrive(
    base_cli: Base, capsys: pytest.CaptureFixture[str], tmp_path: Path, quoi: str
) -> None:
    """Opening a FIFO for reading blocks until a writer comes: it is never opened."""
    tube = tmp_path / "tube.jsonl"
    os.mkfifo(tube)
    sortie = _refuse(base_cli, capsys, quoi, str(tube))
    assert "n'est pas un fichier ordinaire (tube)" in sortie


def test_un_peripherique_sans_fin_est_refuse(
    base_cli: Base, capsys: pytest.CaptureFixture[str]
) -> None:
    sortie = _refuse(base_cli, capsys, "affectations", "/dev/zero", "--format", "jsonl")
    assert "n'est pas un fichier ordinaire (périphérique)" in sortie


@pytest.mark.parametrize("quoi", list(IMPORTS))
@pytest.mark.parametrize("contenu", [b"", b"\n\r\n  \n"], ids=["zero-octet", "lignes-vides"])
def test_un_fichier_vide_le_dit(
    base_cli: Base, capsys: pytest.CaptureFixture[str], tmp_path: Path, quoi: str, contenu: bytes
) -> None:
    fichier = tmp_path / "vide.jsonl"
    fichier.write_bytes(contenu)
    sortie = _refuse(base_cli, capsys, quoi, str(fichier))
    assert "le fichier est vide" in sortie


@pytest.mark.parametrize("quoi", list(IMPORTS))
@pytest.mark.parametrize("encodage", ["utf-16", "utf-16-be"])
def test_un_fichier_utf16_est_refuse_en_disant_son_encodage(
    base_cli: Base, capsys: pytest.CaptureFixture[str], tmp_path: Path, quoi: str, encodage: str
) -> None:
    """With a BOM (utf-16) or without (utf-16-be): its NUL bytes tell it either way."""
    fichier = tmp_path / "utf16.jsonl"
    fichier.write_bytes(IMPORTS[quoi].read_text(encoding="utf-8").encode(encodage))
    sortie = _refuse(base_cli, capsys, quoi, str(fichier))
    assert "le fichier semble être en UTF-16" in sortie
    assert "enregistrez-le en UTF-8" in sortie


@pytest.mark.parametrize("quoi", list(IMPORTS))
def test_un_fichier_compresse_est_refuse_en_le_disant(
    base_cli: Base, capsys: pytest.CaptureFixture[str], tmp_path: Path, quoi: str
) -> None:
    fichier = tmp_path / "lot.jsonl"
    fichier.write_bytes(gzip.compress(IMPORTS[quoi].read_bytes()))
    sortie = _refuse(base_cli, capsys, quoi, str(fichier))
    assert "le fichier semble compressé (gzip) : décompressez-le" in sortie


def test_un_fichier_binaire_est_refuse_comme_binaire(
    base_cli: Base, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    fichier = tmp_path / "image.jsonl"
    fichier.write_bytes(bytes(range(256)) * 40)
    sortie = _refuse(base_cli, capsys, "affectations", str(fichier))
    assert "le fichier semble binaire" in sortie


def test_un_csv_lu_comme_json_lines_est_refuse_en_disant_qu_il_ressemble_a_du_csv(
    base_cli: Base, capsys: pytest.CaptureFixture[str]
) -> None:
    sortie = _refuse(base_cli, capsys, "affectations", str(AFFECTATIONS_CSV), "--format", "jsonl")
    assert "le fichier ressemble à du CSV" in sortie
    assert "--format csv" in sortie


def test_un_json_lines_lu_comme_csv_est_refuse_en_disant_qu_il_ressemble_a_du_json_lines(
    base_cli: Base, capsys: pytest.CaptureFixture[str]
) -> None:
    sortie = _refuse(base_cli, capsys, "affectations", str(AFFECTATIONS_JSONL), "--format", "csv")
    assert "le fichier ressemble à du JSON Lines" in sortie
    assert "--format jsonl" in sortie


@pytest.mark.parametrize("quoi", ["dossiers", "missions-locales"])
def test_un_csv_donne_a_un_import_json_lines_est_refuse_comme_csv(
    base_cli: Base, capsys: pytest.CaptureFixture[str], tmp_path: Path, quoi: str
) -> None:
    fichier = tmp_path / "export.jsonl"
    fichier.write_bytes(AFFECTATIONS_CSV.read_bytes())
    sortie = _refuse(base_cli, capsys, quoi, str(fichier))
    assert "le fichier ressemble à du CSV" in sortie
    assert "JSON Lines attendu" in sortie


def test_un_octet_nul_egare_ne_rejette_que_sa_ligne(
    base_cli: Base, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """R24: a text file with one stray control byte is not "binary": that row is rejected, the
    good ones go through."""
    bonnes = AFFECTATIONS_JSONL.read_bytes().splitlines()
    fichier = tmp_path / "a.jsonl"
    fichier.write_bytes(b"\n".join([bonnes[0], b'{"idAffectation": "\x00"}', *bonnes[1:]]) + b"\n")
    code, sortie = lancer(capsys, "import", "affectations", str(fichier))
    assert code == EXIT_LIGNES_REJETEES
    assert "4 affectation(s) reçue(s) : 3 nouvelle(s)" in sortie
    assert "rejet ligne 2 : JSON invalide" in sortie

"""What the intake tests share: the CLI on the test's store (SQLite or PostgreSQL) with the
example ML loaded, files written in a chosen encoding, the application to look at the result."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from application.magasin.persistance import Base
from application.service import Cotraitance
from cotraitance.cli import main
from cotraitance.racine import ports

RACINE = Path(__file__).resolve().parent.parent
DONNEES = Path(__file__).resolve().parent / "donnees"
EXEMPLE_ML = RACINE / "examples" / "missions-locales.jsonl"
AFFECTATIONS_JSONL = DONNEES / "affectations.exemple.jsonl"
AFFECTATIONS_CSV = DONNEES / "affectations.exemple.csv"
DOSSIERS_JSONL = DONNEES / "dossiers.exemple.jsonl"


def preparer_cli(base: Base, monkeypatch: pytest.MonkeyPatch) -> Base:
    """The CLI works on the test's store, where the example ML (ML001) is loaded."""
    monkeypatch.setenv("COTRAITANCE_DATABASE_URL", base.url)
    monkeypatch.delenv("COTRAITANCE_DUDE_URL", raising=False)
    monkeypatch.delenv("COTRAITANCE_DUDE_AFFECTATIONS_URL", raising=False)
    assert main(["import", "missions-locales", str(EXEMPLE_ML)]) == 0
    return base


def lancer(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    """The command's exit code and what it printed (stdout, then stderr)."""
    capsys.readouterr()
    code = main(list(argv))
    sorties = capsys.readouterr()
    return code, sorties.out + sorties.err


@contextmanager
def application(base: Base) -> Iterator[Cotraitance]:
    app = Cotraitance(env=base.env, ports=ports(base))
    try:
        yield app
    finally:
        app.close()


def position(base: Base) -> int:
    with application(base) as app:
        return app.magasin.position()


def ecrire(
    chemin: Path,
    lignes: Sequence[str | bytes],
    encodage: str = "utf-8",
    fin: str = "\n",
    bom: bool = False,
) -> Path:
    """Lines joined by ``fin``, each encoded in ``encodage`` unless already bytes."""
    brut = fin.encode().join(
        ligne if isinstance(ligne, bytes) else ligne.encode(encodage) for ligne in lignes
    )
    chemin.write_bytes((b"\xef\xbb\xbf" if bom else b"") + brut + fin.encode())
    return chemin


def exemples_json(chemin: Path = AFFECTATIONS_JSONL) -> list[dict[str, Any]]:
    return [json.loads(ligne) for ligne in chemin.read_text(encoding="utf-8").splitlines()]

"""`import dossiers` with loading processes on PostgreSQL, its command killed outright
(``kill -9``: no handler runs): the loaders notice that their parent died and exit, and their
database connections go with them, instead of idling for ever."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import psycopg
import pytest

from application.magasin.persistance import Base
from tests.import_outils import DOSSIERS_JSONL, RACINE, exemples_json, preparer_cli

pytestmark = pytest.mark.postgres


def _enfants(pid: int) -> list[int]:
    chemin = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in chemin.read_text().split()] if chemin.exists() else []


def _vivant(pid: int) -> bool:
    """Running, and not a zombie waiting for a reaper that may never come."""
    try:
        statut = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    etat = next(ligne for ligne in statut.splitlines() if ligne.startswith("State:"))
    return "Z" not in etat.split()[1]


def _chargeurs(pid: int) -> list[int]:
    """The loading processes the command started (not its resource tracker)."""
    trouves = []
    for enfant in _enfants(pid):
        with contextlib.suppress(FileNotFoundError):
            if b"spawn_main" in Path(f"/proc/{enfant}/cmdline").read_bytes():
                trouves.append(enfant)
    return trouves


def _connexions(base: Base, application: str) -> int:
    with psycopg.connect(base.conninfo(), autocommit=True) as conn:
        ligne = conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s", [application]
        ).fetchone()
    return int(ligne[0]) if ligne else 0


def _attendre(condition: Callable[[], bool], delai: float) -> bool:
    fin = time.monotonic() + delai
    while time.monotonic() < fin:
        if condition():
            return True
        time.sleep(0.2)
    return condition()


def test_les_processus_de_chargement_s_arretent_quand_la_commande_est_tuee(
    base_postgres: Base, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    preparer_cli(base_postgres, monkeypatch)
    modele = exemples_json(DOSSIERS_JSONL)[0]
    fichier = tmp_path / "dossiers.jsonl"
    with fichier.open("w", encoding="utf-8") as sortie:
        for n in range(40_000):
            sortie.write(json.dumps({**modele, "idDossier": f"O-{n}", "nom": f"Nom{n}"}) + "\n")
    application = f"orphelins-{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "COTRAITANCE_DATABASE_URL": base_postgres.url, "PGAPPNAME": application}
    commande = [sys.executable, "-m", "cotraitance.cli", "import", "dossiers", str(fichier)]
    parent = subprocess.Popen(
        [*commande, "--processus", "2", "--lot", "50"],
        cwd=RACINE,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    chargeurs: list[int] = []
    try:
        assert _attendre(lambda: len(_chargeurs(parent.pid)) == 2, 60), "no loaders started"
        chargeurs = _chargeurs(parent.pid)
        assert _attendre(lambda: _connexions(base_postgres, application) >= 3, 60)
        time.sleep(1.0)  # the loaders are saving batches
        assert parent.poll() is None, "the import ended before it could be killed"
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait(10)
        assert _attendre(lambda: not any(_vivant(p) for p in chargeurs), 15), (
            "loaders still running after their parent died"
        )
        assert _attendre(lambda: _connexions(base_postgres, application) == 0, 15)
    finally:
        chargeurs += _chargeurs(parent.pid)
        if parent.poll() is None:
            parent.kill()
            parent.wait()
        for pid in chargeurs:
            if _vivant(pid):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)

"""Two `import affectations` at once on one PostgreSQL schema (R1, R24): both go to the end,
each affectation recorded once; a deadlock between them is retried, and one that outlasts the
retries is reported as what it is, never as a database that stopped answering."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from application.magasin.persistance import Base
from cotraitance.population import Parametres, generer
from domain.affectation import Affectation
from tests.import_outils import RACINE, application, lancer, preparer_cli


def _commande(base: Base, *argv: str) -> subprocess.Popen[str]:
    env = {**os.environ, "COTRAITANCE_DATABASE_URL": base.url}
    return subprocess.Popen(
        [sys.executable, "-m", "cotraitance.cli", *argv],
        cwd=RACINE,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


@pytest.mark.postgres
def test_deux_imports_d_affectations_simultanes_vont_au_bout_sans_interblocage(
    base_postgres: Base,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Dossiers loaded just before: both commands first bring the matching index up to date
    (R3), over the same events, at the same time: that is where they deadlocked. Then each
    affectation of the file is saved by both at once; the save that loses is received again,
    and is a duplicate (R1), not a rejected row."""
    generer(tmp_path, Parametres(dossiers=3_000, affectations=300, graine=11))
    preparer_cli(base_postgres, monkeypatch)
    assert (
        lancer(capsys, "import", "missions-locales", str(tmp_path / "missions-locales.jsonl"))[0]
        == 0
    )
    assert lancer(capsys, "import", "dossiers", str(tmp_path / "dossiers.jsonl"))[0] == 0
    fichier = tmp_path / "affectations.jsonl"
    lignes = [json.loads(ligne) for ligne in fichier.read_text(encoding="utf-8").splitlines()]
    commandes = [_commande(base_postgres, "import", "affectations", str(fichier)) for _ in "ab"]
    sorties = [c.communicate(timeout=600)[0] for c in commandes]
    for commande, sortie in zip(commandes, sorties, strict=True):
        assert commande.returncode == 0, sortie
        assert "cessé de répondre" not in sortie
        assert "300 affectation(s) reçue(s)" in sortie
    nouvelles = sum(int(s.split(" reçue(s) : ")[1].split()[0]) for s in sorties)
    assert nouvelles == 300  # R1: each recorded once, by one command or the other
    with application(base_postgres) as app:
        absentes = [
            ligne["idAffectation"]
            for ligne in lignes
            if Affectation.create_id(ligne["codeMissionLocale"], ligne["idAffectation"])
            not in app.repository
        ]
    assert absentes == []


def test_un_interblocage_passager_est_reessaye() -> None:
    from cotraitance.interblocages import reessayer

    essais: list[int] = []

    def operation() -> str:
        essais.append(1)
        if len(essais) < 3:
            raise psycopg.errors.DeadlockDetected("deadlock detected")
        return "fait"

    assert reessayer(operation, attente_s=0.0) == "fait"
    assert len(essais) == 3


def test_un_interblocage_qui_dure_est_dit_pour_ce_qu_il_est() -> None:
    from cotraitance.interblocages import Interblocage, reessayer

    def operation() -> None:
        raise psycopg.errors.DeadlockDetected("deadlock detected")

    with pytest.raises(Interblocage, match="interblocage avec une autre commande"):
        reessayer(operation, essais=3, attente_s=0.0)


def test_une_autre_erreur_de_la_base_n_est_pas_reessayee() -> None:
    from cotraitance.interblocages import est_interblocage, reessayer

    essais: list[int] = []

    def operation() -> None:
        essais.append(1)
        raise psycopg.OperationalError("connection refused")

    with pytest.raises(psycopg.OperationalError):
        reessayer(operation, attente_s=0.0)
    assert len(essais) == 1
    assert not est_interblocage(psycopg.OperationalError("x"))

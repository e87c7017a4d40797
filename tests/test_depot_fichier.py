"""`cotraitance dude send --fichier`: a file drop is the flows' delivery (R15), so a flow is
marked delivered only once its line is written and on disk (written, flushed, fsynced, then
recorded); a drop that cannot be written marks nothing, says why in French and exits non-zero.
`dude send --apercu` shows what would leave and records nothing."""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from application.magasin.persistance import Base
from application.service import Cotraitance
from application.traitement.stockage import Curseur, StockageVues
from cotraitance.cli import main
from cotraitance.racine import assembler
from integrations.dude.depot import deposer_fichier
from tests.conftest import Acteurs
from tests.import_outils import lancer
from tests.scenario import affectation_acceptee


@pytest.fixture
def cli(base: Base, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Base:
    """The CLI on the test's store, without a DUDE URL."""
    monkeypatch.setenv("COTRAITANCE_DATABASE_URL", base.url)
    monkeypatch.setenv("COTRAITANCE_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.delenv("COTRAITANCE_DUDE_URL", raising=False)
    return base


def decisions(app: Cotraitance, acteurs: Acteurs, nombre: int) -> None:
    """One decision flow per youth, each in its own DUDE dossier (R2, R13)."""
    for i in range(nombre):
        affectation_acceptee(app, acteurs.gestionnaire, f"AFF-{i}", identifiant_pe=f"{i:07d}P")


def etats(app: Cotraitance, base: Base) -> dict[str, tuple[str, int, str | None]]:
    """Each flow's state, attempts and transport, as recorded (the emitter caught up first)."""
    assert main(["projections", "catch-up"]) == 0
    stockage = StockageVues(base)
    try:
        with stockage.lecture() as cur:
            lignes = cur.fetchall("SELECT cle, statut, tentatives, transport FROM flux_dude")
    finally:
        stockage.close()
    return {c: (s, int(t), tr) for c, s, t, tr in lignes}


def test_un_depot_sur_un_disque_plein_ne_marque_aucun_flux_livre(
    app: Cotraitance, acteurs: Acteurs, cli: Base, capsys: pytest.CaptureFixture[str]
) -> None:
    """R15: /dev/full answers ENOSPC to every write, as a full disk does: no flow is recorded
    delivered (it would never be sent again), the command says why and fails."""
    decisions(app, acteurs, 30)
    code, sortie = lancer(capsys, "dude", "send", "--fichier", "/dev/full")
    assert code != 0
    assert "plus de place" in sortie
    assert "Traceback" not in sortie
    resultat = etats(app, cli)
    assert len(resultat) == 30
    assert {s for s, _, _ in resultat.values()} == {"EN_ATTENTE"}, "none marked delivered"


@pytest.fixture
def tube(tmp_path: Path) -> Iterator[tuple[Path, list[bytes]]]:
    """A named pipe with a reader: writes go through, fsync is refused (EINVAL)."""
    chemin = tmp_path / "tube.jsonl"
    os.mkfifo(chemin)
    fd = os.open(chemin, os.O_RDONLY | os.O_NONBLOCK)  # the reader is there before the writer
    os.set_blocking(fd, True)
    lu: list[bytes] = []

    def lire() -> None:
        while morceau := os.read(fd, 65536):
            lu.append(morceau)

    lecteur = threading.Thread(target=lire, daemon=True)
    lecteur.start()
    yield chemin, lu
    with chemin.open("wb"):  # a writer that closes: the reader sees the end, if it waits still
        pass
    lecteur.join(10)
    os.close(fd)


def test_un_depot_dans_un_tube_que_personne_ne_lit_est_refuse_sans_attendre(
    app: Cotraitance,
    acteurs: Acteurs,
    cli: Base,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    chemin = tmp_path / "sans-lecteur"
    os.mkfifo(chemin)
    decisions(app, acteurs, 2)
    code, sortie = lancer(capsys, "dude", "send", "--fichier", str(chemin))
    assert code != 0
    assert "personne ne lit ce tube" in sortie
    assert {s for s, _, _ in etats(app, cli).values()} == {"EN_ATTENTE"}


def test_un_depot_dont_la_synchronisation_sur_disque_echoue_ne_marque_aucun_flux_livre(
    app: Cotraitance,
    acteurs: Acteurs,
    cli: Base,
    capsys: pytest.CaptureFixture[str],
    tube: tuple[Path, list[bytes]],
) -> None:
    """R15: the lines were written but cannot be made durable (fsync fails): not delivered."""
    chemin, _ = tube
    decisions(app, acteurs, 5)
    code, sortie = lancer(capsys, "dude", "send", "--fichier", str(chemin))
    assert code != 0
    assert "synchronis" in sortie
    assert "Traceback" not in sortie
    assert {s for s, _, _ in etats(app, cli).values()} == {"EN_ATTENTE"}


def test_apres_un_depot_echoue_le_depot_suivant_livre_chaque_flux_une_fois(
    app: Cotraitance,
    acteurs: Acteurs,
    cli: Base,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    """R15: nothing was lost by the failed drop; the next one writes every flow, once, and
    marks exactly those delivered, by file."""
    decisions(app, acteurs, 4)
    assert lancer(capsys, "dude", "send", "--fichier", "/dev/full")[0] != 0
    fichier = tmp_path / "nouveau" / "depot.jsonl"
    fichier.parent.mkdir()
    code, sortie = lancer(capsys, "dude", "send", "--fichier", str(fichier))
    assert code == 0, sortie
    cles = [json.loads(ligne)["cle"] for ligne in fichier.read_text("utf-8").splitlines()]
    resultat = etats(app, cli)
    assert sorted(cles) == sorted(resultat)
    assert {(s, tr) for s, _, tr in resultat.values()} == {("ACQUITTE", "fichier")}


def test_le_depot_dit_qu_il_est_la_livraison_au_dude(
    app: Cotraitance,
    acteurs: Acteurs,
    cli: Base,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    """A user who takes --fichier for an export learns at once that it delivered the flows."""
    decisions(app, acteurs, 2)
    code, sortie = lancer(capsys, "dude", "send", "--fichier", str(tmp_path / "d.jsonl"))
    assert code == 0
    assert "2 flux livré(s)" in sortie
    assert "ne partiront pas par HTTP" in sortie
    assert "--apercu" in sortie


def test_l_aide_de_dude_send_dit_que_le_depot_est_la_livraison(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit):
        main(["dude", "send", "--help"])
    aide = " ".join(capsys.readouterr().out.split())
    assert "ce dépôt est leur livraison" in aide
    assert "--apercu" in aide


def test_l_apercu_montre_ce_qui_partirait_dans_l_ordre_sans_rien_enregistrer(
    app: Cotraitance, acteurs: Acteurs, cli: Base, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every flow still to deliver, as its message, in order; no state, no attempt changes."""
    decisions(app, acteurs, 3)
    avant = etats(app, cli)
    capsys.readouterr()
    code = main(["dude", "send", "--apercu"])
    sorties = capsys.readouterr()
    assert code == 0, sorties.err
    messages = [json.loads(ligne) for ligne in sorties.out.splitlines()]
    assert sorted(m["cle"] for m in messages) == sorted(avant)
    assert [m["idAffectation"] for m in messages] == ["AFF-0", "AFF-1", "AFF-2"]
    assert "rien n'est envoyé ni enregistré" in sorties.err
    assert etats(app, cli) == avant


def _refuser_le_marquage(cur: Curseur, postgres: bool) -> None:
    """The database refuses to record a file delivery (as a full disk of the database would)."""
    if postgres:
        cur.execute(
            "CREATE FUNCTION refuser_depot() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN RAISE EXCEPTION 'base pleine'; END $$"
        )
        cur.execute(
            "CREATE TRIGGER refus_depot BEFORE UPDATE ON flux_dude FOR EACH ROW "
            "WHEN (NEW.transport = 'fichier') EXECUTE FUNCTION refuser_depot()"
        )
    else:
        cur.execute(
            "CREATE TRIGGER refus_depot BEFORE UPDATE ON flux_dude "
            "WHEN NEW.transport = 'fichier' BEGIN SELECT RAISE(ABORT, 'base pleine'); END"
        )


def test_si_l_enregistrement_echoue_le_lot_ecrit_est_retire_et_repart_une_fois(
    app: Cotraitance, acteurs: Acteurs, base: Base, tmp_path: Path
) -> None:
    """R15: the lines are written and synced before the delivery is recorded; when recording
    fails, the transaction rolls back and the batch is cut off the file, so that the next drop
    writes each flow once (only a crash between the two leaves a batch to be sent again, which
    the DUDE deduplicates by key)."""
    decisions(app, acteurs, 3)
    service = assembler(base, app)
    fichier = tmp_path / "depot.jsonl"
    fichier.write_text('{"cle": "deja-la"}\n', encoding="utf-8")
    try:
        service.runner.rattraper()
        with service.ecriture() as cur:
            _refuser_le_marquage(cur, base.est_postgres)
        with pytest.raises(Exception, match="base pleine"):
            deposer_fichier(service.lectures, fichier)
        assert fichier.read_text("utf-8") == '{"cle": "deja-la"}\n', "earlier lines kept"
        with service.lecture() as cur:
            assert {s for (s,) in cur.fetchall("SELECT statut FROM flux_dude")} == {"EN_ATTENTE"}
        with service.ecriture() as cur:
            cur.execute("DROP TRIGGER refus_depot" + (" ON flux_dude" if base.est_postgres else ""))
        assert deposer_fichier(service.lectures, fichier) == 3
    finally:
        service.fermer_connexions()
    cles = [json.loads(ligne)["cle"] for ligne in fichier.read_text("utf-8").splitlines()]
    assert len(cles) == 4 == len(set(cles))


@pytest.mark.parametrize(
    "contenu",
    [b"SQLite format 3\x00" + bytes(100), b'{"idAffectation": "A-1", "nom": "Dupont"}\n', b"x"],
    ids=["base-sqlite", "fichier-d-affectations", "autre"],
)
def test_un_depot_dans_un_fichier_qui_n_est_pas_un_depot_est_refuse_sans_rien_marquer(
    app: Cotraitance,
    acteurs: Acteurs,
    cli: Base,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    contenu: bytes,
) -> None:
    """Appending flows to the store's own file or to an intake file would corrupt it, and the
    flows would count as delivered: such a file is refused, as is, and nothing is marked."""
    decisions(app, acteurs, 2)
    fichier = tmp_path / "pas-un-depot"
    fichier.write_bytes(contenu)
    code, sortie = lancer(capsys, "dude", "send", "--fichier", str(fichier))
    assert code == 1
    assert "n'est pas un dépôt de flux" in sortie
    assert fichier.read_bytes() == contenu
    assert {s for s, _, _ in etats(app, cli).values()} == {"EN_ATTENTE"}


def test_un_depot_precedent_recoit_les_flux_suivants(
    app: Cotraitance,
    acteurs: Acteurs,
    cli: Base,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    fichier = tmp_path / "depot.jsonl"
    decisions(app, acteurs, 1)
    assert lancer(capsys, "dude", "send", "--fichier", str(fichier))[0] == 0
    affectation_acceptee(app, acteurs.gestionnaire, "AFF-SUITE", identifiant_pe="7777777P")
    code, sortie = lancer(capsys, "dude", "send", "--fichier", str(fichier))
    assert code == 0, sortie
    assert len(fichier.read_text("utf-8").splitlines()) == 2

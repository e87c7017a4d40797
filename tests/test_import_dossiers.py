"""`cotraitance import dossiers FILE` (DESIGN §4, existing dossiers): batched, idempotent on
idDossier, every bad row reported with its line and reason while the good ones go through, the
loaded dossiers complete (identity, programmes, past events) and found by the dossier search."""

from __future__ import annotations

import argparse
import json
from concurrent.futures import Future
from datetime import date
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from uuid import UUID

import pytest

from application.contexte import Contexte, systeme
from application.magasin.persistance import Base, base_depuis_url
from application.reprise import NOUVEAU, DossierRepris, Repris
from cotraitance import reprise
from cotraitance.cli import main
from cotraitance.imports import EXIT_ECHEC, EXIT_LIGNES_REJETEES, Bilan
from cotraitance.racine import assembler
from cotraitance.reprise import Chargement, importer_dossiers
from domain.dossier import Dossier
from domain.erreurs import ConflitVersion, ErreurMetier, NonAutorise
from domain.valeurs import Acteur, Identite, Role, TypeEvenement
from integrations.reprise.dossiers import DossierLu
from projections.dossiers import rechercher
from tests.import_outils import (
    DOSSIERS_JSONL,
    application,
    ecrire,
    exemples_json,
    lancer,
    position,
    preparer_cli,
)

ML = "ML001"
IDENTITE = Identite("Nom", "Prenom", date(2004, 1, 1))


@pytest.fixture
def base_cli(base: Base, monkeypatch: pytest.MonkeyPatch) -> Base:
    return preparer_cli(base, monkeypatch)


def _ligne(**modifs: Any) -> str:
    return json.dumps({**exemples_json(DOSSIERS_JSONL)[0], **modifs}, ensure_ascii=False)


def _dossier(base: Base, id_externe: str) -> Dossier | None:
    dossier_id = DossierRepris(ML, IDENTITE, id_externe).dossier_id()
    with application(base) as app:
        if dossier_id not in app.repository:
            return None
        agregat = app.repository.get(dossier_id)
        return agregat if isinstance(agregat, Dossier) else None


def _trouves(base: Base, texte: str | None = None) -> set[str]:
    """The external ids of the dossiers the search finds, once the read models caught up."""
    with application(base) as app:
        service = assembler(base, app)
        try:
            service.runner.rattraper()
            with service.lecture() as cur:
                page = rechercher(cur, ML, texte, limite=100)
            ids = [UUID(ligne["dossier_id"]) for ligne in page.lignes]
            return {app.repository.get(i).id_externe or "" for i in ids}
        finally:
            service.fermer_connexions()


def test_le_fichier_exemple_se_charge_complet_et_se_recherche(
    base_cli: Base, capsys: pytest.CaptureFixture[str]
) -> None:
    code, sortie = lancer(capsys, "import", "dossiers", str(DOSSIERS_JSONL))
    assert code == 0, sortie
    attendu = "2 nouveau(x) (4 événement(s) passé(s)), 0 déjà présent(s), 0 rejeté(s)"
    assert f"2 dossier(s) lu(s) : {attendu}" in sortie
    dupont = _dossier(base_cli, "IMILO-000184")
    assert dupont is not None
    assert (dupont.identite.nom, dupont.identite.telephone) == ("DUPONT", "0612345678")
    assert dupont.justifie
    assert [(d.type, d.statut, d.date_entree) for d in dupont.dispositifs] == [
        ("PACEA", "TERMINE", date(2023, 2, 1))
    ]
    assert sorted((e.date, e.type.value) for e in dupont.evenements.values()) == [
        (date(2023, 2, 1), TypeEvenement.ENTRETIEN_INDIVIDUEL.value),
        (date(2023, 3, 14), TypeEvenement.ATELIER.value),
    ]
    ndiaye = _dossier(base_cli, "IMILO-000977")
    assert ndiaye is not None
    assert ndiaye.identifiant_pe == "3456789C"
    assert _trouves(base_cli) == {"IMILO-000184", "IMILO-000977"}
    assert _trouves(base_cli, "ndiaye awa") == {"IMILO-000977"}


def test_recharger_le_meme_fichier_n_enregistre_rien(
    base_cli: Base, capsys: pytest.CaptureFixture[str]
) -> None:
    """Idempotent on idDossier."""
    lancer(capsys, "import", "dossiers", str(DOSSIERS_JSONL))
    avant = position(base_cli)
    code, sortie = lancer(capsys, "import", "dossiers", str(DOSSIERS_JSONL))
    assert code == 0
    assert (
        "2 dossier(s) lu(s) : 0 nouveau(x) (0 événement(s) passé(s)), 2 déjà présent(s)" in sortie
    )
    assert position(base_cli) == avant


def test_sans_id_dossier_le_contenu_rend_le_chargement_idempotent(
    base_cli: Base, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    lignes = [_ligne(idDossier=None, nom=f"Nom{i}") for i in range(3)]
    fichier = ecrire(tmp_path / "d.jsonl", [*lignes, lignes[0]])
    code, sortie = lancer(capsys, "import", "dossiers", str(fichier))
    assert code == 0
    assert "4 dossier(s) lu(s) : 3 nouveau(x)" in sortie
    avant = position(base_cli)
    code, sortie = lancer(capsys, "import", "dossiers", str(fichier))
    assert "0 nouveau(x) (0 événement(s) passé(s)), 4 déjà présent(s)" in sortie
    assert position(base_cli) == avant


def test_des_lots_successifs_chargent_tout_une_seule_fois(
    base_cli: Base, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    lignes = [_ligne(idDossier=f"L-{i}", nom=f"Nom{i}") for i in range(7)]
    lignes[3] = _ligne(idDossier="L-3", dateNaissance="hier")
    fichier = ecrire(tmp_path / "d.jsonl", lignes)
    code, sortie = lancer(capsys, "import", "dossiers", str(fichier), "--lot", "2")
    assert code == EXIT_LIGNES_REJETEES
    attendu = "6 nouveau(x) (12 événement(s) passé(s)), 0 déjà présent(s), 1 rejeté(s)"
    assert f"7 dossier(s) lu(s) : {attendu}" in sortie
    assert "rejet ligne 4 : dateNaissance : date invalide" in sortie
    code, sortie = lancer(capsys, "import", "dossiers", str(fichier), "--lot", "3")
    assert "0 nouveau(x) (0 événement(s) passé(s)), 6 déjà présent(s), 1 rejeté(s)" in sortie
    assert _trouves(base_cli) == {f"L-{i}" for i in range(7) if i != 3}


@pytest.mark.postgres
def test_des_processus_de_chargement_chargent_comme_ce_processus(
    base_postgres: Base,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Batches saved by two worker processes at once: the same outcomes, in the file's order,
    as in one process: a row the domain refuses (in a worker) reported with its line, a dossier
    repeated in two batches saved once, a second load recording nothing."""
    preparer_cli(base_postgres, monkeypatch)
    lignes = [_ligne(idDossier=f"P-{i}", nom=f"Nom{i}") for i in range(9)]
    futur = [{"type": "ATELIER", "date": "2999-01-01"}]
    lignes[4] = _ligne(idDossier="P-4", evenements=futur)
    lignes[8] = _ligne(idDossier="P-1", nom="Nom1")  # P-1 again, in another batch
    fichier = ecrire(tmp_path / "d.jsonl", lignes)
    args = ("import", "dossiers", str(fichier), "--lot", "2", "--processus", "2")
    code, sortie = lancer(capsys, *args)
    assert code == EXIT_LIGNES_REJETEES, sortie
    attendu = "7 nouveau(x) (14 événement(s) passé(s)), 1 déjà présent(s), 1 rejeté(s)"
    assert f"9 dossier(s) lu(s) : {attendu}" in sortie
    assert "rejet ligne 5 : date : La date d'un événement ne peut pas être dans le futur." in sortie
    assert _trouves(base_postgres) == {f"P-{i}" for i in range(8) if i != 4}
    avant = position(base_postgres)
    code, sortie = lancer(capsys, *args)
    assert "0 nouveau(x) (0 événement(s) passé(s)), 8 déjà présent(s), 1 rejeté(s)" in sortie
    assert position(base_postgres) == avant


@pytest.mark.postgres
def test_un_processus_de_chargement_qui_ne_peut_s_ouvrir_arrete_la_commande_proprement(
    base_postgres: Base,
    capfd: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A worker that cannot reach the database: a French message and exit code 1, never a
    traceback, neither the command's nor the worker's own (``capfd``: the workers write to
    the same descriptors); a batch is atomic and loading again is idempotent."""
    preparer_cli(base_postgres, monkeypatch)
    injoignable = base_depuis_url("postgresql://postgres@127.0.0.1:9/nulle_part?schema=x")
    fichier = ecrire(tmp_path / "d.jsonl", [_ligne(idDossier="Q-1")])
    with application(base_postgres) as app:
        service = SimpleNamespace(app=app, base=injoignable)
        args = argparse.Namespace(file=fichier, lot=2, processus=1, rejets=None)
        capfd.readouterr()
        code = importer_dossiers(service, args)  # type: ignore[arg-type]
    sortie = capfd.readouterr()
    assert code == EXIT_ECHEC
    assert "un processus de chargement s'est arrêté (OperationalError à l'ouverture" in sortie.err
    assert "Traceback" not in sortie.out + sortie.err


def _lu(ligne: int, id_externe: str) -> DossierLu:
    return DossierLu(ligne, DossierRepris(ML, IDENTITE, id_externe))


def test_un_dossier_encore_en_vol_attend_l_issue_de_son_lot() -> None:
    """Two batches saved at once never hold the same dossier: the row waits until the batch
    holding it is counted, then goes (and is found already there)."""
    journal: list[tuple[str, int]] = []

    class Futur(Future[list[Repris | ErreurMetier]]):
        def __init__(self, rang: int, lot: list[DossierRepris]) -> None:
            super().__init__()
            self.rang = rang
            self.set_result([Repris(NOUVEAU, d.dossier_id()) for d in lot])

        def result(self, timeout: float | None = None) -> list[Repris | ErreurMetier]:
            journal.append(("compté", self.rang))
            return super().result(timeout)

    soumis: list[list[str | None]] = []

    def soumettre(_: Contexte, lot: list[DossierRepris]) -> Future[list[Repris | ErreurMetier]]:
        soumis.append([d.id_externe for d in lot])
        journal.append(("soumis", len(soumis) - 1))
        return Futur(len(soumis) - 1, lot)

    chargement = Chargement(Bilan("test"), 2, soumettre, en_vol=4)
    for rang, id_externe in enumerate(["A", "B", "C", "D", "A", "E"], start=1):
        chargement.ajouter(_lu(rang, id_externe))
    chargement.terminer()
    assert soumis == [["A", "B"], ["C", "D"], ["A", "E"]]
    assert journal[:3] == [("soumis", 0), ("soumis", 1), ("compté", 0)]
    assert journal[3] == ("soumis", 2)


def test_un_lot_perdu_contre_un_autre_chargement_est_rapporte_et_la_suite_continue() -> None:
    """A batch that lost twice against another load (``ConflitVersion``): its rows are
    reported with their lines, nothing of it was saved, the next batches go on."""

    def soumettre(_: Contexte, lot: list[DossierRepris]) -> Future[list[Repris | ErreurMetier]]:
        futur: Future[list[Repris | ErreurMetier]] = Future()
        if lot[0].id_externe == "A":
            futur.set_exception(ConflitVersion("Un autre chargement a enregistré ces dossiers."))
        else:
            futur.set_result([Repris(NOUVEAU, d.dossier_id()) for d in lot])
        return futur

    bilan = Bilan("test")
    chargement = Chargement(bilan, 2, soumettre, en_vol=1)
    for rang, id_externe in enumerate(["A", "B", "C"], start=1):
        chargement.ajouter(_lu(rang, id_externe))
    chargement.terminer()
    assert [r.ligne for r in bilan.rejets.premiers()] == [1, 2]
    assert "Un autre chargement a enregistré ces dossiers." in bilan.rejets.premiers()[0].raison
    assert bilan.issues[NOUVEAU] == 1


def test_sur_sqlite_les_processus_demandes_cedent_la_place_a_ce_processus(
    base_sqlite: Base,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    preparer_cli(base_sqlite, monkeypatch)
    fichier = ecrire(tmp_path / "d.jsonl", [_ligne(idDossier="S-1")])
    code, sortie = lancer(capsys, "import", "dossiers", str(fichier), "--processus", "2")
    assert code == 0
    assert "SQLite n'a qu'un écrivain à la fois : chargement dans ce processus" in sortie
    assert "1 nouveau(x)" in sortie


def test_interrompue_la_commande_le_dit_et_la_relancer_charge_la_suite(
    base_cli: Base,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Ctrl-C mid-file: a French message and the shells' code 130, no traceback; what was
    saved stays, and the same command then loads the rest."""
    fichier = ecrire(tmp_path / "d.jsonl", [_ligne(idDossier=f"I-{i}") for i in range(5)])
    lire = reprise.lire_dossiers

    def interrompue(*args: Any, **kwargs: Any) -> Any:
        for rang, lu in enumerate(lire(*args, **kwargs)):
            if rang == 3:
                raise KeyboardInterrupt
            yield lu

    monkeypatch.setattr(reprise, "lire_dossiers", interrompue)
    code, sortie = lancer(capsys, "import", "dossiers", str(fichier), "--lot", "2")
    assert code == 130
    assert "interrompu : ce qui a été enregistré avant l'est" in sortie
    assert "Traceback" not in sortie
    assert _trouves(base_cli) == {"I-0", "I-1"}
    monkeypatch.setattr(reprise, "lire_dossiers", lire)
    code, sortie = lancer(capsys, "import", "dossiers", str(fichier))
    assert "3 nouveau(x) (6 événement(s) passé(s)), 2 déjà présent(s)" in sortie
    assert _trouves(base_cli) == {f"I-{i}" for i in range(5)}


@pytest.mark.parametrize("valeur", ["-1", "deux"])
def test_un_nombre_de_processus_invalide_est_refuse_avant_tout_chargement(
    valeur: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    fichier = ecrire(tmp_path / "d.jsonl", [_ligne(idDossier="N-1")])
    with pytest.raises(SystemExit) as sortie:
        main(["import", "dossiers", str(fichier), "--processus", valeur])
    assert sortie.value.code == 2
    assert "--processus" in capsys.readouterr().err


LIGNES_FAUTIVES = [
    (
        "champ manquant",
        lambda: _ligne(idDossier="K1", prenoms=""),
        "champ prenoms manquant ou vide",
    ),
    ("date invalide", lambda: _ligne(idDossier="K2", dateNaissance="2004-02-30"), "dateNaissance"),
    (
        "Mission Locale inconnue",
        lambda: _ligne(idDossier="K3", codeMissionLocale="ML404"),
        "Mission Locale inconnue : ML404",
    ),
    (
        "identifiant malformé",
        lambda: _ligne(idDossier="K4", identifiantPe="PE-12"),
        "identifiantPe : L'identifiant France Travail",
    ),
    (
        "type de dispositif",
        lambda: _ligne(idDossier="K5", dispositifs=[{"type": "RSA", "statut": "EN_COURS"}]),
        "dispositifs[1].type : valeur inconnue (PPAE | CEJ | PACEA | AUTRE)",
    ),
    (
        "type d'événement",
        lambda: _ligne(idDossier="K6", evenements=[{"type": "ENTRETIEN", "date": "2024-01-01"}]),
        "evenements[1].type : valeur « ENTRETIEN » inconnue",
    ),
    (
        "événement futur",
        lambda: _ligne(idDossier="K7", evenements=[{"type": "ATELIER", "date": "2999-01-01"}]),
        "date : La date d'un événement ne peut pas être dans le futur.",
    ),
    ("justifie", lambda: _ligne(idDossier="K8", justifie="oui"), "justifie : true ou false"),
    (
        "JSON trop imbriqué",
        lambda: '{"idDossier": "K11", "evenements": ' + "[" * 20_000 + "]" * 20_000 + "}",
        "JSON trop imbriqué",
    ),
    (
        "entier trop long",
        lambda: '{"idDossier": "K12", "justifie": ' + "7" * 20_000 + "}",
        "JSON invalide (nombre entier trop long)",
    ),
    (
        "encodage",
        lambda: _ligne(idDossier="K9", nom="Hélène").encode("latin-1"),
        "encodage invalide",
    ),
    (
        "ligne trop longue",
        lambda: _ligne(
            idDossier="K10", evenements=[{"type": "ATELIER", "date": "2024-01-01"}] * 3000
        ),
        "ligne trop longue (plus de 100000 octets)",
    ),
]


@pytest.mark.parametrize(
    ("ligne_fautive", "raison"),
    [(f, r) for _, f, r in LIGNES_FAUTIVES],
    ids=[n for n, _, _ in LIGNES_FAUTIVES],
)
def test_une_ligne_fautive_est_rejetee_avec_son_numero_et_les_bonnes_passent(
    base_cli: Base,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    ligne_fautive: Any,
    raison: str,
) -> None:
    """R24"""
    lignes = [_ligne(idDossier="OK-1", nom="Bérard"), ligne_fautive(), _ligne(idDossier="OK-2")]
    fichier = ecrire(tmp_path / "d.jsonl", lignes)
    code, sortie = lancer(capsys, "import", "dossiers", str(fichier))
    assert code == EXIT_LIGNES_REJETEES
    assert "3 dossier(s) lu(s) : 2 nouveau(x)" in sortie
    assert f"rejet ligne 2 : {raison}" in sortie
    assert _dossier(base_cli, "OK-1") is not None
    assert _dossier(base_cli, "OK-2") is not None


def test_un_telephone_malforme_est_ignore_avec_un_avertissement(
    base_cli: Base, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    fichier = ecrire(tmp_path / "d.jsonl", [_ligne(idDossier="T1", telephone="+1 555 0100")])
    code, sortie = lancer(capsys, "import", "dossiers", str(fichier))
    assert code == 0
    assert "avertissement ligne 1 : telephone ignoré : Le téléphone est un numéro" in sortie
    dossier = _dossier(base_cli, "T1")
    assert dossier is not None
    assert (dossier.identite.telephone, dossier.identite.email) == (None, "jp.dupont@example.org")


def test_seul_un_acteur_systeme_charge_des_dossiers_et_pour_sa_mission_locale(base: Base) -> None:
    """R23: the bulk load is the system's, each batch for the ML of its actor."""
    repris = DossierRepris("ML002", IDENTITE, "X1")
    with application(base) as app:
        issues = app.reprendre_dossiers(systeme(ML), [repris])
        assert [getattr(i, "champ", None) for i in issues] == ["codeMissionLocale"]
        conseiller = Contexte(Acteur("c", Role.CONSEILLER, "ML002"))
        with pytest.raises(NonAutorise):
            app.reprendre_dossiers(conseiller, [repris])
        assert app.magasin.existants([repris.dossier_id()]) == set()


def test_un_lot_qui_echoue_ne_laisse_aucune_cle_sans_son_dossier(
    base: Base, monkeypatch: pytest.MonkeyPatch
) -> None:
    """R20: the keys a failed batch made are removed with it."""
    repris = DossierRepris(ML, IDENTITE, "X1")

    def panne(*_: object, **__: object) -> None:
        raise RuntimeError("panne")

    with application(base) as app:
        monkeypatch.setattr(app.magasin, "inserer_en_masse", panne)
        with pytest.raises(RuntimeError):
            app.reprendre_dossiers(systeme(ML), [repris])
        assert app.coffre.cle(repris.dossier_id()) is None
        assert app.magasin.existants([repris.dossier_id()]) == set()


def test_un_lot_en_conflit_garde_la_cle_du_dossier_deja_enregistre(base: Base) -> None:
    """The batch that lost the race on a dossier keeps its key: the winner encrypted with it."""
    repris = DossierRepris(ML, Identite("Zidane", "Ines", date(2004, 1, 1)), "X2")
    dossier_id = repris.dossier_id()
    with application(base) as app:
        app.reprendre_dossiers(systeme(ML), [repris])
        tardif = repris.dossier(dossier_id, date(2026, 11, 20), app.regles, "autre-chargement")
        with pytest.raises(ConflitVersion):
            app.enregistrer_en_lot(systeme(ML), [tardif])
    with application(base) as relu:
        dossier = relu.repository.get(dossier_id)
        assert dossier.identite.nom == "Zidane"

"""Rebuilding a processor while the service runs (DESIGN §3: rebuildable from zero): nothing the
live runner writes is lost, readers never see an empty or half-built view, the DUDE flows stay
complete (R13, R15), and two rebuilds of one processor never run at once."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

from application.contexte import systeme
from application.horloge import HorlogeFixe
from application.magasin.persistance import Base
from application.service import Cotraitance
from application.traitement.reconstruction import ReconstructionEnCours, tables_neuves
from application.traitement.runner import Runner
from application.traitement.stockage import StockageVues
from cotraitance.racine import Service, assembler, construire_application, processeurs
from domain.dossier import Dossier
from domain.valeurs import Identite
from integrations.dude import reconciliation
from tests.conftest import AUJOURDHUI, ML, Acteurs
from tests.scenario_projections import peupler


@pytest.fixture
def service(app: Cotraitance, base: Base) -> Iterator[Service]:
    """The serving process: its runner follows the log in the background."""
    service = assembler(base, app)
    service.demarrer()
    try:
        yield service
    finally:
        service.fermer_connexions()


@pytest.fixture
def autre_processus(base: Base) -> Iterator[Runner]:
    """What `cotraitance projections rebuild` builds: its own application and runner."""
    app = construire_application(base, HorlogeFixe(AUJOURDHUI))
    stockage = StockageVues(base)
    try:
        yield Runner(app, stockage, processeurs())
    finally:
        stockage.close()
        app.close()


def _contenu(runner: Runner) -> dict[str, list[tuple[Any, ...]]]:
    with runner.stockage.lecture() as cur:
        return {
            table: sorted(cur.fetchall(f"SELECT * FROM {table}"), key=repr)
            for p in runner.processeurs.values()
            for table in p.tables
        }


def _dossiers(app: Cotraitance) -> list[Any]:
    ids = {n.originator_id for n in app.magasin.notifications(0, 10**6, 10**9)}
    return [i for i in ids if isinstance(app.repository.get(i), Dossier)]


class Lecteur(threading.Thread):
    """A reader counting the dossiers view as the front-ends would, until told to stop."""

    def __init__(self, base: Base) -> None:
        super().__init__(daemon=True)
        self.stockage = StockageVues(base)
        self.arret = threading.Event()
        self.comptes: list[int] = []
        self.erreurs: list[str] = []

    def run(self) -> None:
        try:
            while not self.arret.is_set():
                try:
                    with self.stockage.lecture() as cur:
                        ligne = cur.fetchone("SELECT COUNT(*) FROM vue_dossiers")
                    self.comptes.append(int(ligne[0]) if ligne else -1)
                except Exception as exc:  # what a reader would get, reported by the test
                    self.erreurs.append(type(exc).__name__)
                time.sleep(0.002)
        finally:
            self.stockage.close()


def test_reconstruire_pendant_que_le_service_ecrit_ne_perd_ni_ligne_ni_flux(
    app: Cotraitance, acteurs: Acteurs, service: Service, autre_processus: Runner
) -> None:
    peupler(app, acteurs, nombre=24)
    assert service.runner.attendre(app.magasin.position(), 30)
    lecteur = Lecteur(service.base)
    lecteur.start()
    ecrivain = threading.Thread(target=peupler, args=(app, acteurs, 24), kwargs={"debut": 100})
    ecrivain.start()
    try:
        for nom in autre_processus.processeurs:
            autre_processus.reconstruire(nom, lot=25)
    finally:
        ecrivain.join(120)
        lecteur.arret.set()
        lecteur.join(10)
    assert service.runner.attendre(app.magasin.position(), 30)

    assert lecteur.erreurs == []
    assert lecteur.comptes
    assert min(lecteur.comptes) >= 24
    assert lecteur.comptes == sorted(lecteur.comptes), "a reader saw the view shrink"
    dossiers = _dossiers(app)
    assert len(dossiers) == 48
    with service.lecture() as cur:
        assert cur.fetchone("SELECT COUNT(*) FROM vue_dossiers") == (48,)
    auditeur = acteurs.auditeur
    for dossier_id in dossiers:
        r = reconciliation.reconcilier(app, service.lecture, auditeur, dossier_id)
        assert (r.manquants, r.en_trop) == ([], [])
    vivant = _contenu(service.runner)
    for nom in autre_processus.processeurs:
        autre_processus.reconstruire(nom)
    assert _contenu(service.runner) == vivant, "the live tables differ from a quiet rebuild"


def test_la_reconstruction_garde_les_index_et_ne_laisse_pas_de_tables_a_cote(
    app: Cotraitance, acteurs: Acteurs, autre_processus: Runner
) -> None:
    peupler(app, acteurs, nombre=6)
    autre_processus.rattraper()
    for nom, processeur in autre_processus.processeurs.items():
        bilan = autre_processus.reconstruire(nom, lot=4)
        assert bilan.position == app.magasin.position()
        with autre_processus.stockage.lecture() as cur:
            for neuve in tables_neuves(processeur).values():
                assert cur.fetchone(_existe(cur.est_postgres), [neuve]) is None
    with autre_processus.stockage.lecture() as cur:
        assert cur.fetchone(_existe(cur.est_postgres, "index"), ["vue_dossiers_i0"]) is not None


def _existe(postgres: bool, genre: str = "table") -> str:
    if postgres:
        if genre == "index":
            return "SELECT 1 FROM pg_indexes WHERE indexname = %s AND schemaname = current_schema()"
        return (
            "SELECT 1 FROM information_schema.tables WHERE table_name = %s "
            "AND table_schema = current_schema()"
        )
    return f"SELECT 1 FROM sqlite_master WHERE type = '{genre}' AND name = %s"


def test_une_seconde_reconstruction_du_meme_processeur_est_refusee_en_francais(
    app: Cotraitance, acteurs: Acteurs, base: Base, autre_processus: Runner
) -> None:
    peupler(app, acteurs, nombre=4)
    deuxieme = Runner(app, StockageVues(base), processeurs())
    vu: list[str] = []

    def au_milieu(_position: int, _plafond: int) -> None:
        if not vu:
            with pytest.raises(ReconstructionEnCours, match="déjà en reconstruction") as exc:
                deuxieme.reconstruire("recherche_dossiers")
            vu.append(str(exc.value))

    try:
        autre_processus.reconstruire("recherche_dossiers", lot=2, progression=au_milieu)
        assert vu
        deuxieme.reconstruire("recherche_dossiers")  # the lease is given back at the end
    finally:
        deuxieme.stockage.close()


def test_une_reconstruction_tuee_laisse_la_vue_vivante_intacte_et_se_refait(
    app: Cotraitance, acteurs: Acteurs, autre_processus: Runner
) -> None:
    """A rebuild that dies mid-way (its lease expires) changed nothing the readers see."""
    peupler(app, acteurs, nombre=6)
    autre_processus.rattraper()
    avant = _contenu(autre_processus)

    class Tuee(Exception):
        pass

    def mourir(_position: int, _plafond: int) -> None:
        raise Tuee

    with pytest.raises(Tuee):
        autre_processus.reconstruire("recherche_dossiers", lot=2, progression=mourir)
    assert _contenu(autre_processus) == avant
    with autre_processus.stockage.transaction() as cur:
        cur.execute("UPDATE projection_reconstructions SET jusqua = 0")  # the lease expired
    app.creer_dossier(systeme(ML), Identite("Nouveau", "Venu", date(2005, 3, 4)))
    autre_processus.reconstruire("recherche_dossiers")
    with autre_processus.stockage.lecture() as cur:
        assert cur.fetchone("SELECT COUNT(*) FROM vue_dossiers") == (7,)


def test_un_processeur_remis_a_zero_par_un_autre_processus_est_rattrape_en_entier(
    app: Cotraitance, acteurs: Acteurs, service: Service, autre_processus: Runner
) -> None:
    """A live runner never moves a position over events it did not take: one reset meanwhile
    (an upgrade's new version, in another process) is caught up from the log, not skipped."""
    peupler(app, acteurs, nombre=6)
    assert service.runner.attendre(app.magasin.position(), 30)
    autre_processus.reinitialiser("recherche_dossiers")
    peupler(app, acteurs, nombre=2, debut=50)
    assert service.runner.attendre(app.magasin.position(), 30)
    with service.lecture() as cur:
        assert cur.fetchone("SELECT COUNT(*) FROM vue_dossiers") == (8,)


def test_le_bail_d_une_reconstruction_dont_le_processus_est_mort_est_repris_aussitot(
    app: Cotraitance, acteurs: Acteurs, autre_processus: Runner
) -> None:
    """kill -9 of a rebuild on this machine: the next one need not wait for the lease to expire."""
    peupler(app, acteurs, nombre=2)
    mort = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()  # fmt: skip
    autre_processus.reconstruire("tableau_ppae")  # creates the lease table
    with autre_processus.stockage.transaction() as cur:
        cur.execute(
            "INSERT INTO projection_reconstructions VALUES (%s, %s, %s)",
            ["tableau_ppae", f"{socket.gethostname()}:{mort}:abcd", time.time() + 3600],
        )
    autre_processus.reconstruire("tableau_ppae")
    with autre_processus.stockage.transaction() as cur:
        cur.execute(
            "INSERT INTO projection_reconstructions VALUES (%s, %s, %s)",
            ["tableau_ppae", f"{socket.gethostname()}:{os.getpid()}:abcd", time.time() + 3600],
        )
    with pytest.raises(ReconstructionEnCours):
        autre_processus.reconstruire("tableau_ppae")


def test_deux_rattrapages_simultanes_d_une_base_neuve_ne_comptent_rien_deux_fois(
    app: Cotraitance, acteurs: Acteurs, base: Base
) -> None:
    """Two processes catching up a processor that never ran (two imports starting together):
    its position row exists from the start, so its lock keeps them from folding the same
    batch twice (the name frequencies of the matching index would count each dossier twice)."""
    peupler(app, acteurs, nombre=30)
    runners = [Runner(app, StockageVues(base), processeurs()) for _ in range(2)]
    depart = threading.Barrier(2)

    def rattraper(runner: Runner) -> None:
        depart.wait()
        runner.rattraper(lot=5, noms=["index_rapprochement"])

    fils = [threading.Thread(target=rattraper, args=(r,)) for r in runners]
    try:
        for fil in fils:
            fil.start()
        for fil in fils:
            fil.join(60)
        vivant = _contenu(runners[0])["rap_frequences"]
        runners[0].reconstruire("index_rapprochement")
        assert _contenu(runners[0])["rap_frequences"] == vivant
    finally:
        for runner in runners:
            runner.stockage.close()

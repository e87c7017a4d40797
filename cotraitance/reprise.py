"""La commande ``import dossiers`` : les dossiers existants d'une Mission Locale (DESIGN §4),
chargés par lots d'une même Mission Locale, chaque lot en un enregistrement atomique. Ce
processus lit et vérifie les lignes ; les lots se construisent, se chiffrent et s'écrivent
ailleurs pendant ce temps : dans des processus de chargement sur PostgreSQL (un fichier assez
gros), dans un fil de ce processus sinon. Mêmes rejets, bilan et codes de sortie que
``import affectations``."""

from __future__ import annotations

import argparse
import atexit
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from pathlib import Path
from uuid import UUID

from application.contexte import Contexte
from application.magasin.persistance import base_depuis_url
from application.reprise import DEJA_PRESENT, NOUVEAU, DossierRepris, Repris
from application.service import Cotraitance
from cotraitance.imports import (
    EXIT_ECHEC,
    Bilan,
    MissionsLocalesConnues,
    barre,
    fichier_refuse,
)
from cotraitance.interblocages import reessayer
from cotraitance.racine import Service, construire_application
from cotraitance.rejets import Rejets, RejetsIllisibles
from domain.erreurs import ConflitVersion, ErreurMetier
from domain.regles import Regles
from integrations.referentiel.champs import raison
from integrations.referentiel.fichier import JSONL
from integrations.referentiel.lignes import LigneRejetee
from integrations.reprise.dossiers import DossierLu, lire_dossiers

LOT_DOSSIERS = 500
PROCESSUS = 2
"""Loading processes on PostgreSQL. Building a batch's aggregates and encrypting its personal
data is Python work that one process does on one core; two processes, with this one reading,
loaded 100,000 dossiers 1.5 times as fast as one (three: no faster) on a 2-core machine that
also runs the database (docs/benchmarks.md)."""
SEUIL_PROCESSUS = 8_000_000
"""Bytes: a smaller file is loaded in this process (starting the workers would cost more than
they save: each opens the application, about a second)."""

VEILLE_PARENT_S = 0.5
"""How often a loading process checks that the command that started it is still there."""
EXIT_ORPHELIN = 3

Issues = list[Repris | ErreurMetier]
Soumettre = Callable[[Contexte, list[DossierRepris]], "Future[Issues]"]


def importer_dossiers(service: Service, args: argparse.Namespace) -> int:
    chemin: Path = args.file
    if fichier_refuse(chemin, JSONL):
        return EXIT_ECHEC
    try:
        bilan = Bilan("import-dossiers", rejets=Rejets.vers(args.rejets, args.file))
    except RejetsIllisibles as exc:
        print(exc, file=sys.stderr)
        return EXIT_ECHEC
    debut = time.perf_counter()
    connues = MissionsLocalesConnues(service.app)
    processus = args.processus
    if processus is None:
        gros = chemin.stat().st_size >= SEUIL_PROCESSUS
        processus = PROCESSUS if service.base.est_postgres and gros else 0
    elif processus > 0 and not service.base.est_postgres:
        print("SQLite n'a qu'un écrivain à la fois : chargement dans ce processus", file=sys.stderr)
        processus = 0
    try:
        with (
            bilan.rejets,
            barre(chemin.name, chemin.stat().st_size) as avancer,
            _chargeurs(service, processus) as soumettre,
        ):
            chargement = Chargement(bilan, args.lot, soumettre, max(1, 2 * processus))
            for lu in lire_dossiers(chemin, connues, avancer):
                if isinstance(lu, LigneRejetee):
                    bilan.rejets.ajouter(lu)
                else:
                    bilan.avertir(lu.ou, lu.avertissements)
                    chargement.ajouter(lu)
            chargement.terminer()
    except (BrokenProcessPool, ChargeurIndisponible) as exc:
        pourquoi = exc if isinstance(exc, ChargeurIndisponible) else "arrêté brutalement"
        print(
            f"un processus de chargement s'est arrêté ({pourquoi}) : ce qui a été enregistré "
            "avant l'est ; relancez la commande (ce qui est déjà là n'est pas enregistré deux "
            "fois)",
            file=sys.stderr,
        )
        return EXIT_ECHEC
    duree = max(time.perf_counter() - debut, 1e-6)
    n, evenements = bilan.issues, chargement.evenements
    enregistres = n[NOUVEAU] + evenements  # each new dossier's creation and its past events
    print(
        f"{n.total() + bilan.rejets.nombre} dossier(s) lu(s) : {n[NOUVEAU]} nouveau(x) "
        f"({evenements} événement(s) passé(s)), {n[DEJA_PRESENT]} déjà présent(s), "
        f"{bilan.rejets.nombre} rejeté(s), {bilan.avertissements.nombre} avertissement(s) "
        f"en {duree:.1f} s ({n[NOUVEAU] / duree:.0f} dossiers/s, {enregistres / duree:.0f} "
        "événements enregistrés/s)"
    )
    bilan.details()
    return bilan.code_de_sortie


class ChargeurIndisponible(Exception):
    """A loading process could not open its application (the database, most often)."""


class Chargement:
    """Rows gathered by ML into batches; a full batch is submitted; the outcomes are counted
    here, in the command's thread, in the order of the file.

    A row whose dossier is in a batch still being saved waits for that batch's outcome: two
    batches saved at once never hold the same dossier, so that a command never races itself
    (the loser of such a race could fail its whole batch, and its failure remove the
    personal-data key the winner encrypted with)."""

    def __init__(self, bilan: Bilan, taille: int, soumettre: Soumettre, en_vol: int) -> None:
        self.bilan = bilan
        self.taille = max(1, taille)
        self.soumettre = soumettre
        self.en_vol = en_vol
        self.evenements = 0
        self._lots: dict[str, list[tuple[DossierLu, UUID]]] = {}
        self._en_vol: deque[tuple[Future[Issues], list[tuple[DossierLu, UUID]]]] = deque()
        self._ids_en_vol: Counter[UUID] = Counter()

    def ajouter(self, lu: DossierLu) -> None:
        dossier_id = lu.dossier.dossier_id()
        while self._ids_en_vol[dossier_id] and self._en_vol:
            self._compter(*self._en_vol.popleft())
        lot = self._lots.setdefault(lu.dossier.code_ml, [])
        lot.append((lu, dossier_id))
        if len(lot) >= self.taille:
            self._envoyer(lu.dossier.code_ml)

    def terminer(self) -> None:
        for code in list(self._lots):
            self._envoyer(code)
        while self._en_vol:
            self._compter(*self._en_vol.popleft())

    def _envoyer(self, code: str) -> None:
        lot = self._lots.pop(code)
        while len(self._en_vol) >= self.en_vol:
            self._compter(*self._en_vol.popleft())
        futur = self.soumettre(self.bilan.contexte(code), [lu.dossier for lu, _ in lot])
        self._en_vol.append((futur, lot))
        self._ids_en_vol.update(dossier_id for _, dossier_id in lot)

    def _compter(self, futur: Future[Issues], lot: list[tuple[DossierLu, UUID]]) -> None:
        try:
            issues: Issues = futur.result()
        except ConflitVersion as exc:
            # Another load saved some of these dossiers twice while this batch decided: its
            # rows are reported (nothing of the batch was saved), the others go on.
            issues = [exc] * len(lot)
        for (lu, dossier_id), issue in zip(lot, issues, strict=True):
            self._ids_en_vol[dossier_id] -= 1
            if not self._ids_en_vol[dossier_id]:
                del self._ids_en_vol[dossier_id]  # held only while in flight
            if isinstance(issue, Repris):
                self.bilan.issues[issue.issue] += 1
                self.evenements += issue.evenements
            else:
                self.bilan.rejets.ajouter(LigneRejetee(lu.ligne, raison(issue)))


@contextmanager
def _chargeurs(service: Service, processus: int) -> Iterator[Soumettre]:
    """Where batches are saved: ``processus`` worker processes, each with its own application
    on the same database; or (0) one thread of this process, so that the next batch is read
    while one is saved (SQLite, which serialises its writers anyway, and small files)."""
    executeur: Executor
    if processus <= 0:
        app = service.app
        executeur = ThreadPoolExecutor(1, thread_name_prefix="import-dossiers")

        def soumettre(ctx: Contexte, lot: list[DossierRepris]) -> Future[Issues]:
            return executeur.submit(reessayer, lambda: app.reprendre_dossiers(ctx, lot))

    else:
        contexte_mp = multiprocessing.get_context("spawn")
        initargs = (service.base.url, service.app.regles, os.getpid())
        executeur = ProcessPoolExecutor(processus, contexte_mp, _ouvrir, initargs)

        def soumettre(ctx: Contexte, lot: list[DossierRepris]) -> Future[Issues]:
            return executeur.submit(_reprendre, ctx, lot)

    try:
        yield soumettre
    except BaseException:
        # Interrupted or failed: the batches being saved finish (each is atomic), those still
        # queued for the workers are dropped (in a thread, the one batch submitted is saved);
        # loading the file again records only what is missing.
        executeur.shutdown(wait=True, cancel_futures=processus > 0)
        raise
    executeur.shutdown(wait=True)


# ------------------------------------------------------------------ in a loading process

_APPLICATION: list[Cotraitance] = []
_ECHEC: list[str] = []


def _ouvrir(url: str, regles: Regles, parent: int) -> None:
    """A loading process's application. Ctrl-C is the command's to handle: it stops the
    workers itself, without each of them printing its own interruption. An application that
    cannot open is said by the first batch (a French message for the command), not by a
    traceback of the worker. A command killed outright (``kill -9``) cannot stop its workers:
    each watches its parent and exits when it is gone."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_veiller_parent, args=(parent,), daemon=True).start()
    try:
        app = construire_application(base_depuis_url(url), regles=regles)
    except Exception as exc:  # reported by _reprendre, in the command
        _ECHEC.append(f"{type(exc).__name__} à l'ouverture de la base")
        return
    atexit.register(app.close)
    _APPLICATION.append(app)


def _veiller_parent(parent: int) -> None:
    """The worker's call queue never reports its parent's death (the worker holds both ends
    of its pipe), so it would wait for ever, holding its database connections. Exiting at
    once is safe: a batch is one transaction, which the database rolls back when the
    connection drops; loading the file again records what is missing."""
    while os.getppid() == parent:
        time.sleep(VEILLE_PARENT_S)
    os._exit(EXIT_ORPHELIN)


def _reprendre(ctx: Contexte, lot: list[DossierRepris]) -> Issues:
    if _ECHEC:
        raise ChargeurIndisponible(_ECHEC[0])
    return reessayer(lambda: _APPLICATION[0].reprendre_dossiers(ctx, lot))

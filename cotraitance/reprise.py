"""La commande ``import dossiers`` : les dossiers existants d'une Mission Locale (DESIGN §4),
chargés par lots d'une même Mission Locale, chaque lot en un enregistrement atomique ; pendant
qu'un lot s'écrit, le suivant se lit et se vérifie. Mêmes rejets, bilan et codes de sortie que
``import affectations``."""

from __future__ import annotations

import argparse
import sys
import time
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from application.reprise import DEJA_PRESENT, NOUVEAU, Repris
from application.service import Cotraitance
from cotraitance.imports import EXIT_ECHEC, Bilan, MissionsLocalesConnues, barre
from cotraitance.racine import Service
from domain.erreurs import ErreurMetier
from integrations.referentiel.champs import raison
from integrations.referentiel.lignes import LigneRejetee
from integrations.reprise.dossiers import DossierLu, lire_dossiers

LOT_DOSSIERS = 500
EN_VOL = 1
"""Batches being saved while the next is read: one. Two at once (one writing while the other
builds its events) gained 7 % on SQLite and lost 18 % on PostgreSQL on a 2-core machine that
also runs the database (measured with ``bench/import_dossiers.py``)."""

Issues = list[Repris | ErreurMetier]


def importer_dossiers(service: Service, args: argparse.Namespace) -> int:
    chemin: Path = args.file
    if not chemin.is_file():
        print(f"fichier introuvable : {chemin}", file=sys.stderr)
        return EXIT_ECHEC
    bilan = Bilan("import-dossiers")
    debut = time.perf_counter()
    connues = MissionsLocalesConnues(service.app)
    with (
        barre(chemin.name, chemin.stat().st_size) as avancer,
        ThreadPoolExecutor(EN_VOL, thread_name_prefix="import-dossiers") as pool,
    ):
        chargement = Chargement(service.app, bilan, args.lot, pool)
        for lu in lire_dossiers(chemin, connues, avancer):
            if isinstance(lu, LigneRejetee):
                bilan.rejets.append(lu)
            else:
                bilan.avertir(lu.ou, lu.avertissements)
                chargement.ajouter(lu)
        chargement.terminer()
    duree = max(time.perf_counter() - debut, 1e-6)
    n, evenements = bilan.issues, chargement.evenements
    enregistres = n[NOUVEAU] + evenements  # each new dossier's creation and its past events
    print(
        f"{n.total() + len(bilan.rejets)} dossier(s) lu(s) : {n[NOUVEAU]} nouveau(x) "
        f"({evenements} événement(s) passé(s)), {n[DEJA_PRESENT]} déjà présent(s), "
        f"{len(bilan.rejets)} rejeté(s), {len(bilan.avertissements)} avertissement(s) "
        f"en {duree:.1f} s ({n[NOUVEAU] / duree:.0f} dossiers/s, {enregistres / duree:.0f} "
        "événements enregistrés/s)"
    )
    bilan.details()
    return bilan.code_de_sortie


class Chargement:
    """Rows gathered by ML into batches; a full batch goes to the pool; the outcomes are
    counted here, in the command's thread."""

    def __init__(
        self, app: Cotraitance, bilan: Bilan, taille: int, pool: ThreadPoolExecutor
    ) -> None:
        self.app = app
        self.bilan = bilan
        self.taille = max(1, taille)
        self.pool = pool
        self.evenements = 0
        self._lots: dict[str, list[DossierLu]] = {}
        self._en_vol: deque[tuple[Future[Issues], list[DossierLu]]] = deque()

    def ajouter(self, lu: DossierLu) -> None:
        code = lu.dossier.code_ml
        lot = self._lots.setdefault(code, [])
        lot.append(lu)
        if len(lot) >= self.taille:
            self._envoyer(code)

    def terminer(self) -> None:
        for code in list(self._lots):
            self._envoyer(code)
        while self._en_vol:
            self._compter(*self._en_vol.popleft())

    def _envoyer(self, code: str) -> None:
        lot = self._lots.pop(code)
        while len(self._en_vol) >= EN_VOL:
            self._compter(*self._en_vol.popleft())
        dossiers = [lu.dossier for lu in lot]
        futur = self.pool.submit(self.app.reprendre_dossiers, self.bilan.contexte(code), dossiers)
        self._en_vol.append((futur, lot))

    def _compter(self, futur: Future[Issues], lot: list[DossierLu]) -> None:
        for lu, issue in zip(lot, futur.result(), strict=True):
            if isinstance(issue, Repris):
                self.bilan.issues[issue.issue] += 1
                self.evenements += issue.evenements
            else:
                self.bilan.rejets.append(LigneRejetee(lu.ligne, raison(issue)))

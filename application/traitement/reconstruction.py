"""Rebuilding a processor from zero while the service runs: its tables are built beside the live
ones (``<table>__reconstruction``) from the log, in batches, while the live runner keeps the live
tables up to date and readers read them; once the new tables have caught up, one short
transaction holding the processor's position lock folds the last events in, puts the new
tables in place of the old and records the position. Readers never see an empty or
half-built view, and the live runner never writes the tables the rebuild writes.

One rebuild of a processor at a time, whatever the process: a lease row says who rebuilds it,
renewed at every batch; a rebuild killed mid-way leaves its lease to expire and its tables
beside the live ones, which the next rebuild drops first."""

from __future__ import annotations

import os
import socket
import time
import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Protocol

from application.base import ApplicationBase
from application.traitement.processeur import Processeur
from application.traitement.stockage import Curseur, StockageVues

SUFFIXE = "__reconstruction"
TABLE_BAUX = "projection_reconstructions"
BAIL = 120.0
"""Seconds a rebuild's lease lasts without renewal (a killed rebuild frees it after that)."""
ECART_FINAL = 2000
"""Events left to take once the lock is held: the swap stays short."""
Progression = Callable[[int, int], object]
"""Told (events taken so far, events of the log to take) after each batch."""


class RunnerReconstructible(Protocol):
    """What a rebuild needs of the runner that keeps the live tables."""

    @property
    def app(self) -> ApplicationBase: ...

    @property
    def stockage(self) -> StockageVues: ...

    def lire(
        self, depart: int, lot: int, plafond: int, sujets: Sequence[str]
    ) -> list[tuple[int, str, Any]]: ...

    def position_verrouillee(self, cur: Curseur, processeur: Processeur) -> int: ...

    def ecrire_position(self, cur: Curseur, processeur: Processeur, position: int) -> None: ...

    def apres_reconstruction(self, nom: str, position: int) -> None: ...


class ReconstructionEnCours(RuntimeError):
    """Another process is rebuilding this processor; the message says so in French."""


@dataclass(frozen=True)
class Bilan:
    evenements: int
    """Events of the processor's topics folded into the new tables."""
    position: int
    duree: float

    @property
    def par_seconde(self) -> float:
        return self.evenements / self.duree if self.duree > 0 else 0.0


def tables_neuves(processeur: Processeur) -> dict[str, str]:
    return {t: f"{t}{SUFFIXE}" for t in processeur.tables}


class Reconstruction:
    """One rebuild of one processor, on a connection of its own."""

    def __init__(
        self,
        runner: RunnerReconstructible,
        processeur: Processeur,
        lot: int,
        progression: Progression | None = None,
    ) -> None:
        self.runner = runner
        self.processeur = processeur
        self.lot = lot
        self.progression = progression
        self.neuves = tables_neuves(processeur)
        self.proprietaire = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.stockage = StockageVues(runner.stockage.base)
        self.position = 0
        self.pris = 0

    def executer(self) -> Bilan:
        debut = time.monotonic()
        try:
            self._prendre_bail()
            try:
                self._preparer()
                magasin = self.runner.app.magasin
                self._rattraper(magasin.position())
                while magasin.position() - self.position > ECART_FINAL:
                    self._rattraper(magasin.position())
                self._basculer()
            finally:
                self._rendre_bail()
        finally:
            self.stockage.close()
        return Bilan(self.pris, self.position, time.monotonic() - debut)

    # ------------------------------------------------------------------ the new tables

    def _preparer(self) -> None:
        with self.stockage.creation() as cur:
            for neuve in self.neuves.values():
                cur.execute(f"DROP TABLE IF EXISTS {neuve}")
            self.processeur.creer(cur.vers(self.neuves))

    def _rattraper(self, plafond: int, cur: Curseur | None = None) -> None:
        """Folds the processor's events up to ``plafond`` into the new tables: each batch in a
        transaction of its own, or all in ``cur`` (the swap's). The next batch is read and
        decoded in a helper thread while one is folded, as the runner's catch-up does."""
        sujets = self.processeur.sujets
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="reconstruction") as lecteur:
            suivant = lecteur.submit(self.runner.lire, self.position, self.lot, plafond, sujets)
            while self.position < plafond:
                lu = suivant.result()
                complet = len(lu) == self.lot
                if complet:
                    suivant = lecteur.submit(self.runner.lire, lu[-1][0], self.lot, plafond, sujets)
                if lu:
                    self._plier([e for _, _, e in lu], cur)
                    self.pris += len(lu)
                self.position = lu[-1][0] if complet else plafond
                if self.progression is not None:
                    self.progression(self.position, plafond)

    def _plier(self, evenements: list[Any], cur: Curseur | None) -> None:
        if cur is not None:
            self.processeur.traiter(cur.vers(self.neuves), evenements)
            return
        with self.stockage.transaction() as courant:
            self.processeur.traiter(courant.vers(self.neuves), evenements)
            self._renouveler(courant)

    def _basculer(self) -> None:
        """Under the live position's lock (the live runner waits for it): the last events, then
        the new tables in place of the old ones, their indexes, and the position."""
        with self.stockage.transaction() as cur:
            self.runner.position_verrouillee(cur, self.processeur)
            self._rattraper(self.runner.app.magasin.position(), cur)
            for table, neuve in self.neuves.items():
                cur.execute(f"DROP TABLE IF EXISTS {table}")
                cur.execute(f"ALTER TABLE {neuve} RENAME TO {table}")
            self.processeur.creer(cur)
            self.runner.ecrire_position(cur, self.processeur, self.position)
        self.runner.apres_reconstruction(self.processeur.nom, self.position)

    # ------------------------------------------------------------------ the lease

    def _prendre_bail(self) -> None:
        with self.stockage.creation() as cur:
            cur.execute(
                f"CREATE TABLE IF NOT EXISTS {TABLE_BAUX} (nom TEXT PRIMARY KEY, "
                "proprietaire TEXT NOT NULL, jusqua DOUBLE PRECISION NOT NULL)"
            )
        with self.stockage.transaction() as cur:
            verrou = " FOR UPDATE" if cur.est_postgres else ""
            ligne = cur.fetchone(
                f"SELECT proprietaire, jusqua FROM {TABLE_BAUX} WHERE nom = %s{verrou}",
                [self.processeur.nom],
            )
            if ligne is not None and float(ligne[1]) > time.time() and _vivant(str(ligne[0])):
                raise ReconstructionEnCours(
                    f"le processeur {self.processeur.nom} est déjà en reconstruction "
                    f"({ligne[0]}) : attendez qu'elle finisse"
                )
            cur.execute(
                f"INSERT INTO {TABLE_BAUX} (nom, proprietaire, jusqua) VALUES (%s, %s, %s) "
                "ON CONFLICT (nom) DO UPDATE SET proprietaire = excluded.proprietaire, "
                "jusqua = excluded.jusqua",
                [self.processeur.nom, self.proprietaire, time.time() + BAIL],
            )

    def _renouveler(self, cur: Curseur) -> None:
        cur.execute(
            f"UPDATE {TABLE_BAUX} SET jusqua = %s WHERE nom = %s AND proprietaire = %s",
            [time.time() + BAIL, self.processeur.nom, self.proprietaire],
        )

    def _rendre_bail(self) -> None:
        with self.stockage.transaction() as cur:
            cur.execute(
                f"DELETE FROM {TABLE_BAUX} WHERE nom = %s AND proprietaire = %s",
                [self.processeur.nom, self.proprietaire],
            )


def _vivant(proprietaire: str) -> bool:
    """Whether the lease's holder may still run: one of this machine whose process is gone
    (killed) frees it at once instead of after ``BAIL``."""
    hote, _, reste = proprietaire.partition(":")
    pid = reste.partition(":")[0]
    if hote != socket.gethostname() or not pid.isdigit():
        return True
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True

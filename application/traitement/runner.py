"""Keeps processors up to date from the event log, in batches: each processor's share of a batch
is committed with its tracking position in its own transaction, so that an event one processor
cannot take stops that processor only. Live mode polls on SQLite (it cannot subscribe) and
follows the event store's subscription on PostgreSQL. Listeners registered by the composition
root see every batch read (the read cache, key healing)."""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from eventsourcing.persistence import Notification

from application.base import ApplicationBase
from application.magasin.adaptateur import ERREURS_DE_CONNEXION
from application.magasin.chiffrement import CHAMPS_PERSONNELS
from application.traitement.processeur import Processeur
from application.traitement.reconstruction import Bilan, Progression, Reconstruction
from application.traitement.stockage import Curseur, StockageVues

LOT = 2000
INTERVALLE_SCRUTATION = 0.2
"""SQLite: seconds between two reads of the log (it cannot subscribe); what this process
saves wakes the runner at once (``reveiller``), this catches the other processes' writes."""
VERIFIER_VUES = 0.05
"""``attendre``: seconds without a commit of this runner after which the views are asked (the
position may have been committed by another process's runner)."""
ATTENTE_MAX = 10.0
SONDE_ECRITURE = 30.0
journal = logging.getLogger("cotraitance.traitement")
TABLE_POSITIONS = "projection_positions"
Ecouteur = Callable[[Sequence[Any]], None]
Lu = tuple[int, str, Any]
"""(notification id, topic, domain event)."""


@dataclass(frozen=True)
class EtatProcesseur:
    nom: str
    position: int
    version_enregistree: int | None
    version_code: int
    derniere_notification: int
    echec: str | None = None
    """The kind of failure that stopped it, if it is stopped."""

    @property
    def retard(self) -> int:
        return max(0, self.derniere_notification - self.position)

    @property
    def a_reconstruire(self) -> bool:
        return self.version_enregistree not in (None, self.version_code)


class Runner:
    def __init__(
        self,
        app: ApplicationBase,
        stockage: StockageVues,
        processeurs: Sequence[Processeur],
        ecouteurs: Sequence[Ecouteur] = (),
    ) -> None:
        self.app = app
        self.stockage = stockage
        self.processeurs = {p.nom: p for p in processeurs}
        self.ecouteurs = list(ecouteurs)
        self.en_continu = False
        self.panne: str | None = None
        """The kind of failure that stops reading the log (the database is gone…)."""
        self.echecs: dict[str, str] = {}
        """Processors stopped by an event they could not take, with the kind of failure."""
        self._prochain_essai: dict[str, tuple[float, float]] = {}
        self.ecriture: tuple[bool, str | None] | None = None
        """The last write probe: (succeeded, kind of failure); None before the first one."""
        self._derniere_sonde = -SONDE_ECRITURE
        self.connus: dict[str, int] = {}
        """Each processor's last committed position, kept in memory for /health."""
        self.tete = 0
        """The last notification id seen in the log."""
        self.apres_ecriture: list[Callable[[str], None]] = []
        """Called with a processor's name once it committed the work of new events (after the
        commit: what it wrote is there to read)."""
        self._reveil = threading.Event()
        self._avance = threading.Condition()
        """Notified at each position this runner commits (``attendre`` waits on it)."""
        self._installer()

    # ------------------------------------------------------------------ set-up and status

    def _installer(self) -> None:
        with self.stockage.creation() as cur:
            cur.execute(
                f"CREATE TABLE IF NOT EXISTS {TABLE_POSITIONS} (nom TEXT PRIMARY KEY, "
                "position BIGINT NOT NULL, version INTEGER NOT NULL)"
            )
            for processeur in self.processeurs.values():
                processeur.creer(cur)
                # A row from the start: its lock is what keeps two runners of a processor that
                # never ran from folding the same batch (there is no row to lock otherwise).
                cur.execute(
                    f"INSERT INTO {TABLE_POSITIONS} (nom, position, version) VALUES (%s, 0, %s) "
                    "ON CONFLICT (nom) DO NOTHING",
                    [processeur.nom, processeur.version],
                )
        for etat in self.etats():
            if etat.a_reconstruire:
                self.reinitialiser(etat.nom)

    def etats(self) -> list[EtatProcesseur]:
        derniere = self.app.magasin.position()
        self.tete = max(self.tete, derniere)
        with self.stockage.lecture() as cur:
            lignes = {n: (p, v) for n, p, v in cur.fetchall(f"SELECT * FROM {TABLE_POSITIONS}")}
        self.connus.update({n: int(p) for n, (p, _) in lignes.items() if n in self.processeurs})
        etats = []
        for nom, processeur in self.processeurs.items():
            position, version = lignes.get(nom, (0, None))
            etats.append(
                EtatProcesseur(
                    nom, int(position), version, processeur.version, derniere, self.echecs.get(nom)
                )
            )
        return etats

    def reinitialiser(self, nom: str) -> None:
        """Drops the processor's tables and position: the next catch-up rebuilds it from zero."""
        processeur = self.processeurs[nom]
        with self.stockage.transaction() as cur:
            processeur.supprimer(cur)
            processeur.creer(cur)
            self._ecrire_position(cur, processeur, 0)
        self.connus[nom] = 0
        self._retablir(nom)

    def reconstruire(
        self, nom: str, lot: int = LOT, progression: Progression | None = None
    ) -> Bilan:
        """Rebuilds the processor from zero beside its live tables, then puts the new ones in
        their place (``reconstruction.py``): safe while another runner serves them."""
        bilan = Reconstruction(self, self.processeurs[nom], lot, progression).executer()
        self._retablir(nom)
        return bilan

    # What a rebuild uses (``RunnerReconstructible``).

    def lire(self, depart: int, lot: int, plafond: int, sujets: Sequence[str]) -> list[Lu]:
        return self._lire(depart, lot, plafond, sujets)

    def position_verrouillee(self, cur: Curseur, processeur: Processeur) -> int:
        return self._position_verrouillee(cur, processeur)

    def ecrire_position(self, cur: Curseur, processeur: Processeur, position: int) -> None:
        self._ecrire_position(cur, processeur, position)

    def apres_reconstruction(self, nom: str, position: int) -> None:
        self.connus[nom] = position
        self.tete = max(self.tete, position)
        for suite in self.apres_ecriture:
            suite(nom)

    # ------------------------------------------------------------------ catching up

    def rattraper(self, lot: int = LOT, noms: Sequence[str] | None = None) -> int:
        """Processes every recorded event not yet taken by these processors (by default every
        processor not stopped by a failure); returns how many were read.

        While a batch is processed, the next one is read and decoded in a helper thread: the
        event store's query and the processors' writes then overlap."""
        choisis = [n for n in (noms or self.processeurs) if noms or n not in self.echecs]
        if not choisis:
            return 0
        processeurs = [self.processeurs[n] for n in choisis]
        sujets = sorted({s for p in processeurs for s in p.sujets}) if noms else []
        plafond = self.app.magasin.position()
        self.tete = max(self.tete, plafond)
        depart = min(self._position(p.nom) for p in processeurs)
        lus = 0
        depuis = depart
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="traitement") as lecteur:
            lu = self._lire(depart, lot, plafond, sujets)
            while lu:
                suivant = None
                if len(lu) == lot:
                    suivant = lecteur.submit(self._lire, lu[-1][0], lot, plafond, sujets)
                self._appliquer(lu, processeurs, depuis)
                lus += len(lu)
                depuis = lu[-1][0]
                if suivant is None:
                    break
                lu = suivant.result()
        self._avancer([p for p in processeurs if p.nom not in self.echecs], depuis, plafond)
        return lus

    def _lire(self, depart: int, lot: int, plafond: int, sujets: Sequence[str]) -> list[Lu]:
        notifications = self.app.magasin.notifications(depart, lot, plafond, sujets)
        return self._decoder(notifications) if notifications else []

    def _avancer(self, processeurs: Sequence[Processeur], lu: int, position: int) -> None:
        """After a filtered read up to ``position``, nothing below it is left for those that
        took everything read (up to ``lu``): one whose position went back meanwhile (reset by
        another process) is not moved over events it never took."""
        avances = []
        with self.stockage.transaction() as cur:
            for processeur in processeurs:
                actuelle = self._position_verrouillee(cur, processeur)
                if lu <= actuelle < position:
                    self._ecrire_position(cur, processeur, position)
                if actuelle >= lu:
                    avances.append(processeur.nom)
        for nom in avances:
            self._connu(nom, position)

    def _decoder(self, notifications: Sequence[Notification]) -> list[Lu]:
        """The batch's domain events; the personal-data keys they need come in one query (R20),
        not one query per encrypted event."""
        chiffres = [n.originator_id for n in notifications if n.topic in CHAMPS_PERSONNELS]
        if chiffres:
            self.app.coffre.precharger(chiffres)  # type: ignore[arg-type]
        return [(n.id, n.topic, self.app.mapper.to_domain_event(n)) for n in notifications]

    def _appliquer(
        self, evenements: Sequence[Lu], processeurs: Sequence[Processeur], depuis: int
    ) -> set[str]:
        """A batch holding every event of the log in (``depuis``, its last id]; returns the
        processors left behind it (see ``_appliquer_a``)."""
        for ecouteur in self.ecouteurs:
            ecouteur([e for _, _, e in evenements])
        fin = evenements[-1][0]
        en_retard = set()
        for processeur in processeurs:
            if processeur.nom in self.echecs:
                continue
            try:
                if not self._appliquer_a(processeur, evenements, depuis, fin):
                    en_retard.add(processeur.nom)
            except ERREURS_DE_CONNEXION:
                raise  # the database, not the event: the runner waits it out
            except Exception as exc:  # a poison event stops its processor, not the others
                self._arreter(processeur.nom, exc)
        return en_retard

    def _appliquer_a(
        self, processeur: Processeur, evenements: Sequence[Lu], depuis: int, fin: int
    ) -> bool:
        """Folds the batch's events after the processor's committed position, read under its
        lock. A position below ``depuis`` (reset meanwhile by another process) means events
        this batch does not hold: nothing is written and False says it must catch up from the
        log; moving it to ``fin`` would skip them for good."""
        sujets = set(processeur.sujets)
        with self.stockage.transaction() as cur:
            position = self._position_verrouillee(cur, processeur)
            if position >= fin:
                return True
            if position < depuis:
                journal.warning("processor %s is behind the batch: catching up", processeur.nom)
                return False
            part = [e for i, sujet, e in evenements if i > position and sujet in sujets]
            if part:
                processeur.traiter(cur, part)
            self._ecrire_position(cur, processeur, fin)
        self._connu(processeur.nom, fin)
        if part:
            for suite in self.apres_ecriture:
                suite(processeur.nom)
        return True

    def attendre(self, position: int, delai: float = 5.0) -> bool:
        """Blocks until every running processor has taken ``position`` (read-your-writes):
        woken by each position this runner commits; the views are asked after
        ``VERIFIER_VUES`` without one."""
        limite = time.monotonic() + delai
        en_memoire = self._position_connue
        while not self._pris(position, en_memoire):
            reste = limite - time.monotonic()
            if reste <= 0:
                return False
            with self._avance:
                avance = self._avance.wait_for(
                    lambda: self._pris(position, en_memoire), min(reste, VERIFIER_VUES)
                )
            if not avance and self._pris(position, self._position):
                return True
        return True

    def _pris(self, position: int, position_de: Callable[[str], int]) -> bool:
        """Whether every processor not stopped by a failure is at ``position`` or beyond."""
        return all(position_de(n) >= position for n in self.processeurs if n not in self.echecs)

    # ------------------------------------------------------------------ failures

    def _arreter(self, nom: str, exc: Exception) -> None:
        self.echecs[nom] = type(exc).__name__
        attente = self._prochain_essai.get(nom, (0.0, 0.2))[1]
        self._prochain_essai[nom] = (time.monotonic() + attente, min(attente * 2, ATTENTE_MAX))
        # Logged by kind only: events hold personal data.
        journal.error(
            "processor %s stopped (%s); retrying in %.1f s", nom, self.echecs[nom], attente
        )

    def _retablir(self, nom: str) -> None:
        self.echecs.pop(nom, None)
        self._prochain_essai.pop(nom, None)

    def reessayer(self) -> None:
        """Retries, each on its own, the stopped processors whose backoff has elapsed."""
        maintenant = time.monotonic()
        for nom in list(self.echecs):
            if self._prochain_essai.get(nom, (0.0, 0.0))[0] > maintenant:
                continue
            echec = self.echecs.pop(nom)
            self.rattraper(noms=[nom])
            if nom in self.echecs:
                continue
            self._retablir(nom)
            journal.warning("processor %s running again (after %s)", nom, echec)

    # ------------------------------------------------------------------ live

    def executer(self, arret: threading.Event, intervalle: float = INTERVALLE_SCRUTATION) -> None:
        """Runs until ``arret`` is set, whatever happens to the database: a failure to reach it
        is logged by its kind only (events hold personal data), then retried for ever with a
        capped backoff from the committed positions; meanwhile ``panne`` says what failed.
        Every ``SONDE_ECRITURE`` seconds, one row written tells whether the store can write."""
        self.en_continu = True
        attente = intervalle
        try:
            while not arret.is_set():
                try:
                    self._sonder()
                    self.rattraper()
                    self.reessayer()
                    self.panne = None
                    attente = intervalle
                    if self.stockage.est_postgres:
                        self._suivre_abonnement(arret)
                    else:
                        self._reveil.wait(intervalle)
                        self._reveil.clear()  # before reading: a later save wakes it again
                except Exception as exc:  # the runner must outlive any failure
                    self.panne = type(exc).__name__
                    journal.error(
                        "event log unreadable (%s); retrying in %.1f s", self.panne, attente
                    )
                    if arret.wait(attente):
                        break
                    attente = min(attente * 2, ATTENTE_MAX)
                    self._reconnecter()
        finally:
            self.en_continu = False

    def reveiller(self) -> None:
        """This process just saved events: the live loop reads the log now rather than at its
        next polling turn (SQLite; on PostgreSQL the subscription already hears them). Also
        what makes a stop (``arret`` set) take effect at once."""
        self._reveil.set()

    def _reconnecter(self) -> None:
        try:
            self.stockage.reconnecter()
        except Exception as exc:  # still down: the next turn tries again
            journal.warning("database still unreachable (%s)", type(exc).__name__)

    def _sonder(self) -> None:
        """At most every SONDE_ECRITURE seconds while writes work; at every retry once they
        failed (so that /health sees them back as soon as they are)."""
        maintenant = time.monotonic()
        reussie = self.ecriture is not None and self.ecriture[0]
        if reussie and maintenant - self._derniere_sonde < SONDE_ECRITURE:
            return
        self._derniere_sonde = maintenant
        try:
            self.app.magasin.sonder_ecriture()
        except ERREURS_DE_CONNEXION as exc:
            self.ecriture = (False, type(exc).__name__)
            raise
        self.ecriture = (True, None)

    def _suivre_abonnement(self, arret: threading.Event) -> None:
        actifs = [n for n in self.processeurs if n not in self.echecs]
        depart = min((self._position(n) for n in actifs), default=self.app.magasin.position())
        file: queue.Queue[Notification] = queue.Queue(maxsize=LOT * 4)
        with self.app.magasin.abonnement(depart) as abonnement:
            lecteur = threading.Thread(target=_pomper, args=(abonnement, file), daemon=True)
            lecteur.start()
            try:
                depuis = depart
                while not arret.is_set():
                    if not lecteur.is_alive():
                        raise ConnectionError("the event store subscription stopped")
                    lot = _vider(file, LOT, attente=0.2)
                    if lot:
                        tous = list(self.processeurs.values())
                        en_retard = self._appliquer(self._decoder(lot), tous, depuis)
                        depuis = lot[-1].id
                        self.panne = None
                        if en_retard:
                            return  # the live loop catches them up from the log, then resubscribes
                    if self.echecs:
                        self.reessayer()
            finally:
                abonnement.stop()  # type: ignore[attr-defined]

    # ------------------------------------------------------------------ positions

    def _connu(self, nom: str, position: int) -> None:
        """After a commit: what /health shows without asking the database, and what wakes
        ``attendre``."""
        with self._avance:
            self.connus[nom] = max(self.connus.get(nom, 0), position)
            self.tete = max(self.tete, position)
            self._avance.notify_all()

    def _position_connue(self, nom: str) -> int:
        return self.connus.get(nom, 0)

    def _position(self, nom: str) -> int:
        with self.stockage.lecture() as cur:
            ligne = cur.fetchone(f"SELECT position FROM {TABLE_POSITIONS} WHERE nom = %s", [nom])
        return int(ligne[0]) if ligne else 0

    def _position_verrouillee(self, cur: Curseur, processeur: Processeur) -> int:
        verrou = " FOR UPDATE" if cur.est_postgres else ""
        ligne = cur.fetchone(
            f"SELECT position FROM {TABLE_POSITIONS} WHERE nom = %s{verrou}", [processeur.nom]
        )
        return int(ligne[0]) if ligne else 0

    def _ecrire_position(self, cur: Curseur, processeur: Processeur, position: int) -> None:
        cur.execute(
            f"INSERT INTO {TABLE_POSITIONS} (nom, position, version) VALUES (%s, %s, %s) "
            "ON CONFLICT (nom) DO UPDATE SET position = excluded.position, "
            "version = excluded.version",
            [processeur.nom, position, processeur.version],
        )


def _pomper(abonnement: Any, file: queue.Queue[Notification]) -> None:
    """Feeds the queue until the subscription ends; a lost connection ends it too (the runner
    sees the thread gone and treats it as the database being unreachable)."""
    try:
        for notification in abonnement:
            file.put(notification)
    except ERREURS_DE_CONNEXION as exc:
        journal.warning("event store subscription lost (%s)", type(exc).__name__)


def _vider(file: queue.Queue[Notification], maximum: int, attente: float) -> list[Notification]:
    try:
        lot = [file.get(timeout=attente)]
    except queue.Empty:
        return []
    while len(lot) < maximum:
        try:
            lot.append(file.get_nowait())
        except queue.Empty:
            break
    return lot

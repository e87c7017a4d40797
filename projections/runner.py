"""Keeps the views up to date from the event log, in batches, each batch committed with its
tracking positions in one transaction. Live mode polls on SQLite (it cannot subscribe) and
follows the event store's subscription on PostgreSQL."""

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
from eventsourcing.utils import get_topic

from application.chiffrement import CHAMPS_PERSONNELS, SUPPRESSION
from application.service import Cotraitance
from projections.stockage import Curseur, StockageVues
from projections.vue import VueTable

LOT = 2000
ATTENTE_MAX = 30.0
journal = logging.getLogger("cotraitance.projections")
TABLE_POSITIONS = "projection_positions"


@dataclass(frozen=True)
class EtatVue:
    nom: str
    position: int
    version_enregistree: int | None
    version_code: int
    derniere_notification: int

    @property
    def retard(self) -> int:
        return max(0, self.derniere_notification - self.position)

    @property
    def a_reconstruire(self) -> bool:
        return self.version_enregistree not in (None, self.version_code)


class Projecteur:
    def __init__(self, app: Cotraitance, stockage: StockageVues, vues: Sequence[VueTable]) -> None:
        self.app = app
        self.stockage = stockage
        self.vues = {v.nom: v for v in vues}
        self.en_continu = False
        self.en_echec: str | None = None
        self.ecouteurs: list[Callable[[set[Any]], None]] = []
        """Told which aggregates changed, as soon as the runner reads their events."""
        self._installer()

    # ------------------------------------------------------------------ set-up and status

    def _installer(self) -> None:
        with self.stockage.transaction() as cur:
            cur.execute(
                f"CREATE TABLE IF NOT EXISTS {TABLE_POSITIONS} (nom TEXT PRIMARY KEY, "
                "position BIGINT NOT NULL, version INTEGER NOT NULL)"
            )
            for vue in self.vues.values():
                vue.creer(cur)
        for etat in self.etats():
            if etat.a_reconstruire and etat.version_enregistree is not None:
                self.reinitialiser(etat.nom)

    def etats(self) -> list[EtatVue]:
        derniere = self.app.recorder.max_notification_id() or 0
        with self.stockage.lecture() as cur:
            lignes = {n: (p, v) for n, p, v in cur.fetchall(f"SELECT * FROM {TABLE_POSITIONS}")}
        etats = []
        for nom, vue in self.vues.items():
            position, version = lignes.get(nom, (0, None))
            etats.append(EtatVue(nom, int(position), version, vue.version, derniere))
        return etats

    def reinitialiser(self, nom: str) -> None:
        """Drops the view and its position: it is rebuilt from zero by the next catch-up."""
        vue = self.vues[nom]
        with self.stockage.transaction() as cur:
            vue.supprimer(cur)
            vue.creer(cur)
            self._ecrire_position(cur, vue, 0)

    def reconstruire(self, nom: str, lot: int = LOT) -> int:
        self.reinitialiser(nom)
        return self.rattraper(lot, noms=[nom])

    # ------------------------------------------------------------------ catching up

    def rattraper(self, lot: int = LOT, noms: Sequence[str] | None = None) -> int:
        """Processes every recorded event not yet in the views; returns how many were read.

        While a batch is folded and written, the next one is read and decoded in a helper
        thread: the event store's query and the views' writes then overlap."""
        vues = [self.vues[n] for n in (noms or self.vues)]
        sujets = sorted({s for v in vues for s in v.sujets}) if noms else []
        plafond = self.app.recorder.max_notification_id() or 0
        depart = min(self._position(v.nom) for v in vues)
        lus = 0
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="projections") as lecteur:
            lu = self._lire(depart, lot, plafond, sujets)
            while lu:
                suivant = None
                if len(lu) == lot:
                    # After this batch every one of these views is at its last id.
                    suivant = lecteur.submit(self._lire, lu[-1][0], lot, plafond, sujets)
                self._appliquer(lu, vues)
                lus += len(lu)
                if suivant is None:
                    break
                lu = suivant.result()
        self._avancer(vues, plafond)
        return lus

    def _lire(
        self, depart: int, lot: int, plafond: int, sujets: Sequence[str]
    ) -> list[tuple[int, Any]]:
        notifications = self.app.recorder.select_notifications(
            start=depart, limit=lot, stop=plafond, topics=sujets, inclusive_of_start=False
        )
        return self._decoder(notifications) if notifications else []

    def _avancer(self, vues: Sequence[VueTable], position: int) -> None:
        """After a filtered read up to ``position``, nothing below it is left for these views."""
        with self.stockage.transaction() as cur:
            for vue in vues:
                if self._position_verrouillee(cur, vue) < position:
                    self._ecrire_position(cur, vue, position)

    def traiter_lot(self, notifications: Sequence[Notification], vues: Sequence[VueTable]) -> None:
        self._appliquer(self._decoder(notifications), vues)

    def _decoder(self, notifications: Sequence[Notification]) -> list[tuple[int, Any]]:
        """The batch's domain events; the personal-data keys they need come in one query (R20),
        not one query per encrypted event."""
        chiffres = [n.originator_id for n in notifications if n.topic in CHAMPS_PERSONNELS]
        if chiffres:
            self.app.coffre.precharger(chiffres)  # type: ignore[arg-type]
        return [(n.id, self.app.mapper.to_domain_event(n)) for n in notifications]

    def _appliquer(self, evenements: Sequence[tuple[int, Any]], vues: Sequence[VueTable]) -> None:
        """Each view's share of the batch, committed with its position in one transaction."""
        supprimes = [e.originator_id for _, e in evenements if get_topic(type(e)) == SUPPRESSION]
        for dossier_id in supprimes:
            # R20: the deleting command destroyed the key already; this heals a crash between
            # its save and that destruction, and forgets the key in this process too.
            self.app.coffre.detruire(dossier_id)
        if self.ecouteurs:
            changes = {e.originator_id for _, e in evenements}
            for ecouteur in self.ecouteurs:
                ecouteur(changes)
        fin = evenements[-1][0]
        with self.stockage.transaction() as cur:
            for vue in vues:
                position = self._position_verrouillee(cur, vue)
                if position >= fin:
                    continue
                vue.traiter(cur, [e for i, e in evenements if i > position])
                self._ecrire_position(cur, vue, fin)

    def attendre(self, position: int, delai: float = 5.0) -> bool:
        """Blocks until every view has processed ``position`` (read-your-writes)."""
        limite = time.monotonic() + delai
        while time.monotonic() < limite:
            if all(self._position(n) >= position for n in self.vues):
                return True
            time.sleep(0.01)
        return False

    # ------------------------------------------------------------------ live

    def executer(self, arret: threading.Event, intervalle: float = 0.2) -> None:
        """Runs until ``arret`` is set. A failure (database gone, an event a view cannot take)
        is logged by its kind only (events hold personal data), then retried with backoff from
        the views' committed positions; meanwhile ``en_echec`` says what failed."""
        self.en_continu = True
        attente = intervalle
        try:
            while not arret.is_set():
                try:
                    self.rattraper()
                    self.en_echec = None
                    attente = intervalle
                    if self.stockage.est_postgres:
                        self._suivre_abonnement(arret)
                    else:
                        arret.wait(intervalle)
                except Exception as exc:  # the runner must outlive any one failure
                    self.en_echec = type(exc).__name__
                    journal.error(
                        "projection runner failed (%s); retrying in %.1f s", self.en_echec, attente
                    )
                    if arret.wait(attente):
                        break
                    attente = min(attente * 2, ATTENTE_MAX)
                    self.stockage.reconnecter()
        finally:
            self.en_continu = False

    def _suivre_abonnement(self, arret: threading.Event) -> None:
        depart = min(self._position(n) for n in self.vues)
        file: queue.Queue[Notification] = queue.Queue(maxsize=LOT * 4)
        with self.app.recorder.subscribe(gt=depart) as abonnement:
            lecteur = threading.Thread(target=_pomper, args=(abonnement, file), daemon=True)
            lecteur.start()
            try:
                while not arret.is_set():
                    if not lecteur.is_alive():
                        raise ConnectionError("the event store subscription stopped")
                    lot = _vider(file, LOT, attente=0.2)
                    if lot:
                        self.traiter_lot(lot, list(self.vues.values()))
                        self.en_echec = None
            finally:
                abonnement.stop()

    # ------------------------------------------------------------------ positions

    def _position(self, nom: str) -> int:
        with self.stockage.lecture() as cur:
            ligne = cur.fetchone(f"SELECT position FROM {TABLE_POSITIONS} WHERE nom = %s", [nom])
        return int(ligne[0]) if ligne else 0

    def _position_verrouillee(self, cur: Curseur, vue: VueTable) -> int:
        verrou = " FOR UPDATE" if cur.est_postgres else ""
        ligne = cur.fetchone(
            f"SELECT position FROM {TABLE_POSITIONS} WHERE nom = %s{verrou}", [vue.nom]
        )
        return int(ligne[0]) if ligne else 0

    def _ecrire_position(self, cur: Curseur, vue: VueTable, position: int) -> None:
        cur.execute(
            f"INSERT INTO {TABLE_POSITIONS} (nom, position, version) VALUES (%s, %s, %s) "
            "ON CONFLICT (nom) DO UPDATE SET position = excluded.position, "
            "version = excluded.version",
            [vue.nom, position, vue.version],
        )


def _pomper(abonnement: Any, file: queue.Queue[Notification]) -> None:
    for notification in abonnement:
        file.put(notification)


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

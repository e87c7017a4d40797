"""Core benchmark: the intake-to-entry command path, and rebuilding the projections.

    python bench/core.py [--quick]

1. Commands/s through ``application.service.Cotraitance`` for the intake-to-entry path
   (receive an affectation → accept → creer_dossier_importe → affecter_conseiller →
   justifier_dossier → saisir_evenement ENTRETIEN_INDIVIDUEL → accepter_ppae, which moves the
   PPAE to EN_COURS), on SQLite (a temp file) and PostgreSQL. Baseline, measured in the same run:
   the library's raw ``Application.save`` of the same events (same save calls, same events, fresh
   originator ids) with a plain ``eventsourcing.application.Application`` subclass.
2. Projection rebuild events/s on PostgreSQL (``Projecteur.reconstruire`` over every view of
   ``toutes_les_vues()``), against the stock ``eventsourcing.projection.ProjectionRunner`` (one
   event per transaction) on a subset of the same events; peak RSS of the rebuild process.

Ends with one line of JSON. PostgreSQL: ``COTRAITANCE_BENCH_POSTGRES_URL`` (default
``postgresql://postgres@127.0.0.1:5432/postgres``); everything happens in scratch schemas that
are dropped at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

RACINE = Path(__file__).resolve().parent.parent
if str(RACINE) not in sys.path:
    sys.path.insert(0, str(RACINE))

import psycopg  # noqa: E402
from eventsourcing.application import Application  # noqa: E402
from eventsourcing.domain import DomainEventProtocol  # noqa: E402
from eventsourcing.persistence import JSONTranscoder, StoredEvent, Tracking  # noqa: E402
from eventsourcing.postgres import PostgresTrackingRecorder  # noqa: E402
from eventsourcing.projection import Projection, ProjectionRunner  # noqa: E402
from psycopg import sql  # noqa: E402

from application.contexte import Contexte, Resultat, systeme  # noqa: E402
from application.horloge import HorlogeFixe  # noqa: E402
from application.magasin.persistance import Base, base_depuis_url  # noqa: E402
from application.magasin.transcodage import (  # noqa: E402
    encodage_autorise,
    enregistrer_transcodages,
)
from application.service import Cotraitance  # noqa: E402
from application.traitement.runner import LOT, Runner  # noqa: E402
from application.traitement.stockage import StockageVues  # noqa: E402
from cotraitance.racine import ports  # noqa: E402
from domain.affectation import DonneesAffectation  # noqa: E402
from domain.valeurs import (  # noqa: E402
    Acteur,
    Conseiller,
    Identite,
    MotifSortie,
    Role,
    StatutPpae,
    TypeAffectation,
    TypeEvenement,
)
from projections.catalogue import toutes_les_vues  # noqa: E402
from projections.vue import VueTable  # noqa: E402

POSTGRES_URL = os.environ.get(
    "COTRAITANCE_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
ML = "ML001"
AUJOURDHUI = date(2026, 11, 20)
DATE_AFFECTATION = date(2026, 10, 1)
DATE_ENTREE = date(2026, 11, 2)
GESTIONNAIRE = Contexte(Acteur("gestion-1", Role.GESTIONNAIRE, ML))
CONSEILLER = Contexte(Acteur("conseil-1", Role.CONSEILLER, ML))
COMMANDES_PAR_JEUNE = 7
MORCEAU_INSERTION = 5_000
"""Stored events per insert_events call. With 10,000 (about 4 MB) psycopg 3.3.9's pipeline hung
in Pipeline.sync in two runs out of three on this machine; 5,000 never did."""
VAGUE = 1_000
"""Youths whose histories are interleaved in the seeded log."""


@dataclass(frozen=True)
class Tailles:
    jeunes: int
    """Youths per repeat of the command path (7 commands each)."""
    repetitions: int
    evenements_reconstruction: int
    evenements_stock: int
    jeunes_modeles: int
    """Youths run through the real commands, whose stored events are replicated for seeding."""


COMPLET = Tailles(
    jeunes=400,
    repetitions=3,
    evenements_reconstruction=1_000_000,
    evenements_stock=20_000,
    jeunes_modeles=400,
)
RAPIDE = Tailles(
    jeunes=50,
    repetitions=3,
    evenements_reconstruction=50_000,
    evenements_stock=4_000,
    jeunes_modeles=100,
)


# ---------------------------------------------------------------------- databases


def schema_postgres(prefixe: str) -> Base:
    nom = f"bench_{prefixe}_{uuid.uuid4().hex[:10]}"
    base = base_depuis_url(f"{POSTGRES_URL}?schema={nom}")
    with psycopg.connect(base.conninfo(), autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(nom)))
    return base


def supprimer_schema(base: Base) -> None:
    with psycopg.connect(base.conninfo(), autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(base.postgres_schema))
        )


def application(base: Base) -> Cotraitance:
    app = Cotraitance(env=base.env, ports=ports(base), horloge=HorlogeFixe(AUJOURDHUI))
    if app.mission_locale(ML) is None:
        app.enregistrer_mission_locale(
            systeme(ML),
            ML,
            "Mission Locale du banc d'essai",
            ["75111", "75120"],
            [Conseiller("C1", "Claire Martin"), Conseiller("C2", "Karim Benali")],
        )
    return app


# ---------------------------------------------------------------------- the command path


def donnees(id_affectation: str, i: int) -> DonneesAffectation:
    return DonneesAffectation(
        id_affectation=id_affectation,
        code_ml=ML,
        date_affectation=DATE_AFFECTATION,
        type_affectation=TypeAffectation.INITIALE,
        identifiant_pe=f"{1_000_000 + i % 9_000_000}X",
        identite=Identite(f"Nom{i}", f"Prénom{i}", date(2004, 1, 1)),
    )


@dataclass
class Jeune:
    affectation_id: UUID
    dossier_id: UUID
    ppae_id: UUID


def parcours(
    app: Cotraitance, id_affectation: str, i: int, apres: Callable[[], None] | None = None
) -> Jeune:
    """The intake-to-entry path: 7 commands, the PPAE ends EN_COURS.

    ``apres`` runs after each command (used once to record each command's events)."""
    suite = apres or (lambda: None)
    a = app.recevoir_affectation(systeme(ML), donnees(id_affectation, i)).affectation_id
    assert a is not None
    suite()
    app.decider_affectation(GESTIONNAIRE, a, True, None)
    suite()
    r: Resultat = app.creer_dossier_importe(GESTIONNAIRE, a)
    assert r.dossier_id is not None
    assert r.ppae_id is not None
    suite()
    app.affecter_conseiller(GESTIONNAIRE, r.ppae_id, "C1" if i % 2 else "C2")
    suite()
    app.justifier_dossier(CONSEILLER, r.dossier_id, "CNI")
    suite()
    app.saisir_evenement(CONSEILLER, r.dossier_id, TypeEvenement.ENTRETIEN_INDIVIDUEL, DATE_ENTREE)
    suite()
    app.accepter_ppae(CONSEILLER, r.ppae_id, DATE_ENTREE)
    suite()
    return Jeune(a, r.dossier_id, r.ppae_id)


class Temoin(Application[UUID]):
    """The baseline: the library's own Application, same transcodings, no command logic."""

    name = "BancTemoin"

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        enregistrer_transcodages(transcoder)

    def save(self, *objets: Any, **kwargs: Any) -> Any:
        # The same events as the application's: an affectation's identity in clear, the
        # dossier's personal fields already encrypted in the model (no clear personal data).
        with encodage_autorise():
            return super().save(*objets, **kwargs)


@dataclass
class Modele:
    """One youth's stored events, grouped by the command (one save) that produced them."""

    jeune: Jeune
    id_affectation: str
    sauvegardes: list[list[StoredEvent]]


def enregistrer_modele(app: Cotraitance) -> Modele:
    groupes: list[list[StoredEvent]] = []
    position = [app.recorder.max_notification_id() or 0]

    def apres() -> None:
        fin = app.recorder.max_notification_id() or 0
        lues = app.recorder.select_notifications(
            start=position[0], limit=1000, stop=fin, inclusive_of_start=False
        )
        groupes.append(
            [StoredEvent(n.originator_id, n.originator_version, n.topic, n.state) for n in lues]
        )
        position[0] = fin

    id_affectation = "DUDE-MODELE-000000"
    jeune = parcours(app, id_affectation, 0, apres)
    assert app.repository.get(jeune.ppae_id).statut is StatutPpae.EN_COURS
    return Modele(jeune, id_affectation, groupes)


def renommer(
    evenements: Sequence[StoredEvent], ids: dict[UUID, UUID], jetons: dict[bytes, bytes]
) -> list[StoredEvent]:
    """The same events for other aggregates: originator ids and references inside the JSON."""
    remplacements = [(a.hex.encode(), b.hex.encode()) for a, b in ids.items()]
    remplacements += list(jetons.items())
    copies = []
    for e in evenements:
        etat = e.state
        for avant, apres in remplacements:
            etat = etat.replace(avant, apres)
        originator_id = ids.get(e.originator_id, e.originator_id)  # type: ignore[arg-type]
        copies.append(StoredEvent(originator_id, e.originator_version, e.topic, etat))
    return copies


def sauvegardes_temoin(
    temoin: Temoin, modele: Modele, jeunes: int, tag: str
) -> list[list[DomainEventProtocol[UUID]]]:
    """Domain events decoded from the model, fresh ids: built before timing the saves."""
    j = modele.jeune
    sauvegardes: list[list[DomainEventProtocol[UUID]]] = []
    for i in range(jeunes):
        ids = {x: uuid.uuid4() for x in (j.affectation_id, j.dossier_id, j.ppae_id)}
        jetons = {modele.id_affectation.encode(): f"DUDE-{tag}-{i:06d}".encode()}
        for groupe in modele.sauvegardes:
            sauvegardes.append(
                [temoin.mapper.to_domain_event(e) for e in renommer(groupe, ids, jetons)]
            )
    return sauvegardes


@dataclass
class MesureCommandes:
    commandes_par_s: list[float] = field(default_factory=list)
    temoin_par_s: list[float] = field(default_factory=list)
    evenements_par_parcours: int = 0

    @property
    def commandes(self) -> float:
        return statistics.median(self.commandes_par_s)

    @property
    def temoin(self) -> float:
        return statistics.median(self.temoin_par_s)

    @property
    def ratio(self) -> float:
        return self.commandes / self.temoin


def mesurer_commandes(base: Base, tailles: Tailles, libelle: str) -> MesureCommandes:
    app = application(base)
    temoin = Temoin(env=base.env)
    mesure = MesureCommandes()
    try:
        modele = enregistrer_modele(app)
        mesure.evenements_par_parcours = sum(len(g) for g in modele.sauvegardes)
        for _ in range(2):  # warm-up: imports, prepared statements, caches
            parcours(app, f"DUDE-CHAUFFE-{uuid.uuid4().hex[:8]}", 1)
        for r in range(tailles.repetitions):
            tag = f"{libelle}{r}-{uuid.uuid4().hex[:6]}"
            sauvegardes = sauvegardes_temoin(temoin, modele, tailles.jeunes, tag)

            def commandes(tag: str = tag) -> None:
                debut = time.perf_counter()
                for i in range(tailles.jeunes):
                    parcours(app, f"DUDE-{tag}-{i:06d}", i)
                duree = time.perf_counter() - debut
                mesure.commandes_par_s.append(tailles.jeunes * COMMANDES_PAR_JEUNE / duree)

            def temoins(sauvegardes: list[list[DomainEventProtocol[UUID]]] = sauvegardes) -> None:
                debut = time.perf_counter()
                for evenements in sauvegardes:
                    temoin.save(*evenements)
                duree = time.perf_counter() - debut
                mesure.temoin_par_s.append(len(sauvegardes) / duree)

            # Alternate which goes first, so that drift on a noisy machine hits both.
            for etape in (commandes, temoins) if r % 2 == 0 else (temoins, commandes):
                etape()
    finally:
        temoin.close()
        app.close()
    return mesure


# ---------------------------------------------------------------------- seeding


@dataclass
class Histoire:
    """One youth's stored events, and the personal-data keys of its aggregates (R20)."""

    id_affectation: str
    evenements: list[StoredEvent]
    cles: dict[UUID, bytes]


def cles_personnelles(base: Base) -> dict[UUID, bytes]:
    with psycopg.connect(base.conninfo(), autocommit=True) as conn:
        lignes = conn.execute(
            sql.SQL("SELECT sujet, cle FROM {}.cles_personnelles").format(
                sql.Identifier(base.postgres_schema)
            )
        ).fetchall()
    return {UUID(sujet): bytes(cle) for sujet, cle in lignes}


def modeles_de_peuplement(app: Cotraitance, base: Base, jeunes: int) -> list[Histoire]:
    """Real command histories, a mix of stages (waiting, assigned, entered, exited)."""
    depart = app.recorder.max_notification_id() or 0
    par_jeune: list[tuple[str, set[UUID]]] = []
    for i in range(jeunes):
        id_affectation = f"DUDE-PEUPLE-{i:06d}"
        etape = i % 4
        a = app.recevoir_affectation(systeme(ML), donnees(id_affectation, i)).affectation_id
        assert a is not None
        app.decider_affectation(GESTIONNAIRE, a, True, None)
        r = app.creer_dossier_importe(GESTIONNAIRE, a)
        assert r.dossier_id is not None
        assert r.ppae_id is not None
        par_jeune.append((id_affectation, {a, r.dossier_id, r.ppae_id}))
        if etape >= 1:
            app.affecter_conseiller(GESTIONNAIRE, r.ppae_id, "C1" if i % 2 else "C2")
        if etape >= 2:
            app.justifier_dossier(CONSEILLER, r.dossier_id, "CNI")
            app.saisir_evenement(
                CONSEILLER, r.dossier_id, TypeEvenement.ENTRETIEN_INDIVIDUEL, DATE_ENTREE
            )
            app.accepter_ppae(CONSEILLER, r.ppae_id, DATE_ENTREE)
        if etape >= 3:
            app.sortir_ppae(CONSEILLER, r.ppae_id, date(2026, 11, 15), MotifSortie.EMPLOI_DURABLE)
    cles = cles_personnelles(base)
    histoires = [
        Histoire(id_aff, [], {x: cles[x] for x in ids if x in cles}) for id_aff, ids in par_jeune
    ]
    proprietaire = {x: histoires[k] for k, (_, ids) in enumerate(par_jeune) for x in ids}
    position = depart
    while True:
        lues = app.recorder.select_notifications(
            start=position, limit=5000, inclusive_of_start=False
        )
        for n in lues:
            histoire = proprietaire.get(n.originator_id)  # type: ignore[arg-type]
            if histoire is not None:
                histoire.evenements.append(
                    StoredEvent(n.originator_id, n.originator_version, n.topic, n.state)
                )
        if len(lues) < 5000:
            break
        position = lues[-1].id
    return histoires


Morceau = tuple[list[StoredEvent], list[tuple[str, bytes]]]


def repliques(histoires: Sequence[Histoire], total: int, vague: int = VAGUE) -> Iterator[Morceau]:
    """Chunks of stored events (and their keys): the models' histories again and again, fresh
    ids each time. Encrypted personal fields are copied as they are, under a copy of the key.

    Youths come in waves whose histories are interleaved (every youth's first event, then every
    second one…), as a Mission Locale's days mix many youths: a batch of the log then touches
    many rows, not a few youths' contiguous histories."""
    produits = 0
    morceau: list[StoredEvent] = []
    cles: list[tuple[str, bytes]] = []
    k = 0
    while produits < total:
        copies = []
        for _ in range(vague):
            modele = histoires[k % len(histoires)]
            ids = {e.originator_id: uuid.uuid4() for e in modele.evenements}
            jeton = {modele.id_affectation.encode(): f"DUDE-R-{k:08d}".encode()}
            copies.append(renommer(modele.evenements, ids, jeton))  # type: ignore[arg-type]
            cles.extend((str(ids[x]), cle) for x, cle in modele.cles.items() if x in ids)
            k += 1
        for rang in range(max(len(c) for c in copies)):
            for copie in copies:
                if rang < len(copie) and produits < total:
                    morceau.append(copie[rang])
                    produits += 1
                    if len(morceau) == MORCEAU_INSERTION:
                        yield morceau, cles
                        morceau, cles = [], []
    if morceau or cles:
        yield morceau, cles


def peupler(base: Base, tailles: Tailles) -> tuple[int, float]:
    """Seeds ``evenements_reconstruction`` real events; returns (events, seconds)."""
    app = application(base)
    inserer_cles = sql.SQL(
        "INSERT INTO {}.cles_personnelles (sujet, cle) VALUES (%s, %s) ON CONFLICT DO NOTHING"
    ).format(sql.Identifier(base.postgres_schema))
    try:
        histoires = modeles_de_peuplement(app, base, tailles.jeunes_modeles)
        debut = time.perf_counter()
        inseres = 0
        with psycopg.connect(base.conninfo(), autocommit=True) as conn:
            for evenements, cles in repliques(histoires, tailles.evenements_reconstruction):
                if cles:
                    with conn.cursor() as cur:
                        cur.executemany(inserer_cles, cles)
                if evenements:
                    app.recorder.insert_events(evenements)
                    inseres += len(evenements)
        duree = time.perf_counter() - debut
    finally:
        app.close()
    with psycopg.connect(base.conninfo(), autocommit=True) as conn:
        conn.execute(
            sql.SQL("ANALYZE {}.cotraitance_events").format(sql.Identifier(base.postgres_schema))
        )
    return inseres, duree


# ---------------------------------------------------------------------- rebuild (ours)


def rss_mo() -> float:
    """Peak RSS of this process in MB (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def travail_reconstruction() -> None:
    """Child process: waits for the base's URL on stdin, rebuilds every view from zero, prints
    its figures as JSON. Started before the parent does any work: Linux carries a parent's
    high-water RSS into a child it spawns, and this child's own imports outweigh the parent's
    at that point, so ``getrusage`` reports the rebuild's own peak."""
    url = sys.stdin.readline().strip()
    if not url:
        return
    base = base_depuis_url(url)
    app = Cotraitance(env=base.env, ports=ports(base), horloge=HorlogeFixe(AUJOURDHUI))
    stockage = StockageVues(base)
    try:
        vues = toutes_les_vues()
        projecteur = Runner(app, stockage, vues)
        avant = rss_mo()
        debut = time.perf_counter()
        lus = {nom: projecteur.reconstruire(nom).evenements for nom in projecteur.processeurs}
        duree = time.perf_counter() - debut
        pic = rss_mo()
        with stockage.lecture() as cur:
            lignes = {
                v.nom: int((cur.fetchone(f"SELECT COUNT(*) FROM {v.table}") or (0,))[0])
                for v in vues
            }
        retard = max(e.retard for e in projecteur.etats())
    finally:
        stockage.close()
        app.close()
    resultat = {
        "evenements": sum(lus.values()),
        "par_vue": lus,
        "lignes": lignes,
        "secondes": duree,
        "retard": retard,
        "rss_avant_mo": avant,
        "rss_pic_mo": pic,
    }
    print(json.dumps(resultat), flush=True)


def lancer_travailleur() -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, __file__, "--travail-reconstruction"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )


def mesurer_reconstruction(travailleur: subprocess.Popen[str], base: Base) -> dict[str, Any]:
    sortie, _ = travailleur.communicate(base.url + "\n")
    if travailleur.returncode != 0:
        raise RuntimeError(f"the rebuild process failed ({travailleur.returncode})")
    resultat: dict[str, Any] = json.loads(sortie.strip().splitlines()[-1])
    return resultat


# ---------------------------------------------------------------------- rebuild (stock runner)


class VueStock(PostgresTrackingRecorder):
    """The same rows and indexes as our views, written the library's way: one event, one
    transaction (view row and tracking record together)."""

    vues: tuple[VueTable, ...] = tuple(toutes_les_vues())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        schema = self.datastore.schema
        self.requetes: list[tuple[VueTable, sql.Composed, sql.Composed, sql.Composed]] = []
        for vue in self.vues:
            nom = f"stock_{vue.table}"
            table = sql.Identifier(schema, nom)
            cols = ", ".join(f"{c} {t}" for c, t in vue.colonnes.items())
            self.sql_create_statements.append(
                sql.SQL(
                    f"CREATE TABLE IF NOT EXISTS {{}} ({cols}, PRIMARY KEY ({vue.cle}))"
                ).format(table)
            )
            for i, definition in enumerate(vue.index):
                self.sql_create_statements.append(
                    sql.SQL(f"CREATE INDEX IF NOT EXISTS {{}} ON {{}} {definition}").format(
                        sql.Identifier(f"{nom}_i{i}"), table
                    )
                )
            noms = list(vue.colonnes)
            colonnes = sql.SQL(", ").join(map(sql.Identifier, noms))
            cle = sql.Identifier(vue.cle)
            maj = sql.SQL(", ").join(
                sql.SQL("{0} = excluded.{0}").format(sql.Identifier(c)) for c in noms[1:]
            )
            lire = sql.SQL("SELECT {} FROM {} WHERE {} = %s").format(colonnes, table, cle)
            ecrire = sql.SQL(
                "INSERT INTO {} ({}) VALUES ({}) ON CONFLICT ({}) DO UPDATE SET {}"
            ).format(table, colonnes, sql.SQL(", ").join(sql.Placeholder() * len(noms)), cle, maj)
            effacer = sql.SQL("DELETE FROM {} WHERE {} = %s").format(table, cle)
            self.requetes.append((vue, lire, ecrire, effacer))

    def traiter(self, evenement: Any, tracking: Tracking) -> None:
        with self.datastore.transaction(commit=True) as curs:
            for vue, lire, ecrire, effacer in self.requetes:
                cle = vue.cle_de(evenement)
                if cle is None:
                    continue
                curs.execute(lire, (cle,), prepare=True)
                ligne = curs.fetchone()
                nouvelle = vue.appliquer(dict(ligne) if ligne else None, evenement)
                if nouvelle is None:
                    curs.execute(effacer, (cle,), prepare=True)
                else:
                    curs.execute(ecrire, [nouvelle.get(c) for c in vue.colonnes], prepare=True)
            self._insert_tracking(curs, tracking)


class ProjectionStock(Projection[VueStock]):
    name = "banc_stock"
    topics = tuple(sorted({s for v in VueStock.vues for s in v.sujets}))

    def process_event(self, domain_event: Any, tracking: Tracking) -> None:
        self.view.traiter(domain_event, tracking)


class CotraitanceSeule(Cotraitance):
    """The application as the library's runner builds it: from its environment alone."""

    name = "Cotraitance"  # the same stored application: its name picks the tables
    base: Base | None = None
    """Set before the runner builds it (its ports read the same database)."""

    def __init__(self, env: dict[str, str] | None = None) -> None:
        assert self.base is not None
        super().__init__(env, ports=ports(self.base))


def mesurer_stock(base: Base, evenements: int) -> dict[str, Any]:
    with psycopg.connect(base.conninfo(), autocommit=True) as conn:
        ligne = conn.execute(
            sql.SQL(
                "SELECT notification_id FROM {}.cotraitance_events WHERE topic = ANY(%s) "
                "ORDER BY notification_id OFFSET %s LIMIT 1"
            ).format(sql.Identifier(base.postgres_schema)),
            [list(ProjectionStock.topics), evenements - 1],
        ).fetchone()
    assert ligne is not None, "not enough events for the stock runner's subset"
    cible = int(ligne[0])
    debut = time.perf_counter()
    CotraitanceSeule.base = base
    runner = ProjectionRunner(
        application_class=CotraitanceSeule,
        projection_class=ProjectionStock,
        view_class=VueStock,
        env=base.env,
    )
    with runner:
        runner.wait(cible, timeout=900)
        duree = time.perf_counter() - debut
    with psycopg.connect(base.conninfo(), autocommit=True) as conn:
        lignes = {
            v.nom: int(
                (
                    conn.execute(
                        sql.SQL("SELECT COUNT(*) FROM {}").format(
                            sql.Identifier(base.postgres_schema, f"stock_{v.table}")
                        )
                    ).fetchone()
                    or (0,)
                )[0]
            )
            for v in VueStock.vues
        }
    assert all(lignes.values()), f"the stock projection wrote nothing: {lignes}"
    return {"evenements": evenements, "secondes": duree, "lignes": lignes}


def version_postgres() -> str:
    with psycopg.connect(base_depuis_url(POSTGRES_URL).conninfo(), autocommit=True) as conn:
        ligne = conn.execute("SHOW server_version").fetchone()
    return str(ligne[0]) if ligne else "?"


# ---------------------------------------------------------------------- report


def tableau(lignes: Sequence[tuple[str, str, str]]) -> str:
    largeurs = [max(len(ligne[i]) for ligne in lignes) for i in range(3)]
    rendu = []
    for n, ligne in enumerate(lignes):
        rendu.append("  ".join(c.ljust(w) for c, w in zip(ligne, largeurs, strict=True)))
        if n == 0:
            rendu.append("  ".join("-" * w for w in largeurs))
    return "\n".join(rendu)


def journal(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="smaller sizes, under a minute")
    parser.add_argument("--travail-reconstruction", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.travail_reconstruction:
        travail_reconstruction()
        return 0
    tailles = RAPIDE if args.quick else COMPLET
    debut_total = time.perf_counter()
    bases: list[Base] = []
    repertoire = tempfile.TemporaryDirectory(prefix="bench_core_")
    travailleur = lancer_travailleur()
    try:
        journal(f"commands on SQLite: {tailles.repetitions} x {tailles.jeunes} youths")
        sqlite = base_depuis_url(f"sqlite:///{repertoire.name}/bench.db")
        cmd_sqlite = mesurer_commandes(sqlite, tailles, "S")

        journal(f"commands on PostgreSQL: {tailles.repetitions} x {tailles.jeunes} youths")
        bases.append(schema_postgres("cmd"))
        cmd_pg = mesurer_commandes(bases[-1], tailles, "P")

        journal(f"seeding {tailles.evenements_reconstruction} events on PostgreSQL")
        bases.append(schema_postgres("proj"))
        base_proj = bases[-1]
        seme, duree_semis = peupler(base_proj, tailles)

        journal("rebuilding every view (child process)")
        ours = mesurer_reconstruction(travailleur, base_proj)
        assert ours["retard"] == 0, ours

        journal(f"stock ProjectionRunner on the first {tailles.evenements_stock} events")
        stock = mesurer_stock(base_proj, tailles.evenements_stock)
    finally:
        if travailleur.poll() is None:
            travailleur.kill()
            travailleur.wait()
        for base in bases:
            supprimer_schema(base)
        repertoire.cleanup()

    ours_par_s = ours["evenements"] / ours["secondes"]
    stock_par_s = stock["evenements"] / stock["secondes"]
    figures: dict[str, Any] = {
        "bench": "core",
        "quick": bool(args.quick),
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()} {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, PostgreSQL {version_postgres()}",
        "commands_per_s_sqlite": round(cmd_sqlite.commandes, 1),
        "baseline_saves_per_s_sqlite": round(cmd_sqlite.temoin, 1),
        "baseline_ratio_sqlite": round(cmd_sqlite.ratio, 3),
        "commands_per_s_postgres": round(cmd_pg.commandes, 1),
        "baseline_saves_per_s_postgres": round(cmd_pg.temoin, 1),
        "baseline_ratio_postgres": round(cmd_pg.ratio, 3),
        "commands_per_s_sqlite_runs": [round(x, 1) for x in cmd_sqlite.commandes_par_s],
        "commands_per_s_postgres_runs": [round(x, 1) for x in cmd_pg.commandes_par_s],
        "rebuild_events_per_s": round(ours_par_s, 1),
        "stock_rebuild_events_per_s": round(stock_par_s, 1),
        "rebuild_speedup": round(ours_par_s / stock_par_s, 2),
        "peak_rss_mb": round(ours["rss_pic_mo"], 1),
        "rss_before_rebuild_mb": round(ours["rss_avant_mo"], 1),
        "rebuild_seconds": round(ours["secondes"], 2),
        "rebuild_rows": ours["lignes"],
        "seed_events_per_s": round(seme / duree_semis, 1),
        "sizes": {
            "youths_per_repeat": tailles.jeunes,
            "commands_per_repeat": tailles.jeunes * COMMANDES_PAR_JEUNE,
            "events_per_path": cmd_pg.evenements_par_parcours,
            "repeats": tailles.repetitions,
            "rebuild_events": ours["evenements"],
            "stock_events": stock["evenements"],
            "seed_model_youths": tailles.jeunes_modeles,
            "rebuild_batch": LOT,
        },
        "targets_met": {
            "rebuild_speedup_ge_10": ours_par_s / stock_par_s >= 10,
            "rebuild_ge_10000_events_per_s": ours_par_s >= 10_000,
        },
        "total_seconds": round(time.perf_counter() - debut_total, 1),
    }
    lignes = [
        ("figure", "value", "baseline (same run) / ratio"),
        (
            "commands/s SQLite",
            f"{cmd_sqlite.commandes:,.0f}",
            f"raw save {cmd_sqlite.temoin:,.0f}/s → ratio {cmd_sqlite.ratio:.2f}",
        ),
        (
            "commands/s PostgreSQL",
            f"{cmd_pg.commandes:,.0f}",
            f"raw save {cmd_pg.temoin:,.0f}/s → ratio {cmd_pg.ratio:.2f}",
        ),
        (
            f"rebuild events/s ({ours['evenements']:,} events)",
            f"{ours_par_s:,.0f}",
            f"stock runner {stock_par_s:,.0f}/s ({stock['evenements']:,} events) → "
            f"speedup {ours_par_s / stock_par_s:.1f}x",
        ),
        (
            "rebuild peak RSS",
            f"{ours['rss_pic_mo']:,.0f} MB",
            f"{ours['rss_avant_mo']:,.0f} MB before the rebuild",
        ),
        ("seeding (bulk insert_events)", f"{seme / duree_semis:,.0f} ev/s", ""),
    ]
    print(tableau(lignes))
    print(json.dumps(figures, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""DUDE flows benchmark: delivery of the flows to the DUDE simulator, with and without faults.

    python bench/flows.py [--quick]

1. Seeding: youths run through the real commands (``application.service.Cotraitance``) on
   PostgreSQL, then the emitter (``integrations.dude.emetteur.EmetteurDude``, through the
   processors' runner) derives their flows: 10 flows per youth (the affectation decision, the
   entry, three interviews caught up by a backdated entry, four events inside the window, the
   exit), and two events that must not flow (one dated before the entry, one after the exit).
   Full: 1,000 youths, 10,000 flows; quick: 100 youths, 1,000 flows.
2. Backlog delivery (flows/s): ``Expediteur.vider`` sends every flow to a DUDE simulator running
   in its own process (``integrations.dude.simulateur``, uvicorn), once with 20% of 503s and 5% of
   timeouts (the flow recorded by the DUDE, the answer later than the sender's timeout), once
   without faults — the baseline. Repeated (the order alternates), the delivery state reset in
   between; medians reported. Each run checks what the DUDE holds: acknowledged, lost (not
   acknowledged, or acknowledged but absent from the DUDE), duplicates in effect (a key held twice
   in a dossier DUDE), the order per DUDE dossier.
3. Lag at a steady load: ``serve``'s workers (the runner and the background sender, as
   ``Service.demarrer`` starts them) while one thread records events at 100 flows/s; the lag of a
   flow is from its event's recorded timestamp (taken just before the commit) to its
   acknowledgement; p50/p99, without then with faults.

Ends with one line of JSON. PostgreSQL: ``COTRAITANCE_BENCH_POSTGRES_URL`` (default
``postgresql://postgres@127.0.0.1:5432/postgres``), in a scratch schema dropped at the end.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

RACINE = Path(__file__).resolve().parent.parent
if str(RACINE) not in sys.path:
    sys.path.insert(0, str(RACINE))

import httpx2  # noqa: E402
import psycopg  # noqa: E402
from psycopg import sql  # noqa: E402

from application.contexte import Contexte, systeme  # noqa: E402
from application.horloge import HorlogeFixe  # noqa: E402
from application.magasin.persistance import Base, base_depuis_url  # noqa: E402
from application.service import Cotraitance  # noqa: E402
from application.traitement.stockage import StockageVues  # noqa: E402
from cotraitance.racine import Service, assembler, ports  # noqa: E402
from domain.affectation import DonneesAffectation  # noqa: E402
from domain.valeurs import (  # noqa: E402
    Acteur,
    Conseiller,
    Identite,
    MotifSortie,
    Role,
    TypeAffectation,
    TypeEvenement,
)
from integrations.dude.envoi import Expediteur, ReglagesEnvoi  # noqa: E402

POSTGRES_URL = os.environ.get(
    "COTRAITANCE_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
ML = "ML001"
AUJOURDHUI = date(2026, 11, 30)
DATE_AFFECTATION = date(2026, 9, 1)
ENTREE = date(2026, 10, 1)
SORTIE = date(2026, 11, 1)
GESTIONNAIRE = Contexte(Acteur("gestion-1", Role.GESTIONNAIRE, ML))
CONSEILLER = Contexte(Acteur("conseil-1", Role.CONSEILLER, ML))
FLUX_PAR_JEUNE = 10

FAUTES = {"taux_5xx": 0.2, "taux_timeout": 0.05, "duree_timeout_s": 2.5, "graine": 11}
SANS_FAUTES: dict[str, Any] = {}
ENVOI = {"delai": 2.0}
"""The sender's settings, else the service's defaults (64 in flight, backoff from 0.5 s). A
simulated timeout must end: the sender gives up after 2 s, the DUDE answers after 2.5 s."""
DEBIT_OFFERT = 100
"""Flows/s offered in the lag phase."""


@dataclass(frozen=True)
class Tailles:
    jeunes: int
    repetitions: int
    duree_offerte_s: float
    jeunes_en_cours: int
    """Youths whose PPAE runs during the lag phase (events are recorded for them)."""


COMPLET = Tailles(jeunes=1_000, repetitions=3, duree_offerte_s=30.0, jeunes_en_cours=200)
RAPIDE = Tailles(jeunes=100, repetitions=1, duree_offerte_s=8.0, jeunes_en_cours=40)


def trace(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# ---------------------------------------------------------------------- database


@contextmanager
def schema_postgres() -> Iterator[Base]:
    nom = f"bench_flux_{uuid.uuid4().hex[:10]}"
    base = base_depuis_url(f"{POSTGRES_URL}?schema={nom}")
    with psycopg.connect(base.conninfo(), autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(nom)))
    try:
        yield base
    finally:
        with psycopg.connect(base.conninfo(), autocommit=True) as conn:
            conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(nom)))


def application(base: Base) -> Cotraitance:
    app = Cotraitance(env=base.env, ports=ports(base), horloge=HorlogeFixe(AUJOURDHUI))
    app.enregistrer_mission_locale(
        systeme(ML),
        ML,
        "Mission Locale du banc d'essai",
        ["75111", "75120"],
        [Conseiller("C1", "Claire Martin"), Conseiller("C2", "Karim Benali")],
    )
    return app


def requete(base: Base, texte: str) -> list[tuple[Any, ...]]:
    with psycopg.connect(base.conninfo(), autocommit=True) as conn:
        conn.execute(sql.SQL("SET search_path TO {}").format(sql.Identifier(base.postgres_schema)))
        return list(conn.execute(texte.encode()).fetchall())


def reinitialiser_envoi(base: Base) -> None:
    """Every flow back to "to send", as the emitter left it (the flows themselves untouched)."""
    requete(
        base,
        "UPDATE flux_dude SET statut = 'EN_ATTENTE', tentatives = 0, prochain_essai = cree_le, "
        "bail_jusqua = NULL, envoye_le = NULL, acquitte_le = NULL, erreur = NULL, transport = NULL "
        "RETURNING 1",
    )


# ---------------------------------------------------------------------- histories


@dataclass
class Jeune:
    dossier_id: UUID
    ppae_id: UUID


def entrer(app: Cotraitance, i: int) -> Jeune:
    """Intake to a running PPAE: 1 decision flow, 3 interviews caught up, the entry."""
    donnees = DonneesAffectation(
        id_affectation=f"AFF-{i}",
        code_ml=ML,
        date_affectation=DATE_AFFECTATION,
        type_affectation=TypeAffectation.INITIALE,
        identifiant_pe=f"{1_000_000 + i}X",
        identite=Identite(f"Nom{i}", f"Prénom{i}", date(2004, 1, 1)),
    )
    a = app.recevoir_affectation(systeme(ML), donnees).affectation_id
    assert a is not None
    app.decider_affectation(GESTIONNAIRE, a, True, None)
    r = app.creer_dossier_importe(GESTIONNAIRE, a)
    assert r.dossier_id is not None
    assert r.ppae_id is not None
    app.affecter_conseiller(GESTIONNAIRE, r.ppae_id, "C1" if i % 2 else "C2")
    avant = ENTREE - timedelta(days=10)  # before the entry date: never flows
    for jour in (avant, date(2026, 10, 3), date(2026, 10, 8), date(2026, 10, 12)):
        app.saisir_evenement(CONSEILLER, r.dossier_id, TypeEvenement.ENTRETIEN_INDIVIDUEL, jour)
    app.justifier_dossier(CONSEILLER, r.dossier_id, "CNI")
    app.accepter_ppae(CONSEILLER, r.ppae_id, ENTREE)
    return Jeune(r.dossier_id, r.ppae_id)


def parcours(app: Cotraitance, i: int) -> None:
    """A whole PPAE: 10 flows, and two events outside the window."""
    jeune = entrer(app, i)
    for type_, jour in (
        (TypeEvenement.INFORMATION_COLLECTIVE, date(2026, 10, 15)),
        (TypeEvenement.ATELIER, date(2026, 10, 20)),
        (TypeEvenement.PROPOSITION_EMPLOI, date(2026, 10, 22)),
        (TypeEvenement.ENTRETIEN_INDIVIDUEL, date(2026, 10, 27)),
    ):
        app.saisir_evenement(CONSEILLER, jeune.dossier_id, type_, jour)
    app.sortir_ppae(CONSEILLER, jeune.ppae_id, SORTIE, MotifSortie.DEMENAGEMENT)
    app.saisir_evenement(
        CONSEILLER, jeune.dossier_id, TypeEvenement.ENTRETIEN_INDIVIDUEL, date(2026, 11, 10)
    )


# ---------------------------------------------------------------------- the DUDE simulator


SERVEUR = """
import sys, uvicorn
from integrations.dude.simulateur import Simulateur
uvicorn.run(Simulateur().application(), host="127.0.0.1", port=int(sys.argv[1]),
            log_level="warning", access_log=False)
"""


@contextmanager
def simulateur(fautes: dict[str, Any]) -> Iterator[str]:
    """A fresh DUDE simulator in its own process; yields its base URL."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    processus = subprocess.Popen([sys.executable, "-c", SERVEUR, str(port)], cwd=RACINE)
    url = f"http://127.0.0.1:{port}"
    try:
        limite = time.monotonic() + 20
        while True:
            try:
                httpx2.get(f"{url}/etat", timeout=1).raise_for_status()
                break
            except httpx2.TransportError:
                if time.monotonic() > limite or processus.poll() is not None:
                    raise RuntimeError("the DUDE simulator did not start") from None
                time.sleep(0.05)
        httpx2.post(f"{url}/fautes", json=fautes, timeout=5).raise_for_status()
        yield url
    finally:
        processus.terminate()
        processus.wait(10)


@dataclass
class Livraison:
    faults: bool
    seconds: float
    flows_per_s: float
    acknowledged: int
    lost: int
    duplicates: int
    redelivered: int
    attempts: int
    order_violations: int


def verifier(base: Base, url: str, faults: bool, secondes: float) -> Livraison:
    """What the DUDE holds against what the register says."""
    lignes = requete(base, "SELECT cle, statut, groupe FROM flux_dude ORDER BY ordre")
    acquittes = {c for c, s, _ in lignes if s == "ACQUITTE"}
    recus = {f["cle"] for f in httpx2.get(f"{url}/flux", timeout=30).json()["flux"]}
    etat = httpx2.get(f"{url}/etat", timeout=10).json()
    attendu: dict[str, list[str]] = {}
    for c, _, groupe in lignes:
        attendu.setdefault(groupe, []).append(c)
    violations = 0
    for groupe, cles in attendu.items():
        tenu = httpx2.get(f"{url}/dossiers/{groupe}", timeout=10).json()["flux"]
        violations += [f["cle"] for f in tenu] != cles
    return Livraison(
        faults=faults,
        seconds=round(secondes, 3),
        flows_per_s=round(len(lignes) / secondes, 1),
        acknowledged=len(acquittes),
        lost=len(lignes) - len(acquittes & recus),
        duplicates=int(etat["doublonsEnEffet"]),
        redelivered=int(etat["doublons"]),
        attempts=int(etat["tentatives"]),
        order_violations=violations,
    )


def livrer(base: Base, faults: bool) -> Livraison:
    reinitialiser_envoi(base)
    with simulateur(FAUTES if faults else SANS_FAUTES) as url:
        expediteur = Expediteur(StockageVues(base), ReglagesEnvoi(f"{url}/flux", **ENVOI))
        try:
            debut = time.perf_counter()
            expediteur.vider(900)
            secondes = time.perf_counter() - debut
        finally:
            expediteur.stockage.close()
        return verifier(base, url, faults, secondes)


# ---------------------------------------------------------------------- lag under load


@dataclass
class Retard:
    faults: bool
    offered_flows_per_s: float
    flows: int
    acknowledged: int
    p50_ms: float
    p99_ms: float
    max_ms: float


PRODUCTEURS = 2
"""Processes recording the events of the lag phase, as API workers would: the service's own
process runs the runner and the sender only."""


def produire(
    url: str,
    dossiers: list[str],
    pret: Any,
    depart: Any,
    rang: int,
    nombre: int,
    journal: str,
) -> None:
    """One producer process: events ``rang``, ``rang + PRODUCTEURS``… of the schedule, each at
    its due time (the start + its index / ``DEBIT_OFFERT``); writes each event's id with the
    wall-clock time its command returned, i.e. its commit."""
    base = base_depuis_url(url, creer=False)
    app = Cotraitance(env=base.env, ports=ports(base), horloge=HorlogeFixe(AUJOURDHUI))
    types = [
        TypeEvenement.ENTRETIEN_INDIVIDUEL,
        TypeEvenement.ATELIER,
        TypeEvenement.INFORMATION_COLLECTIVE,
        TypeEvenement.PROPOSITION_FORMATION,
    ]
    commits: list[tuple[str, float]] = []
    try:
        pret.set()
        while depart.value == 0.0:
            time.sleep(0.01)
        debut = depart.value
        for k in range(rang, nombre, PRODUCTEURS):
            attente = debut + k / DEBIT_OFFERT - time.time()
            if attente > 0:
                time.sleep(attente)
            dossier = UUID(dossiers[k % len(dossiers)])
            jour = date(2026, 11, 1) + timedelta(days=k % 29)
            r = app.saisir_evenement(CONSEILLER, dossier, types[k % len(types)], jour)
            commits.append((str(r.evenement_id), time.time()))
    finally:
        app.close()
        Path(journal).write_text(json.dumps(commits), encoding="utf-8")


def charge(base: Base, jeunes: list[Jeune], duree: float, faults: bool) -> Retard:
    """Events recorded at ``DEBIT_OFFERT`` per second by producer processes while ``serve``'s
    workers run here; waits until every resulting flow is concluded. The lag of a flow: from
    the moment its event's command returned (committed) to the flow's acknowledgement."""
    nombre = int(duree * DEBIT_OFFERT)
    contexte = multiprocessing.get_context("spawn")
    depart = contexte.Value("d", 0.0)
    with tempfile.TemporaryDirectory() as dossier:
        journaux = [str(Path(dossier) / f"{rang}.json") for rang in range(PRODUCTEURS)]
        producteurs = []
        for rang in range(PRODUCTEURS):
            pret = contexte.Event()
            ids_ = [str(j.dossier_id) for j in jeunes]
            args = (base.url, ids_, pret, depart, rang, nombre, journaux[rang])
            producteurs.append((contexte.Process(target=produire, args=args), pret))
        for p, _ in producteurs:
            p.start()
        for p, pret in producteurs:
            while not pret.wait(0.1):
                if not p.is_alive():
                    raise RuntimeError("a producer failed to start")
        debut = time.time() + 0.2
        depart.value = debut
        for p, _ in producteurs:
            p.join()
            if p.exitcode:
                raise RuntimeError(f"a producer failed (exit code {p.exitcode})")
        offert = nombre / (time.time() - debut)
        commits = dict(c for j in journaux for c in json.loads(Path(j).read_text("utf-8")))
    texte = "SELECT evenement_id, acquitte_le, statut FROM flux_dude WHERE type = 'EVENEMENT'"
    limite = time.monotonic() + 600
    while True:
        lignes = [x for x in requete(base, texte) if x[0] in commits]
        faits = [x for x in lignes if x[2] in ("ACQUITTE", "REJETE")]
        if (len(lignes) >= nombre and len(faits) == len(lignes)) or time.monotonic() > limite:
            break
        time.sleep(0.2)
    retards = sorted(
        (datetime.fromisoformat(a).timestamp() - commits[e]) * 1000
        for e, a, s in lignes
        if s == "ACQUITTE"
    )
    return Retard(
        faults=faults,
        offered_flows_per_s=round(offert, 1),
        flows=len(lignes),
        acknowledged=len(retards),
        p50_ms=round(centile(retards, 50), 1),
        p99_ms=round(centile(retards, 99), 1),
        max_ms=round(retards[-1], 1) if retards else float("nan"),
    )


def centile(valeurs: list[float], rang: int) -> float:
    if not valeurs:
        return float("nan")
    return (
        statistics.quantiles(valeurs, n=100, method="inclusive")[rang - 1]
        if rang < 100
        else valeurs[-1]
    )


def phase_retard(base: Base, tailles: Tailles, app: Cotraitance) -> list[Retard]:
    trace(f"lag phase: {tailles.jeunes_en_cours} running PPAEs")
    jeunes = [entrer(app, tailles.jeunes * 10 + i) for i in range(tailles.jeunes_en_cours)]
    resultats = []
    for faults in (False, True):
        with simulateur(FAUTES if faults else SANS_FAUTES) as url:
            service = assembler(base, app, envoi=ReglagesEnvoi(f"{url}/flux", **ENVOI))
            service.demarrer()
            try:
                attendre_vide(base, service)  # the entries' flows are delivered first
                trace(
                    f"  {DEBIT_OFFERT} flows/s offered for {tailles.duree_offerte_s:.0f} s, "
                    f"faults={faults}"
                )
                resultats.append(charge(base, jeunes, tailles.duree_offerte_s, faults))
            finally:
                service.fermer_connexions()
    return resultats


def attendre_vide(base: Base, service: Service) -> None:
    """Until the emitter has read the whole log and every flow is concluded."""
    if not service.runner.attendre(service.app.magasin.position(), 600):
        raise RuntimeError("the processors did not catch up before the lag phase")
    limite = time.monotonic() + 600
    while time.monotonic() < limite:
        if not requete(
            base, "SELECT 1 FROM flux_dude WHERE statut IN ('EN_ATTENTE', 'ENVOYE') LIMIT 1"
        ):
            return
        time.sleep(0.2)
    raise RuntimeError("the flows before the lag phase were not delivered")


# ---------------------------------------------------------------------- main


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="100 youths, a short lag phase")
    tailles = RAPIDE if parser.parse_args().quick else COMPLET

    with schema_postgres() as base:
        app = application(base)
        try:
            trace(f"seeding {tailles.jeunes} youths through the commands")
            debut = time.perf_counter()
            for i in range(tailles.jeunes):
                parcours(app, i)
            commandes_s = time.perf_counter() - debut
            service = assembler(base, app)
            try:
                debut = time.perf_counter()
                service.runner.rattraper()
                emission_s = time.perf_counter() - debut
            finally:
                service.fermer_connexions()
            flux = requete(base, "SELECT count(*) FROM flux_dude")[0][0]
            attendu = FLUX_PAR_JEUNE * tailles.jeunes
            if flux != attendu:
                raise SystemExit(f"the emitter derived {flux} flows, {attendu} expected")
            trace(f"  {flux} flows derived in {emission_s:.1f} s")

            livraisons: list[Livraison] = []
            for r in range(tailles.repetitions):
                for faults in (True, False) if r % 2 == 0 else (False, True):
                    trace(f"delivery {r + 1}/{tailles.repetitions}, faults={faults}")
                    livraisons.append(livrer(base, faults))
                    trace(f"  {asdict(livraisons[-1])}")
            retards = phase_retard(base, tailles, app)
        finally:
            app.close()

    avec = [x for x in livraisons if x.faults]
    sans = [x for x in livraisons if not x.faults]
    retard_sans = next(x for x in retards if not x.faults)
    retard_avec = next(x for x in retards if x.faults)
    debit = statistics.median(x.flows_per_s for x in avec)
    debit_sans = statistics.median(x.flows_per_s for x in sans)

    print()
    print(
        f"Delivery of {flux} flows to the DUDE simulator (PostgreSQL), medians of "
        f"{tailles.repetitions} runs each"
    )
    print(f"{'':34} {'20% 5xx, 5% timeouts':>22} {'no faults':>12}")
    print(f"{'flows/s':34} {debit:>22,.0f} {debit_sans:>12,.0f}")
    for champ in ("acknowledged", "lost", "duplicates", "redelivered", "order_violations"):
        print(f"{champ + ' (worst run)':34} {pire(avec, champ):>22,} {pire(sans, champ):>12,}")
    print(
        f"{'attempts (median)':34} {statistics.median(x.attempts for x in avec):>22,.0f} "
        f"{statistics.median(x.attempts for x in sans):>12,.0f}"
    )
    print()
    print(
        f"Lag from the event's commit to its acknowledgement, {DEBIT_OFFERT} flows/s offered "
        f"for {tailles.duree_offerte_s:.0f} s"
    )
    print(f"{'':34} {'20% 5xx, 5% timeouts':>22} {'no faults':>12}")
    print(f"{'p50 (ms)':34} {retard_avec.p50_ms:>22,.0f} {retard_sans.p50_ms:>12,.0f}")
    print(f"{'p99 (ms)':34} {retard_avec.p99_ms:>22,.0f} {retard_sans.p99_ms:>12,.0f}")
    print(f"{'max (ms)':34} {retard_avec.max_ms:>22,.0f} {retard_sans.max_ms:>12,.0f}")
    print(
        f"{'offered flows/s achieved':34} {retard_avec.offered_flows_per_s:>22,.1f} "
        f"{retard_sans.offered_flows_per_s:>12,.1f}"
    )

    resultat = {
        "bench": "flows",
        "quick": tailles is RAPIDE,
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "flows": flux,
        "acknowledged": min(x.acknowledged for x in livraisons),
        "lost": max(x.lost for x in livraisons),
        "duplicates": max(x.duplicates for x in livraisons),
        "order_violations": max(x.order_violations for x in livraisons),
        "redelivered_deduplicated": statistics.median(x.redelivered for x in avec),
        "flows_per_s": debit,
        "flows_per_s_no_faults": debit_sans,
        "faults_ratio": round(debit / debit_sans, 3),
        "lag_p50_ms": retard_avec.p50_ms,
        "lag_p99_ms": retard_avec.p99_ms,
        "lag_p50_ms_no_faults": retard_sans.p50_ms,
        "lag_p99_ms_no_faults": retard_sans.p99_ms,
        "lag_offered_flows_per_s": retard_sans.offered_flows_per_s,
        "lag_flows": retard_sans.flows,
        "seed_commands_s": round(commandes_s, 1),
        "emit_s": round(emission_s, 2),
        "target_flows_per_s_met": debit_sans >= 300,
        "target_lag_p99_met": retard_sans.p99_ms <= 1000,
        "runs": [asdict(x) for x in livraisons],
        "lag_runs": [asdict(x) for x in retards],
    }
    print(json.dumps(resultat))
    return 0


def pire(livraisons: list[Livraison], champ: str) -> int:
    valeurs = [int(getattr(x, champ)) for x in livraisons]
    return min(valeurs) if champ == "acknowledged" else max(valeurs)


if __name__ == "__main__":
    raise SystemExit(main())

"""Matching quality and speed on a generated French population (issue figures).

    python bench/matching.py [--quick]

Full: 1,500,000 dossiers (30 Missions Locales of 50,000), 10,000 affectations; quick: 30,000
dossiers, 1,000 affectations (under a minute). Phases:

1. the population (``cotraitance demo-data``'s generator, seed 1) in a temporary directory;
2. in memory, the service's engine (``domain/rapprochement.py``: same keys, levels, weights and
   bands as the processor-kept index): the index of every ML's dossiers (time, resident memory
   it added), then each affectation matched within its ML against the truth; the baseline
   (exact birth date + mean Jaro-Winkler of the names) on the same data, same run;
3. on PostgreSQL (``COTRAITANCE_BENCH_POSTGRES_URL``, default the local server; a scratch
   schema dropped at the end): ``import dossiers`` of the dossiers (dossiers/s, events/s)
   against ``insert_events`` of the same events in batches of the import's size
   (``load_ratio_to_raw``) and against the store's bulk path alone (``COPY``, which the import
   writes with: ``load_ratio_to_raw_copy``), then the
   matching index built by its processor, then single lookups through the service's port: an
   affectation matched, a ``creerDossier`` duplicate check (p50 over 200 each). ``--quick`` and
   ``--sans-postgres`` skip nothing of the keys: figures of a skipped phase are null.

Ends with one line of JSON. Medians where repeated; the baseline is measured in the same run.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

RACINE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(RACINE))

from cotraitance import evaluation  # noqa: E402
from cotraitance.population import Parametres, generer  # noqa: E402


@dataclass(frozen=True)
class Tailles:
    dossiers: int
    affectations: int
    echantillon_sql: int


COMPLET = Tailles(1_500_000, 10_000, 200)
RAPIDE = Tailles(30_000, 1_000, 100)


def trace(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def population(repertoire: Path, tailles: Tailles) -> float:
    debut = time.perf_counter()
    generer(
        repertoire,
        Parametres(dossiers=tailles.dossiers, affectations=tailles.affectations, graine=1),
    )
    return time.perf_counter() - debut


def en_memoire(repertoire: Path) -> dict[str, Any]:
    trace("indexing the dossiers in memory")
    pop = evaluation.charger(repertoire)
    trace(f"  {pop.dossiers} dossiers in {pop.index_s:.1f} s, {pop.index_rss_mo:.0f} MB")
    trace("matching (engine)")
    moteur = evaluation.resume(evaluation.evaluer(pop))
    trace("matching (baseline)")
    reference = evaluation.resume(evaluation.evaluer_reference(pop))
    return {
        "dossiers": pop.dossiers,
        "affectations": len(pop.affectations),
        "rows_unreadable": pop.rejetees,
        "index_seconds": round(pop.index_s, 2),
        "index_rss_mb": round(pop.index_rss_mo, 1),
        "engine": moteur,
        "baseline": reference,
    }


def sur_postgres(repertoire: Path, tailles: Tailles) -> dict[str, Any]:
    """Phase 3 in a process of its own, so that its peak memory is its own."""
    trace("PostgreSQL: import dossiers, raw insert_events, index, single lookups")
    sortie = subprocess.run(
        [
            sys.executable,
            __file__,
            "--phase-postgres",
            str(repertoire),
            str(tailles.echantillon_sql),
        ],
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    )
    figures: dict[str, Any] = json.loads(sortie.stdout.strip().splitlines()[-1])
    return figures


def phase_postgres(repertoire: Path, echantillon: int) -> dict[str, Any]:
    import psycopg
    from eventsourcing.persistence import StoredEvent

    from application.magasin.persistance import Base, base_depuis_url
    from application.service import Cotraitance
    from cotraitance.cli import main as cotraitance
    from cotraitance.racine import assembler, construire_application, ports
    from projections.rapprochement import IndexRapprochement

    url = os.environ.get(
        "COTRAITANCE_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
    )
    suffixe = uuid.uuid4().hex[:8]
    bases = [base_depuis_url(f"{url}?schema=bench_rap_{n}_{suffixe}") for n in ("a", "b", "c")]
    try:
        base, brute, copiee = bases
        os.environ["COTRAITANCE_DATABASE_URL"] = base.url
        with contextlib.redirect_stdout(io.StringIO()):
            cotraitance(["import", "missions-locales", str(repertoire / "missions-locales.jsonl")])
        app = Cotraitance(env=base.env, ports=ports(base))
        avant = app.magasin.position()
        debut = time.perf_counter()
        with contextlib.redirect_stdout(io.StringIO()) as journal:
            code = cotraitance(["import", "dossiers", str(repertoire / "dossiers.jsonl")])
        chargement = time.perf_counter() - debut
        if code not in (0, 2):  # 2: some rows rejected (counted below), the others loaded
            raise RuntimeError(journal.getvalue()[-2000:])
        rejetees = journal.getvalue().count("rejet ligne")
        evenements = app.magasin.position() - avant
        dossiers = sum(1 for _ in evaluation.lire(repertoire / "dossiers.jsonl"))
        trace(f"  import dossiers: {dossiers} in {chargement:.1f} s, {evenements} events")

        # The same stored events inserted raw, batch by batch, into an empty store: with the
        # library's insert_events (the baseline), and with the store's bulk path alone (COPY,
        # what the import writes with: what the import adds to its own write).
        def inserer_brut(cible: Base, en_masse: bool) -> float:
            autre = construire_application(cible)
            inserer = autre.magasin.inserer_en_masse if en_masse else autre.recorder.insert_events
            insertion = 0.0
            lu = avant
            while True:
                page = app.recorder.select_notifications(lu + 1, 2000)
                if not page:
                    break
                lot = [
                    StoredEvent(n.originator_id, n.originator_version, n.topic, n.state)
                    for n in page
                ]
                t0 = time.perf_counter()
                inserer(lot)
                insertion += time.perf_counter() - t0
                lu = page[-1].id
            autre.close()
            return insertion

        insertion = inserer_brut(brute, en_masse=False)
        trace(f"  raw insert_events: {evenements / insertion:,.0f} events/s")
        copie = inserer_brut(copiee, en_masse=True)
        trace(f"  raw COPY: {evenements / copie:,.0f} events/s")

        service = assembler(base, app)
        debut = time.perf_counter()
        service.runner.rattraper(noms=[IndexRapprochement.nom])
        index_s = time.perf_counter() - debut
        trace(f"  matching index built in {index_s:.1f} s")

        def p50(lignes: list[dict[str, Any]]) -> float:
            durees = []
            for ligne in lignes[:echantillon]:
                fiche = evaluation.fiche_de_ligne(ligne)
                t0 = time.perf_counter()
                app.ports.candidats(ligne["codeMissionLocale"], fiche)
                durees.append((time.perf_counter() - t0) * 1000)
            return round(statistics.median(durees), 2)

        affectations = list(evaluation.lire(repertoire / "affectations.jsonl"))[:echantillon]
        dossiers_echantillon = []
        for i, ligne in enumerate(evaluation.lire(repertoire / "dossiers.jsonl")):
            if i % max(1, dossiers // echantillon) == 0:
                dossiers_echantillon.append(ligne)
        figures = {
            "load_rows_rejected": rejetees,
            "load_dossiers_per_s": round(dossiers / chargement),
            "load_events_per_s": round(evenements / chargement),
            "raw_events_per_s": round(evenements / insertion),
            "load_ratio_to_raw": round((evenements / chargement) / (evenements / insertion), 3),
            "raw_copy_events_per_s": round(evenements / copie),
            "load_ratio_to_raw_copy": round(copie / chargement, 3),
            "load_peak_rss_mb": round(evaluation.rss_max_mo(), 1),
            "load_worker_peak_rss_mb": round(evaluation.rss_max_mo(enfants=True), 1),
            "index_build_s": round(index_s, 1),
            "single_match_ms_p50": p50(affectations),
            "duplicate_check_ms_p50": p50(dossiers_echantillon),
        }
        service.fermer_connexions()
        app.close()
        return figures
    finally:
        for b in bases:
            with psycopg.connect(b.conninfo(), autocommit=True) as conn:
                conn.execute(f'DROP SCHEMA IF EXISTS "{b.postgres_schema}" CASCADE')


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="30,000 dossiers, 1,000 affectations")
    parser.add_argument("--sans-postgres", action="store_true", help="skip phase 3")
    parser.add_argument("--phase-postgres", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase_postgres:
        repertoire, echantillon = args.phase_postgres
        print(json.dumps(phase_postgres(Path(repertoire), int(echantillon))))
        return 0
    tailles = RAPIDE if args.quick else COMPLET
    with tempfile.TemporaryDirectory(prefix="cotraitance-matching-") as dossier:
        repertoire = Path(dossier)
        trace(f"generating {tailles.dossiers} dossiers and {tailles.affectations} affectations")
        generation_s = population(repertoire, tailles)
        memoire = en_memoire(repertoire)
        sql: dict[str, Any] = {}
        if not args.sans_postgres:
            sql = sur_postgres(repertoire, tailles)
    moteur, reference = memoire["engine"], memoire["baseline"]
    figures = {
        "bench": "matching",
        "quick": args.quick,
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "dossiers": memoire["dossiers"],
        "affectations": memoire["affectations"],
        "generation_s": round(generation_s, 1),
        "index_seconds": memoire["index_seconds"],
        "index_rss_mb": memoire["index_rss_mb"],
        "match_seconds": moteur["seconds"],
        "baseline_match_seconds": reference["seconds"],
        "match_ratio_to_baseline": round(moteur["seconds"] / max(reference["seconds"], 1e-9), 2),
        "single_match_ms_p50": sql.get("single_match_ms_p50", moteur["per_match_ms_p50"]),
        "single_match_ms_p50_memory": moteur["per_match_ms_p50"],
        "single_match_ms_p50_sql": sql.get("single_match_ms_p50"),
        "duplicate_check_ms_p50_sql": sql.get("duplicate_check_ms_p50"),
        "false_auto_match_rate": moteur["false_auto_match_rate"],
        "duplicates_created_rate": moteur["duplicates_created_rate"],
        "review_rate": moteur["review_rate"],
        "blocking_recall": moteur["blocking_recall"],
        "auto_match_rate": moteur["auto_match_rate"],
        "baseline_false_auto_match_rate": reference["false_auto_match_rate"],
        "baseline_duplicates_created_rate": reference["duplicates_created_rate"],
        "baseline_review_rate": reference["review_rate"],
        "baseline_blocking_recall": reference["blocking_recall"],
        "load_dossiers_per_s": sql.get("load_dossiers_per_s"),
        "load_events_per_s": sql.get("load_events_per_s"),
        "raw_events_per_s": sql.get("raw_events_per_s"),
        "load_ratio_to_raw": sql.get("load_ratio_to_raw"),
        "raw_copy_events_per_s": sql.get("raw_copy_events_per_s"),
        "load_ratio_to_raw_copy": sql.get("load_ratio_to_raw_copy"),
        "load_peak_rss_mb": sql.get("load_peak_rss_mb"),
        "load_worker_peak_rss_mb": sql.get("load_worker_peak_rss_mb"),
        "load_rows_rejected": sql.get("load_rows_rejected"),
        "index_build_s_sql": sql.get("index_build_s"),
    }
    lignes = [
        ("false auto-match", "false_auto_match_rate", "baseline_false_auto_match_rate", "%"),
        ("duplicates created", "duplicates_created_rate", "baseline_duplicates_created_rate", "%"),
        ("review", "review_rate", "baseline_review_rate", "%"),
        ("blocking recall", "blocking_recall", "baseline_blocking_recall", "%"),
        ("matching (s)", "match_seconds", "baseline_match_seconds", "s"),
    ]
    print(
        f"\nMatching {figures['affectations']:,} affectations against "
        f"{figures['dossiers']:,} dossiers"
    )
    print(f"{'':<28}{'engine':>12}{'baseline':>12}")
    for libelle, cle, cle_base, unite in lignes:
        a, b = figures[cle], figures[cle_base]
        if unite == "%":
            print(f"{libelle:<28}{a:>12.2%}{b:>12.2%}")
        else:
            print(f"{libelle:<28}{a:>12.2f}{b:>12.2f}")
    print(f"index: {figures['index_seconds']} s, {figures['index_rss_mb']} MB resident")
    print(f"one affectation, in memory, p50: {figures['single_match_ms_p50_memory']} ms")
    if sql:
        print(
            f"PostgreSQL: one affectation p50 {sql['single_match_ms_p50']} ms, a creerDossier "
            f"duplicate check p50 {sql['duplicate_check_ms_p50']} ms; import dossiers "
            f"{sql['load_dossiers_per_s']:,.0f} dossiers/s ({sql['load_events_per_s']:,.0f} "
            f"events/s) vs raw insert_events {sql['raw_events_per_s']:,.0f} events/s: ratio "
            f"{sql['load_ratio_to_raw']} (vs raw COPY {sql['raw_copy_events_per_s']:,.0f} "
            f"events/s: {sql['load_ratio_to_raw_copy']})"
        )
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

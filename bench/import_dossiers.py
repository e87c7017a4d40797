"""Bulk load benchmark: ``cotraitance import dossiers`` of generated rows (DESIGN §4 format),
on SQLite (a temp file) and PostgreSQL (a scratch schema, dropped at the end).

    python bench/import_dossiers.py [--quick] [--dossiers N] [--lot L]

Each row: a French-looking identity, a phone and e-mail, a PE identifier for half of them, one
to four past events, a programme for a third. The figures are the whole command's (reading,
checking, building the aggregates, encrypting the personal data, saving), measured in-process;
the number of events is read from the store (creation + past events). Baseline, in the same
run: the same stored events inserted raw by the library's ``insert_events`` into an empty store,
batch by batch (``ratio_au_brut``); and, to show what the import adds to its own write path, the
same events through the store's bulk path alone (``COPY`` on PostgreSQL, the recorder's insert on
SQLite: ``ratio_a_la_copie_brute``). Ends with one line of JSON."""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
import uuid
from contextlib import redirect_stdout
from io import StringIO
from pathlib import Path

RACINE = Path(__file__).resolve().parent.parent
if str(RACINE) not in sys.path:
    sys.path.insert(0, str(RACINE))

import psycopg  # noqa: E402
from eventsourcing.persistence import StoredEvent  # noqa: E402

from application.magasin.persistance import Base, base_depuis_url  # noqa: E402
from application.service import Cotraitance  # noqa: E402
from cotraitance.cli import main  # noqa: E402
from cotraitance.racine import ports  # noqa: E402

POSTGRES = os.environ.get(
    "COTRAITANCE_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
ML = RACINE / "examples" / "missions-locales.jsonl"
NOMS = [
    "Martin",
    "Bernard",
    "Dubois",
    "Thomas",
    "Robert",
    "Richard",
    "Petit",
    "Durand",
    "Leroy",
    "Moreau",
    "Simon",
    "Laurent",
    "Lefèvre",
    "Michel",
    "García",
    "N'Diaye",
]
PRENOMS = ["Léa", "Hugo", "Chloé", "Lucas", "Inès", "Nathan", "Manon", "Théo", "Awa", "Yanis"]
EVENEMENTS = ["ENTRETIEN_INDIVIDUEL", "ATELIER", "INFORMATION_COLLECTIVE", "PROPOSITION_EMPLOI"]


def generer(chemin: Path, n: int, graine: int = 7) -> None:
    hasard = random.Random(graine)
    with chemin.open("w", encoding="utf-8") as fichier:
        for i in range(n):
            annee = hasard.randint(2000, 2008)
            ligne = {
                "idDossier": f"BENCH-{i:07d}",
                "codeMissionLocale": "ML001",
                "nom": hasard.choice(NOMS),
                "nomUsage": None,
                "prenoms": hasard.choice(PRENOMS),
                "dateNaissance": f"{annee}-{hasard.randint(1, 12):02d}-{hasard.randint(1, 28):02d}",
                "sexe": hasard.choice("FM"),
                "communeInsee": "75111",
                "codePostal": "75011",
                "telephone": f"06{hasard.randint(0, 99_999_999):08d}",
                "email": f"jeune{i}@example.org",
                "identifiantPe": f"{i:07d}A" if i % 2 else None,
                "justifie": hasard.random() < 0.7,
                "dispositifs": (
                    [
                        {
                            "type": "PACEA",
                            "statut": "TERMINE",
                            "dateEntree": "2023-01-02",
                            "dateSortie": "2023-12-01",
                        }
                    ]
                    if i % 3 == 0
                    else []
                ),
                "evenements": [
                    {
                        "type": hasard.choice(EVENEMENTS),
                        "date": f"2024-{hasard.randint(1, 12):02d}-{hasard.randint(1, 28):02d}",
                    }
                    for _ in range(hasard.randint(1, 4))
                ],
            }
            fichier.write(json.dumps(ligne, ensure_ascii=False) + "\n")


def position(base: Base) -> int:
    app = Cotraitance(env=base.env, ports=ports(base))
    try:
        return app.magasin.position()
    finally:
        app.close()


def brut(base: Base, autre: Base, avant: int, evenements_par_lot: int, copie: bool) -> float:
    """Baseline: the same stored events (read back from ``base``) inserted raw into an empty
    store, batch by batch, with the library's ``insert_events`` or (``copie``) the store's
    bulk path that the import itself uses (``COPY`` on PostgreSQL); events/s."""
    source = Cotraitance(env=base.env, ports=ports(base))
    cible = Cotraitance(env=autre.env, ports=ports(autre))
    inserer = cible.magasin.inserer_en_masse if copie else cible.recorder.insert_events
    try:
        lus = source.recorder.select_notifications(
            start=avant, limit=10**9, inclusive_of_start=False
        )
        stockes = [
            StoredEvent(e.originator_id, e.originator_version, e.topic, e.state) for e in lus
        ]
        debut = time.perf_counter()
        for i in range(0, len(stockes), evenements_par_lot):
            inserer(stockes[i : i + evenements_par_lot])
        return len(stockes) / (time.perf_counter() - debut)
    finally:
        source.close()
        cible.close()


def mesurer(
    base: Base, autre: Base, copie: Base, fichier: Path, n: int, lot: int
) -> dict[str, float]:
    os.environ["COTRAITANCE_DATABASE_URL"] = base.url
    with redirect_stdout(StringIO()):
        assert main(["import", "missions-locales", str(ML)]) == 0
    avant = position(base)
    sortie = StringIO()
    debut = time.perf_counter()
    with redirect_stdout(sortie):
        code = main(["import", "dossiers", str(fichier), "--lot", str(lot)])
    duree = time.perf_counter() - debut
    assert code == 0, sortie.getvalue()[-2000:]
    evenements = position(base) - avant
    par_lot = round(lot * evenements / n)
    reference = brut(base, autre, avant, par_lot, copie=False)
    copie_brute = brut(base, copie, avant, par_lot, copie=True)
    return {
        "secondes": round(duree, 2),
        "dossiers_par_s": round(n / duree),
        "evenements_par_s": round(evenements / duree),
        "evenements": evenements,
        "brut_evenements_par_s": round(reference),
        "ratio_au_brut": round(evenements / duree / reference, 2),
        "copie_brute_evenements_par_s": round(copie_brute),
        "ratio_a_la_copie_brute": round(evenements / duree / copie_brute, 2),
    }


def main_bench() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="2,000 dossiers")
    parser.add_argument("--dossiers", type=int, default=20_000)
    parser.add_argument("--lot", type=int, default=500)
    args = parser.parse_args()
    n = 2_000 if args.quick else args.dossiers
    resultats: dict[str, object] = {"dossiers": n, "lot": args.lot}
    with tempfile.TemporaryDirectory() as dossier:
        fichier = Path(dossier) / "dossiers.jsonl"
        generer(fichier, n)
        sqlite, sqlite_brut, sqlite_copie = (
            base_depuis_url(f"sqlite:///{Path(dossier) / nom}")
            for nom in ("bench.db", "brut.db", "copie.db")
        )
        resultats["sqlite"] = mesurer(sqlite, sqlite_brut, sqlite_copie, fichier, n, args.lot)
        print(f"SQLite     : {resultats['sqlite']}", flush=True)
        schemas = [f"bench_import_{uuid.uuid4().hex[:8]}" for _ in range(3)]
        pg, pg_brut, pg_copie = (base_depuis_url(f"{POSTGRES}?schema={s}") for s in schemas)
        try:
            with psycopg.connect(pg_brut.conninfo(), autocommit=True) as conn:
                for schema in schemas[1:]:
                    conn.execute(f'CREATE SCHEMA "{schema}"')
            resultats["postgres"] = mesurer(pg, pg_brut, pg_copie, fichier, n, args.lot)
            print(f"PostgreSQL : {resultats['postgres']}", flush=True)
        finally:
            with psycopg.connect(pg.conninfo(), autocommit=True) as conn:
                for schema in schemas:
                    conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    print(json.dumps(resultats))


if __name__ == "__main__":
    main_bench()

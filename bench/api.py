"""API benchmark (DESIGN §6): the `dossier` query through uvicorn, on SQLite and PostgreSQL,
against a trivial query (`moi`) on the same server, measured in the same run.

    python bench/api.py [--quick]

For each database: a real uvicorn server in a subprocess, seeded with the demo data set; a
closed loop of concurrent clients gives the maximum rate of each query; an open loop at half
the maximum rate of the `dossier` query gives its latency percentiles; then 20 sequential
`saisirEvenement` (a manager's clicks, each waiting for the read models) against 20 sequential
`moi`. Prints tables, then one line of JSON. PostgreSQL comes from
COTRAITANCE_BENCH_POSTGRES_URL (a scratch schema, dropped).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

RACINE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(RACINE))

import httpx2 as httpx  # noqa: E402
import psycopg  # noqa: E402

from application.magasin.persistance import base_depuis_url  # noqa: E402

POSTGRES_URL = os.environ.get(
    "COTRAITANCE_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
SECRET = "bench-secret-bench-secret-bench-secret"
DOSSIER = """query($id: ID!) { dossier(id: $id) { id version identite { nom prenoms dateNaissance }
  ppae { id statut statutCotraitance dateEntree
         conditionsEntree { entretien dossierJustifie acceptation } }
  evenements(first: 5) { edges { node { id type date } } } } }"""
TRIVIALE = "{ moi { sub } }"
SAISIR = """mutation($id: ID!) { saisirEvenement(input: {dossierId: $id, type: ATELIER,
  date: "2026-11-02"}) { evenement { id } erreurs { code } } }"""
SEQUENTIELLES = 20


def _serveur(args: argparse.Namespace) -> None:
    """Child process: seed the demo data, print the dossier id, serve."""
    import uvicorn

    from api.app import creer_app
    from cotraitance.demo import charger_demo
    from cotraitance.racine import construire, reglages_api
    from cotraitance.settings import Settings
    from domain.affectation import Affectation

    settings = Settings(
        database_url=args.url,
        jwt_secret=SECRET,
        var_dir=args.var,
        access_log=str(Path(args.var) / "acces.jsonl"),
    )
    service = construire(settings)
    charger_demo(service.app, service.app.horloge.aujourdhui())
    affectation: Affectation = service.app.repository.get(
        Affectation.create_id("ML001", "DEMO-0010")
    )
    print(f"DOSSIER {affectation.dossier_id}", flush=True)
    uvicorn.run(
        creer_app(service, reglages_api(settings)),
        host="127.0.0.1",
        port=args.port,
        log_level="warning",
    )


def _port_libre() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Serveur:
    def __init__(self, url: str, var: str) -> None:
        self.port = _port_libre()
        self.proc = subprocess.Popen(
            [
                sys.executable,
                __file__,
                "--serve",
                "--url",
                url,
                "--var",
                var,
                "--port",
                str(self.port),
            ],
            stdout=subprocess.PIPE,
            text=True,
            cwd=RACINE,
        )
        assert self.proc.stdout is not None
        ligne = self.proc.stdout.readline().split()
        if not ligne or ligne[0] != "DOSSIER":
            self.proc.kill()
            raise RuntimeError("the server did not start")
        from api.ids import encoder_id

        self.dossier_id = encoder_id("Dossier", ligne[1])
        self.base = f"http://127.0.0.1:{self.port}"
        for _ in range(100):
            try:
                if httpx.get(self.base + "/health", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.1)
        raise RuntimeError("the server is not healthy")

    def arreter(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=15)


def _jeton() -> str:
    from api.auth import emettre_jeton_dev
    from domain.valeurs import Role

    return emettre_jeton_dev(SECRET, "bench", Role.GESTIONNAIRE, "ML001")


async def _boucle_fermee(base: str, corps: dict[str, Any], duree: float, clients: int) -> float:
    """Maximum rate: ``clients`` concurrent clients, each sending as soon as answered."""
    entetes = {"Authorization": f"Bearer {_jeton()}"}
    fin = time.perf_counter() + duree
    total = 0
    async with httpx.AsyncClient(base_url=base, headers=entetes, timeout=10) as client:

        async def travailleur() -> int:
            n = 0
            while time.perf_counter() < fin:
                r = await client.post("/graphql", json=corps)
                assert r.status_code == 200, r.text
                assert "errors" not in r.json(), r.text
                n += 1
            return n

        debut = time.perf_counter()
        total = sum(await asyncio.gather(*(travailleur() for _ in range(clients))))
        return total / (time.perf_counter() - debut)


async def _boucle_ouverte(
    base: str, corps: dict[str, Any], debit: float, duree: float
) -> list[float]:
    """Latencies (ms) of requests sent at a fixed rate, whatever the answers' pace."""
    entetes = {"Authorization": f"Bearer {_jeton()}"}
    latences: list[float] = []
    async with httpx.AsyncClient(base_url=base, headers=entetes, timeout=10) as client:

        async def une() -> None:
            t0 = time.perf_counter()
            r = await client.post("/graphql", json=corps)
            assert r.status_code == 200, r.text
            latences.append((time.perf_counter() - t0) * 1000)

        taches = []
        debut = time.perf_counter()
        for i in range(int(debit * duree)):
            attente = debut + i / debit - time.perf_counter()
            if attente > 0:
                await asyncio.sleep(attente)
            taches.append(asyncio.create_task(une()))
        await asyncio.gather(*taches)
    return latences


def _sequentielles(base: str, corps: dict[str, Any], n: int) -> list[float]:
    """Latencies (ms) of ``n`` requests sent one after the other, as a manager's clicks: a
    mutation waits for the read models to take what it recorded (read-your-writes)."""
    entetes = {"Authorization": f"Bearer {_jeton()}"}
    latences = []
    with httpx.Client(base_url=base, headers=entetes, timeout=10) as client:
        for _ in range(n):
            t0 = time.perf_counter()
            r = client.post("/graphql", json=corps)
            latences.append((time.perf_counter() - t0) * 1000)
            assert r.status_code == 200, r.text
            assert "errors" not in r.json(), r.text
            assert not r.json()["data"].get("saisirEvenement", {}).get("erreurs"), r.text
    return latences


def _percentile(valeurs: list[float], p: float) -> float:
    ordonnees = sorted(valeurs)
    return ordonnees[min(len(ordonnees) - 1, round(p / 100 * (len(ordonnees) - 1)))]


def _mesurer(url: str, duree: float, repetitions: int, clients: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as var:
        serveur = Serveur(url, var)
        try:
            dossier = {"query": DOSSIER, "variables": {"id": serveur.dossier_id}}
            triviale = {"query": TRIVIALE}
            asyncio.run(_boucle_fermee(serveur.base, dossier, 1.0, clients))  # warm-up
            rps, base = [], []
            for _ in range(repetitions):  # interleaved: both see the same machine load
                base.append(asyncio.run(_boucle_fermee(serveur.base, triviale, duree, clients)))
                rps.append(asyncio.run(_boucle_fermee(serveur.base, dossier, duree, clients)))
            demi = statistics.median(rps) / 2
            latences = asyncio.run(_boucle_ouverte(serveur.base, dossier, demi, duree * 2))
            saisie = {"query": SAISIR, "variables": {"id": serveur.dossier_id}}
            mutations = _sequentielles(serveur.base, saisie, SEQUENTIELLES)
            triviales = _sequentielles(serveur.base, triviale, SEQUENTIELLES)
        finally:
            serveur.arreter()
    return {
        "rps": statistics.median(rps),
        "baseline_rps": statistics.median(base),
        "p50_ms": _percentile(latences, 50),
        "p99_ms": _percentile(latences, 99),
        "rate_half_max": demi,
        "mutation_p50_ms": statistics.median(mutations),
        "baseline_sequential_p50_ms": statistics.median(triviales),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--var", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        _serveur(args)
        return
    duree, repetitions, clients = (3.0, 1, 8) if args.quick else (8.0, 3, 16)
    with tempfile.TemporaryDirectory() as dossier:
        sqlite = _mesurer(f"sqlite:///{dossier}/bench.db", duree, repetitions, clients)
    schema = f"bench_api_{uuid.uuid4().hex[:8]}"
    base = base_depuis_url(f"{POSTGRES_URL}?schema={schema}")
    with psycopg.connect(base.conninfo(), autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        postgres = _mesurer(f"{POSTGRES_URL}?schema={schema}", duree, repetitions, clients)
    finally:
        with psycopg.connect(base.conninfo(), autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')

    print(
        f"{'database':<10}{'dossier rps':>13}{'moi rps':>10}{'ratio':>8}{'p50 ms':>9}{'p99 ms':>9}"
        f"{'at rps':>9}"
    )
    for nom, m in (("sqlite", sqlite), ("postgres", postgres)):
        ratio = m["rps"] / m["baseline_rps"]
        print(
            f"{nom:<10}{m['rps']:>13.0f}{m['baseline_rps']:>10.0f}{ratio:>8.2f}"
            f"{m['p50_ms']:>9.1f}{m['p99_ms']:>9.1f}{m['rate_half_max']:>9.0f}"
        )
    print(f"\n{SEQUENTIELLES} sequential requests, median ms:")
    print(f"{'database':<10}{'saisirEvenement':>17}{'moi':>8}{'ratio':>8}")
    for nom, m in (("sqlite", sqlite), ("postgres", postgres)):
        ratio = m["mutation_p50_ms"] / m["baseline_sequential_p50_ms"]
        print(
            f"{nom:<10}{m['mutation_p50_ms']:>17.1f}{m['baseline_sequential_p50_ms']:>8.1f}"
            f"{ratio:>8.1f}"
        )
    print(
        json.dumps(
            {
                "rps_sqlite": round(sqlite["rps"], 1),
                "rps_postgres": round(postgres["rps"], 1),
                "baseline_rps": round(postgres["baseline_rps"], 1),
                "baseline_rps_sqlite": round(sqlite["baseline_rps"], 1),
                "ratio_postgres": round(postgres["rps"] / postgres["baseline_rps"], 3),
                "ratio_sqlite": round(sqlite["rps"] / sqlite["baseline_rps"], 3),
                "p50_ms_at_half_max": round(postgres["p50_ms"], 2),
                "p99_ms_at_half_max": round(postgres["p99_ms"], 2),
                "p99_ms_at_half_max_sqlite": round(sqlite["p99_ms"], 2),
                "mutation_p50_ms_sqlite": round(sqlite["mutation_p50_ms"], 2),
                "mutation_p50_ms_postgres": round(postgres["mutation_p50_ms"], 2),
                "baseline_sequential_p50_ms_sqlite": round(sqlite["baseline_sequential_p50_ms"], 2),
                "baseline_sequential_p50_ms_postgres": round(
                    postgres["baseline_sequential_p50_ms"], 2
                ),
                "duration_s": duree,
                "repeats": repetitions,
                "clients": clients,
            }
        )
    )


if __name__ == "__main__":
    main()

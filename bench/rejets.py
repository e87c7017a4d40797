"""Memory of an import whose rows are all bad: ``cotraitance import affectations FILE --rejets
R`` (and ``import dossiers``) on a generated file of bad rows, run as a child process so that
its peak resident memory is its own (``getrusage(RUSAGE_CHILDREN)`` after it ends).

    python bench/rejets.py [--quick] [--mo N]

The rows mix the faults a broken export has: fields missing with a badly written birth date,
truncated JSON, an impossible date. Baseline, in the same run: a child process that only reads
the same file line by line and parses each line's JSON (the floor any reader pays). The
figures: rows, seconds, peak RSS of each, the ratio of the import's peak to the baseline's, the
summary's size, and that the rejection file holds every row. Ends with one line of JSON."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RACINE = Path(__file__).resolve().parent.parent
ML = RACINE / "examples" / "missions-locales.jsonl"
LECTURE_SEULE = (
    "import json, sys\n"
    "for ligne in open(sys.argv[1], 'rb'):\n"
    "    try:\n"
    "        json.loads(ligne)\n"
    "    except ValueError:\n"
    "        pass\n"
)


def ecrire_mauvaises(chemin: Path, octets: int) -> int:
    modeles = (
        '{"idAffectation": "KO-%d", "nom": "Dupont", "dateNaissance": "17/05/2004"}',
        '{"idAffectation": "KO-%d", "codeMissionLocale": "ML001", ',
        '{"idAffectation": "KO-%d", "dateAffectation": "2026-02-30", "x": 1}',
    )
    lignes = taille = 0
    with chemin.open("w", encoding="utf-8") as sortie:
        while taille < octets:
            ligne = modeles[lignes % 3] % lignes + "\n"
            sortie.write(ligne)
            taille += len(ligne)
            lignes += 1
    return lignes


MESUREUR = (
    "import resource, subprocess, sys\n"
    "with open(sys.argv[1], 'w', encoding='utf-8') as sortie:\n"
    "    code = subprocess.call(sys.argv[2:], stdout=sortie, stderr=subprocess.DEVNULL)\n"
    "pic = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
    "print(code, pic / (1024 * 1024) if sys.platform == 'darwin' else pic / 1024)\n"
)
"""A process whose only child is the measured command: its children's peak is the command's."""


def mesurer(commande: list[str], env: dict[str, str], sortie: Path) -> tuple[float, float, int]:
    """Seconds, peak RSS (MB) and exit code of ``commande``."""
    debut = time.perf_counter()
    mesure = subprocess.check_output(
        [sys.executable, "-c", MESUREUR, str(sortie), *commande], env=env, text=True
    )
    duree = time.perf_counter() - debut
    code, pic = mesure.split()
    return duree, float(pic), int(code)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="20 MB instead of 200 MB")
    parser.add_argument("--mo", type=int, default=None, help="size of the file in MB")
    args = parser.parse_args()
    taille_mo = args.mo or (20 if args.quick else 200)
    with tempfile.TemporaryDirectory(prefix="bench-rejets-") as dossier:
        racine = Path(dossier)
        fichier = racine / "mauvaises.jsonl"
        lignes = ecrire_mauvaises(fichier, taille_mo * 1024 * 1024)
        print(f"{lignes} bad rows, {taille_mo} MB", file=sys.stderr)
        env = {**os.environ, "COTRAITANCE_DATABASE_URL": f"sqlite:///{racine / 'b.db'}"}
        cli = [sys.executable, "-m", "cotraitance.cli"]
        subprocess.check_call(
            [*cli, "import", "missions-locales", str(ML)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base_s, base_mo, _ = mesurer(
            [sys.executable, "-c", LECTURE_SEULE, str(fichier)], env, racine / "lecture.txt"
        )
        rejets = racine / "rejets.jsonl"
        commande = [*cli, "import", "affectations", str(fichier), "--rejets", str(rejets)]
        import_s, import_mo, code = mesurer(commande, env, racine / "bilan.txt")
        bilan = (racine / "bilan.txt").stat().st_size
        with rejets.open("rb") as ecrits:
            rejetes = sum(1 for _ in ecrits)
    figures = {
        "rows": lignes,
        "file_mb": taille_mo,
        "import_seconds": round(import_s, 1),
        "import_peak_rss_mb": round(import_mo, 1),
        "baseline_seconds": round(base_s, 1),
        "baseline_peak_rss_mb": round(base_mo, 1),
        "ratio_peak_rss": round(import_mo / base_mo, 2),
        "summary_bytes": bilan,
        "rejection_file_rows": rejetes,
        "exit_code": code,
    }
    print(f"{'':<34}{'seconds':>10}{'peak RSS (MB)':>16}")
    print(f"{'read + json.loads (baseline)':<34}{base_s:>10.1f}{base_mo:>16.1f}")
    print(f"{'import affectations --rejets':<34}{import_s:>10.1f}{import_mo:>16.1f}")
    print(f"{lignes} rows, {rejetes} in the rejection file, summary {bilan} bytes, exit {code}")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()

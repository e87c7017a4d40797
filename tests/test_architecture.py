"""The domain knows only the standard library, eventsourcing.domain and rapidfuzz (STYLE.md)."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

RACINE = Path(__file__).resolve().parent.parent
PERMIS = {"domain", "eventsourcing.domain", "rapidfuzz", "__future__"}


def _imports(fichier: Path) -> set[str]:
    arbre = ast.parse(fichier.read_text(encoding="utf-8"))
    noms: set[str] = set()
    for noeud in ast.walk(arbre):
        if isinstance(noeud, ast.Import):
            noms.update(a.name for a in noeud.names)
        elif isinstance(noeud, ast.ImportFrom) and noeud.module:
            noms.add(noeud.module)
    return noms


def test_le_domaine_n_importe_que_la_bibliotheque_standard_et_eventsourcing_domain() -> None:
    fautifs = {}
    for fichier in sorted((RACINE / "domain").glob("*.py")):
        for nom in _imports(fichier):
            racine = nom.split(".")[0]
            if racine in sys.stdlib_module_names:
                continue
            if not any(nom == p or nom.startswith(p + ".") for p in PERMIS):
                fautifs.setdefault(fichier.name, []).append(nom)
    assert fautifs == {}

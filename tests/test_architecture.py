"""Where things may be imported from (STYLE.md); import-linter's contracts in pyproject.toml
cover the packages, these tests cover what it cannot see (submodules of external packages)."""

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


INTERNES = ("eventsourcing.postgres", "eventsourcing.sqlite", "eventsourcing.system")
ADAPTATEUR = RACINE / "application" / "magasin"


def test_seul_l_adaptateur_du_magasin_touche_aux_internes_de_la_bibliotheque() -> None:
    """A library upgrade touches application/magasin alone."""
    fautifs = {}
    for paquet in ("api", "application", "cotraitance", "domain", "integrations", "projections"):
        for fichier in sorted((RACINE / paquet).rglob("*.py")):
            if ADAPTATEUR in fichier.parents:
                continue
            internes = [n for n in _imports(fichier) if n.startswith(INTERNES)]
            if internes:
                fautifs[str(fichier.relative_to(RACINE))] = internes
    assert fautifs == {}

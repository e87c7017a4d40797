"""Keyset pagination over a view: stable order on (sort key, id), never OFFSET."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import Enum
from typing import Any

from application.traitement.stockage import Curseur

Ligne = dict[str, Any]


@dataclass(frozen=True)
class Page:
    lignes: list[Ligne]
    total: int
    suivante: bool


def paginer(
    cur: Curseur,
    table: str,
    colonnes: Sequence[str],
    conditions: Sequence[str],
    params: Sequence[Any],
    tri: tuple[str, str],
    apres: tuple[str, str] | None,
    limite: int,
) -> Page:
    ou = " AND ".join(conditions) or "1=1"
    total_ligne = cur.fetchone(f"SELECT COUNT(*) FROM {table} WHERE {ou}", params)
    total = int(total_ligne[0]) if total_ligne else 0
    clause, valeurs = ou, list(params)
    if apres is not None:
        clause += f" AND ({tri[0]}, {tri[1]}) > (%s, %s)"
        valeurs.extend(apres)
    lignes = cur.fetchall(
        f"SELECT {', '.join(colonnes)} FROM {table} WHERE {clause} "
        f"ORDER BY {tri[0]}, {tri[1]} LIMIT %s",
        [*valeurs, limite + 1],
    )
    dicts = [dict(zip(colonnes, ligne, strict=True)) for ligne in lignes[:limite]]
    return Page(dicts, total, len(lignes) > limite)


def texte(valeur: Any) -> Any:
    """A Python value as the views store it."""
    if isinstance(valeur, Enum):
        return valeur.value
    if isinstance(valeur, bool):
        return int(valeur)
    if isinstance(valeur, date):
        return valeur.isoformat()
    if valeur is not None and not isinstance(valeur, int | str):
        return str(valeur)
    return valeur

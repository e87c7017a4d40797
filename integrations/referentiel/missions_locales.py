"""The Missions Locales file: code, name, catchment area (INSEE codes), counselors."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from domain.valeurs import Conseiller
from integrations.referentiel.lignes import (
    LigneInvalide,
    LigneRejetee,
    lire_jsonl,
    texte_obligatoire,
)

CODE_INSEE = re.compile(r"^(\d{5}|2[AB]\d{3})$")


@dataclass(frozen=True)
class MissionLocaleLue:
    ligne: int
    code: str
    nom: str
    communes: list[str]
    conseillers: list[Conseiller]


def lire_missions_locales(chemin: Path) -> Iterator[MissionLocaleLue | LigneRejetee]:
    for lu in lire_jsonl(chemin):
        if isinstance(lu, LigneRejetee):
            yield lu
            continue
        numero, objet = lu
        try:
            yield _mission_locale(numero, objet)
        except LigneInvalide as exc:
            yield LigneRejetee(numero, str(exc))


def _mission_locale(numero: int, objet: dict[str, Any]) -> MissionLocaleLue:
    code = texte_obligatoire(objet, "codeMissionLocale")
    nom = texte_obligatoire(objet, "nom")
    communes = objet.get("communesInsee")
    if not isinstance(communes, list):
        raise LigneInvalide("communesInsee doit être une liste de codes INSEE")
    invalides = [c for c in communes if not isinstance(c, str) or not CODE_INSEE.match(c)]
    if invalides:
        raise LigneInvalide(f"codes INSEE invalides : {', '.join(map(str, invalides))}")
    conseillers_bruts = objet.get("conseillers", [])
    if not isinstance(conseillers_bruts, list):
        raise LigneInvalide("conseillers doit être une liste de {id, nom}")
    conseillers = []
    for brut in conseillers_bruts:
        if not isinstance(brut, dict):
            raise LigneInvalide("chaque conseiller doit être un objet {id, nom}")
        conseillers.append(
            Conseiller(texte_obligatoire(brut, "id"), texte_obligatoire(brut, "nom"))
        )
    ids = [c.id for c in conseillers]
    if len(set(ids)) != len(ids):
        raise LigneInvalide("identifiants de conseillers en double")
    return MissionLocaleLue(numero, code, nom, sorted(set(communes)), conseillers)

"""Reading JSON Lines where a bad row is reported with its line number and the good ones go on."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class LigneRejetee:
    ligne: int
    raison: str


class LigneInvalide(ValueError):
    """A row's content does not fit the format; the message is the reason shown to the user."""


def lire_jsonl(chemin: Path) -> Iterator[tuple[int, dict[str, Any]] | LigneRejetee]:
    with chemin.open("rb") as fichier:
        for numero, brut in enumerate(fichier, start=1):
            texte = _decoder(brut).strip()
            if not texte:
                continue
            try:
                objet = json.loads(texte)
            except json.JSONDecodeError as exc:
                yield LigneRejetee(numero, f"JSON invalide ({exc.msg}, colonne {exc.colno})")
                continue
            if not isinstance(objet, dict):
                yield LigneRejetee(numero, "un objet JSON est attendu")
                continue
            yield numero, objet


def _decoder(brut: bytes) -> str:
    try:
        return brut.decode("utf-8-sig")
    except UnicodeDecodeError:
        return brut.decode("latin-1")


def texte_obligatoire(objet: dict[str, Any], champ: str) -> str:
    valeur = objet.get(champ)
    if not isinstance(valeur, str) or not valeur.strip():
        raise LigneInvalide(f"champ {champ} manquant ou vide")
    return valeur.strip()

"""JSON that comes from outside (a file, the DUDE, an HTTP body): whatever the text, either a
value the rest of the code can hold, or ``JsonIllisible`` with a French reason.

``json.loads`` alone lets out a ``RecursionError`` on deep nesting, a ``ValueError`` past
Python's limit on an integer's digits, and strings holding lone surrogates (``"\\ud800"``) that
neither SQLite nor PostgreSQL can store: each would end a whole import, pull or request."""

from __future__ import annotations

import json
from typing import Any

PROFONDEUR_MAX = 32
"""Nesting this product's formats never need (an affectation is two levels deep)."""


class JsonIllisible(ValueError):
    """The text is not JSON this product can take; the message is the reason shown."""


def lire_json(texte: str | bytes, profondeur_max: int = PROFONDEUR_MAX) -> Any:
    valeur = decoder_json(texte, profondeur_max)
    verifier(valeur, profondeur_max)
    return valeur


def decoder_json(texte: str | bytes, profondeur_max: int = PROFONDEUR_MAX) -> Any:
    """The parse alone, its failures in French, the value not walked: for a container whose
    elements are judged one by one (a DUDE page, where one bad record must not cost the
    others), the caller runs ``verifier`` on each element."""
    try:
        valeur = json.loads(texte)
    except json.JSONDecodeError as exc:
        raise JsonIllisible(
            f"JSON invalide ({_en_francais(exc.msg)}, colonne {exc.colno})"
        ) from None
    except RecursionError:
        raise JsonIllisible(f"JSON trop imbriqué (plus de {profondeur_max} niveaux)") from None
    except UnicodeDecodeError:
        raise JsonIllisible("JSON invalide (le texte n'est pas en UTF-8)") from None
    except ValueError as exc:  # an integer over Python's digit limit, among others
        raise JsonIllisible(f"JSON invalide ({_raison(exc)})") from None
    return valeur


def verifier(valeur: Any, profondeur_max: int = PROFONDEUR_MAX) -> None:
    """Walks the value without recursion: bounded nesting, text that can be stored."""
    pile: list[tuple[Any, int]] = [(valeur, 1)]
    while pile:
        courant, profondeur = pile.pop()
        if isinstance(courant, str):
            _texte_stockable(courant)
        elif isinstance(courant, dict | list):
            if profondeur > profondeur_max:
                raise JsonIllisible(f"JSON trop imbriqué (plus de {profondeur_max} niveaux)")
            if isinstance(courant, dict):
                for cle, sous in courant.items():
                    _texte_stockable(cle)
                    pile.append((sous, profondeur + 1))
            else:
                pile.extend((sous, profondeur + 1) for sous in courant)


def _texte_stockable(texte: str) -> None:
    try:
        texte.encode("utf-8")
    except UnicodeEncodeError:
        raise JsonIllisible(
            "JSON invalide (un texte contient un caractère isolé non représentable en UTF-8)"
        ) from None


MESSAGES = (
    ("Expecting value", "valeur attendue"),
    ("Expecting ',' delimiter", "virgule attendue"),
    ("Expecting ':' delimiter", "deux-points attendus"),
    ("Expecting property name", "nom de propriété entre guillemets attendu"),
    ("Unterminated string", "texte non terminé"),
    ("Invalid control character", "caractère de contrôle dans un texte"),
    ("Invalid \\uXXXX escape", "échappement \\uXXXX invalide"),
    ("Invalid \\escape", "échappement invalide"),
    ("Extra data", "données en trop après la valeur"),
    ("Illegal trailing comma", "virgule en trop avant la fin"),
)
"""The json module's reasons (English), by their beginning."""


def _en_francais(message: str) -> str:
    for debut, traduction in MESSAGES:
        if message.startswith(debut):
            return traduction
    return "syntaxe invalide"


def _raison(exc: ValueError) -> str:
    message = str(exc)
    if "digits" in message:
        return "nombre entier trop long"
    return "valeur illisible"

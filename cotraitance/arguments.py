"""The command line in French: argparse's own messages ("invalid choice", "the following arguments
are required", "usage:") translated, and argument types whose errors say what is expected.

argparse looks its messages up through the module's ``_`` and ``ngettext`` at the moment it
raises them; ``franciser`` replaces both, once, before any parser is built (its help option's
text is read at construction). A message this table does not know stays as argparse wrote it."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

TRADUCTIONS = {
    "usage: ": "usage : ",
    "positional arguments": "arguments",
    "options": "options",
    "optional arguments": "options",
    "show this help message and exit": "afficher cette aide et quitter",
    "subcommands": "commandes",
    "%(prog)s: error: %(message)s\n": "%(prog)s : erreur : %(message)s\n",
    "argument %(argument_name)s: %(message)s": "argument %(argument_name)s : %(message)s",
    "invalid choice: %(value)r (choose from %(choices)s)": (
        "choix invalide : %(value)r (choix possibles : %(choices)s)"
    ),
    "the following arguments are required: %s": "arguments obligatoires manquants : %s",
    "unrecognized arguments: %s": "arguments inconnus : %s",
    "expected one argument": "une valeur attendue",
    "expected at most one argument": "au plus une valeur attendue",
    "expected at least one argument": "au moins une valeur attendue",
    "invalid %(type)s value: %(value)r": "valeur invalide (%(type)s attendu) : %(value)r",
    "ambiguous option: %(option)s could match %(matches)s": (
        "option ambiguë : %(option)s peut désigner %(matches)s"
    ),
    "not allowed with argument %s": "incompatible avec l'argument %s",
    "ignored explicit argument %r": "valeur ignorée : %r",
    "one of the arguments %s is required": "l'un des arguments %s est obligatoire",
    "unexpected option string: %s": "option inattendue : %s",
    "can't open '%(filename)s': %(error)s": "impossible d'ouvrir '%(filename)s' : %(error)s",
    "unknown parser %(parser_name)r (choices: %(choices)s)": (
        "commande inconnue %(parser_name)r (choix possibles : %(choices)s)"
    ),
}
PLURIELS = {
    "expected %s argument": ("%s valeur attendue", "%s valeurs attendues"),
}


def traduire(message: str) -> str:
    return TRADUCTIONS.get(message, message)


def traduire_pluriel(singulier: str, pluriel: str, nombre: int) -> str:
    formes = PLURIELS.get(singulier)
    if formes is None:
        return singulier if nombre == 1 else pluriel
    return formes[0] if nombre == 1 else formes[1]


def franciser() -> None:
    argparse._ = traduire  # type: ignore[attr-defined]
    argparse.ngettext = traduire_pluriel  # type: ignore[attr-defined]


# ------------------------------------------------------------------ argument types


def entier(texte: str) -> int:
    try:
        return int(texte)
    except ValueError:
        raise argparse.ArgumentTypeError(f"nombre entier attendu : {texte!r}") from None


def positif_ou_nul(texte: str) -> int:
    valeur = entier(texte)
    if valeur < 0:
        raise argparse.ArgumentTypeError(f"nombre positif ou nul attendu : {valeur}")
    return valeur


def strictement_positif(texte: str) -> int:
    valeur = entier(texte)
    if valeur <= 0:
        raise argparse.ArgumentTypeError(f"nombre strictement positif attendu : {valeur}")
    return valeur


def port(texte: str) -> int:
    valeur = entier(texte)
    if not 1 <= valeur <= 65535:
        raise argparse.ArgumentTypeError(f"port de 1 à 65535 attendu : {valeur}")
    return valeur


def de_1_a_1000(texte: str) -> int:
    valeur = strictement_positif(texte)
    if valeur > 1000:
        raise argparse.ArgumentTypeError(f"au plus 1000 : {valeur}")
    return valeur


def duree(texte: str) -> float:
    """Seconds, more than 0 and at most a week."""
    try:
        valeur = float(texte)
    except ValueError:
        raise argparse.ArgumentTypeError(f"nombre de secondes attendu : {texte!r}") from None
    if not 0 < valeur <= 7 * 24 * 3600:
        raise argparse.ArgumentTypeError(f"de 0 à 604800 secondes (une semaine) : {texte}")
    return valeur


def decimal(texte: str) -> float:
    try:
        valeur = float(texte)
    except ValueError:
        raise argparse.ArgumentTypeError(f"nombre attendu : {texte!r}") from None
    if valeur != valeur or valeur in (float("inf"), float("-inf")):
        raise argparse.ArgumentTypeError(f"nombre fini attendu : {texte!r}")
    return valeur


def date_iso(texte: str) -> date:
    try:
        return date.fromisoformat(texte)
    except ValueError:
        raise argparse.ArgumentTypeError(f"date AAAA-MM-JJ attendue : {texte!r}") from None


def chemin(texte: str) -> Path:
    if not texte or "\x00" in texte:
        raise argparse.ArgumentTypeError(f"chemin invalide : {texte!r}")
    return Path(texte)

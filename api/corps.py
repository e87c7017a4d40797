"""The JSON body of a POST to /graphql, checked before the GraphQL server reads it (R24): a body
that is not what a GraphQL client sends is the client's fault (400 BAD_USER_INPUT), never a 5xx
nor a stack trace in the log. It is JSON from outside, read with the bounds of
``integrations/json_externe`` (nesting, integer length); a lone surrogate inside a string is left
to the check of every string (``saisies.py``), which names the field that holds it."""

from __future__ import annotations

import re
from typing import Any

from integrations.json_externe import JsonIllisible, lire_json

_SURROGATE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")

CHAMPS = {"query": str, "variables": dict, "operationName": str, "extensions": dict}


def probleme_du_corps(corps: bytes) -> str | None:
    """Why the body is refused (French), or None when it is a GraphQL request or a batch."""
    try:
        texte = corps.decode("utf-8")
    except UnicodeDecodeError:
        return "Le corps de la requête n'est pas de l'UTF-8 valide."
    try:
        donnees = lire_json(_sans_surrogates(texte))
    except JsonIllisible as exc:
        return f"Le corps de la requête est illisible : {exc}."
    operations = donnees if isinstance(donnees, list) else [donnees]
    if not operations:
        return "Un lot de requêtes ne peut pas être vide."
    for operation in operations:
        raison = _probleme_d_operation(operation)
        if raison is not None:
            return raison
    return None


def _probleme_d_operation(operation: Any) -> str | None:
    if not isinstance(operation, dict):
        return "Chaque requête GraphQL est un objet JSON {query, variables, operationName}."
    if not isinstance(operation.get("query"), str):
        return "Le champ query (texte) est obligatoire."
    for nom, attendu in CHAMPS.items():
        valeur = operation.get(nom)
        if valeur is not None and not isinstance(valeur, attendu):
            genre = "un objet" if attendu is dict else "un texte"
            return f"Le champ {nom} doit être {genre}."
    return None


def _sans_surrogates(texte: str) -> str:
    """The text with its surrogate escapes (``\\ud800``…) made plain ones, for the bounds only:
    the request is read from the original text, and each of its strings checked later. Same
    length, same structure: only which character an escape stands for changes."""
    return _SURROGATE.sub(r"\\u0020", texte) if "\\u" in texte else texte

"""The JSON body of a POST to /graphql, checked before the GraphQL server reads it (R24): a body
that is not what a GraphQL client sends is the client's fault (400 BAD_USER_INPUT), never a 5xx
nor a stack trace in the log."""

from __future__ import annotations

import json
from typing import Any

CHAMPS = {"query": str, "variables": dict, "operationName": str, "extensions": dict}


def probleme_du_corps(corps: bytes) -> str | None:
    """Why the body is refused (French), or None when it is a GraphQL request or a batch."""
    try:
        texte = corps.decode("utf-8")
    except UnicodeDecodeError:
        return "Le corps de la requête n'est pas de l'UTF-8 valide."
    try:
        donnees = json.loads(texte)
    except RecursionError:
        return "Le corps de la requête est un JSON trop imbriqué."
    except ValueError as exc:
        return f"Le corps de la requête n'est pas du JSON valide ({type(exc).__name__})."
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

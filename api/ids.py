"""Opaque global ids ("Type:key", base64url) and keyset cursors (a JSON list, base64url)."""

from __future__ import annotations

import base64
import binascii
import json
from uuid import UUID

from api.erreurs import entree_invalide
from api.saisies import probleme
from integrations.json_externe import JsonIllisible, lire_json


def encoder_id(type_: str, cle: str | UUID) -> str:
    return base64.urlsafe_b64encode(f"{type_}:{cle}".encode()).decode().rstrip("=")


def decoder_id(valeur: str, type_attendu: str) -> str | None:
    """The key of a global id of that type, or None when it is not one."""
    try:
        brut = base64.urlsafe_b64decode(valeur + "=" * (-len(valeur) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    type_, _, cle = brut.partition(":")
    return cle if type_ == type_attendu and cle else None


def decoder_uuid(valeur: str, type_attendu: str) -> UUID | None:
    cle = decoder_id(valeur, type_attendu)
    if cle is None:
        return None
    try:
        return UUID(cle)
    except ValueError:
        return None


def type_de(valeur: str) -> str | None:
    try:
        brut = base64.urlsafe_b64decode(valeur + "=" * (-len(valeur) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    return brut.partition(":")[0] or None


def encoder_curseur(*cle: str | int) -> str:
    texte = json.dumps(list(cle), separators=(",", ":"))
    return base64.urlsafe_b64encode(texte.encode()).decode().rstrip("=")


def decoder_curseur(
    valeur: str | None, taille: int, types: tuple[type, ...] = (str,)
) -> list[str | int] | None:
    """The key inside a cursor; a cursor that is not one of ours is BAD_USER_INPUT (its JSON
    comes from outside: read within bounds, ``integrations/json_externe``)."""
    if valeur is None:
        return None
    try:
        brut = base64.urlsafe_b64decode(valeur + "=" * (-len(valeur) % 4))
        cle = lire_json(brut, profondeur_max=1)
    except (binascii.Error, JsonIllisible, ValueError):
        raise entree_invalide("Curseur invalide.", "after") from None
    if not isinstance(cle, list) or len(cle) != taille or not all(type(x) in types for x in cle):
        raise entree_invalide("Curseur invalide.", "after")
    if any(isinstance(x, str) and probleme(x, "after") for x in cle):
        raise entree_invalide("Curseur invalide.", "after")
    return cle


def verifier_first(first: int | None, maximum: int = 100, defaut: int = 20) -> int:
    if first is None:
        return defaut
    if not 1 <= first <= maximum:
        raise entree_invalide(f"first doit être compris entre 1 et {maximum}.", "first")
    return first

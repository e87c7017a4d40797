"""Free text that users and files send: printable, bounded (R24).

A control character or an unbounded value would be stored for ever in the event log and then
break what reads it (views, indexes, exports); it is refused at the boundary instead."""

from __future__ import annotations

import re
from datetime import date

from domain.erreurs import SaisieInvalide
from domain.valeurs import Identite

# Control characters but tab, line feed and carriage return, which free text may hold.
_CONTROLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
LONGUEURS_IDENTITE = {
    "nom": 100,
    "nom_usage": 100,
    "prenoms": 150,
    "commune_insee": 5,
    "code_postal": 10,
    "telephone": 30,
    "email": 254,
}
CHAMPS_API = {"nom_usage": "nomUsage", "commune_insee": "communeInsee", "code_postal": "codePostal"}
IDENTIFIANT_PE_MAX = 20
PIECE_MAX = 100
MOTIF_MAX = 500


def texte_valide(valeur: str, champ: str, maximum: int, multiligne: bool = False) -> str:
    """The value without surrounding spaces, or SAISIE_INVALIDE naming the field."""
    propre = valeur.strip()
    if _CONTROLE.search(propre) or (not multiligne and ("\n" in propre or "\r" in propre)):
        raise SaisieInvalide(f"Le champ {champ} contient des caractères non imprimables.", champ)
    if len(propre) > maximum:
        raise SaisieInvalide(f"Le champ {champ} dépasse {maximum} caractères.", champ)
    return propre


def texte_optionnel(valeur: str | None, champ: str, maximum: int) -> str | None:
    if valeur is None:
        return None
    return texte_valide(valeur, champ, maximum) or None


def verifier_identite(identite: Identite, aujourdhui: date) -> None:
    """Name and first names present, birth date in the past, every field printable and bounded."""
    for attribut, maximum in LONGUEURS_IDENTITE.items():
        valeur = getattr(identite, attribut)
        if valeur is not None:
            texte_valide(valeur, CHAMPS_API.get(attribut, attribut), maximum)
    if not identite.nom.strip():
        raise SaisieInvalide("Le nom est obligatoire.", "nom")
    if not identite.prenoms.strip():
        raise SaisieInvalide("Le prénom est obligatoire.", "prenoms")
    if identite.date_naissance >= aujourdhui:
        raise SaisieInvalide("La date de naissance doit être dans le passé.", "dateNaissance")

"""Normalisation of French names for search and matching (DESIGN §5)."""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from domain.valeurs import Identite

_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss"})
_SEPARATEURS = re.compile(r"[\s\-'’`´.,]+")


def normaliser(texte: str) -> str:
    """Lower case, no accents, hyphens and apostrophes as separators, single spaces."""
    sans_ligature = texte.translate(_LIGATURES)
    decompose = unicodedata.normalize("NFKD", sans_ligature)
    sans_accent = "".join(c for c in decompose if not unicodedata.combining(c))
    return _SEPARATEURS.sub(" ", sans_accent.lower()).strip()


def compact(texte: str) -> str:
    """The normalised text without spaces: 'N'Diaye' and 'Ndiaye' compare equal."""
    return normaliser(texte).replace(" ", "")


def ecarts_d_identite(dossier: Identite, affectation: Identite) -> list[str]:
    """What tells two identities apart for a manager about to match them (R4): the birth date,
    the surnames (birth or usage name, accents and separators aside), the first first name."""
    ecarts = []
    if dossier.date_naissance != affectation.date_naissance:
        ecarts.append(
            f"date de naissance {dossier.date_naissance.isoformat()} sur le dossier, "
            f"{affectation.date_naissance.isoformat()} dans l'affectation"
        )
    noms_dossier = {compact(n) for n in (dossier.nom, dossier.nom_usage) if n}
    noms_affectation = {compact(n) for n in (affectation.nom, affectation.nom_usage) if n}
    if not noms_dossier & noms_affectation:
        ecarts.append(f"nom {dossier.nom} sur le dossier, {affectation.nom} dans l'affectation")
    if _premier(dossier.prenoms) != _premier(affectation.prenoms):
        ecarts.append(
            f"prénom {dossier.prenoms} sur le dossier, {affectation.prenoms} dans l'affectation"
        )
    return ecarts


def _premier(prenoms: str) -> str:
    mots = normaliser(prenoms).split()
    return mots[0] if mots else ""

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


def ecarts_d_identite(dossier: Identite, affectation: Identite, criteres: list[str]) -> list[str]:
    """How the two identities read on the criteria matching found a manager must confirm
    (``domain.rapprochement.identite_a_confirmer``): 'nom', 'prenoms', 'dateNaissance'."""
    descriptions = {
        "dateNaissance": f"date de naissance {dossier.date_naissance.isoformat()} sur le "
        f"dossier, {affectation.date_naissance.isoformat()} dans l'affectation",
        "nom": f"nom {dossier.nom} sur le dossier, {affectation.nom} dans l'affectation",
        "prenoms": f"prénom {dossier.prenoms} sur le dossier, {affectation.prenoms} dans "
        "l'affectation",
    }
    return [descriptions[c] for c in ("dateNaissance", "nom", "prenoms") if c in criteres]

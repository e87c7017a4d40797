"""Normalisation of French names for search and matching (DESIGN §5)."""

from __future__ import annotations

import re
import unicodedata

_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss"})
_SEPARATEURS = re.compile(r"[\s\-'’`´.,]+")


def normaliser(texte: str) -> str:
    """Lower case, no accents, hyphens and apostrophes as separators, single spaces."""
    sans_ligature = texte.translate(_LIGATURES)
    decompose = unicodedata.normalize("NFKD", sans_ligature)
    sans_accent = "".join(c for c in decompose if not unicodedata.combining(c))
    return _SEPARATEURS.sub(" ", sans_accent.lower()).strip()

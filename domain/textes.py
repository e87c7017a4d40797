"""Free text that users and files send: printable, bounded (R24).

A control character or an unbounded value would be stored for ever in the event log and then
break what reads it (views, indexes, exports); it is refused at the boundary instead."""

from __future__ import annotations

import re

from domain.erreurs import SaisieInvalide

# Control characters but tab, line feed and carriage return, which free text may hold (C0, DEL
# and C1, which a file read in the wrong encoding brings); characters that change how text
# shows without showing themselves (bidirectional overrides, zero-width ones, byte order
# mark); and lone surrogates, which no database can store.
_CONTROLE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2064"
    "\u2066-\u2069\ufeff\ufff9-\ufffb\ud800-\udfff]"
)
_SAUT = re.compile("[\t\n\r\u2028\u2029]")
"""What a one-line value (a name, an identifier) never holds."""
ID_AFFECTATION_MAX = 60
PIECE_MAX = 100
MOTIF_MAX = 500
COMMENTAIRE_MAX = 2000


def texte_valide(valeur: str, champ: str, maximum: int, multiligne: bool = False) -> str:
    """The value without surrounding spaces, or SAISIE_INVALIDE naming the field."""
    propre = valeur.strip()
    if _CONTROLE.search(propre) or (not multiligne and _SAUT.search(propre)):
        raise SaisieInvalide(f"Le champ {champ} contient des caractères non imprimables.", champ)
    if len(propre) > maximum:
        raise SaisieInvalide(f"Le champ {champ} dépasse {maximum} caractères.", champ)
    return propre


def texte_optionnel(valeur: str | None, champ: str, maximum: int) -> str | None:
    if valeur is None:
        return None
    return texte_valide(valeur, champ, maximum) or None

"""What the application needs from read models or from the outside, as small protocols that the
composition root (``cotraitance/racine.py``) injects. Nothing here is a hidden default."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from domain.dossier import Dossier
from domain.ppae import PPAE
from domain.valeurs import StatutPpae


class FluxTransmis(Protocol):
    """R20: were flows of this dossier already sent to the DUDE?"""

    def __call__(self, dossier: Dossier, ppaes: Sequence[PPAE]) -> bool: ...


def flux_deduits_de_l_historique(dossier: Dossier, ppaes: Sequence[PPAE]) -> bool:
    """Until the DUDE flows are recorded, derived from history (R13): flows exist once a PPAE
    ran, or when an early stop was sent to the DUDE."""
    return any(
        p.statut in (StatutPpae.EN_COURS, StatutPpae.TERMINE) or p.motif_arret for p in ppaes
    )


@dataclass(frozen=True)
class Ports:
    flux_transmis: FluxTransmis

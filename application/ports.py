"""What the application needs from read models or from the outside, as small protocols that the
composition root (``cotraitance/racine.py``) injects. Nothing here is a hidden default."""

from __future__ import annotations

from collections.abc import Callable, Sequence
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


class ConseillersAffectes(Protocol):
    """How many open PPAE (non initialisé or en cours) each counselor of the ML follows."""

    def __call__(self, code_ml: str) -> dict[str, int]: ...


@dataclass(frozen=True)
class Ports:
    flux_transmis: FluxTransmis
    conseillers_affectes: ConseillersAffectes
    fermer: Callable[[], None]
    """Releases what the ports hold (their connection to the read models)."""

"""What the application needs from read models or from the outside, as small protocols that the
composition root (``cotraitance/racine.py``) injects. Nothing here is a hidden default."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol
from uuid import UUID

from domain.dossier import Dossier
from domain.ppae import PPAE
from domain.rapprochement import Fiche, Trouves
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


class Candidats(Protocol):
    """R3: a youth's candidates among the ML's dossiers (the matching index; never another
    ML's, R23)."""

    def __call__(
        self, code_ml: str, fiche: Fiche, exclure: frozenset[str] = frozenset()
    ) -> Trouves: ...


class AffectationsARapprocher(Protocol):
    """R5: the ML's accepted affectations not resolved yet."""

    def __call__(self, code_ml: str) -> list[UUID]: ...


@dataclass(frozen=True)
class Ports:
    flux_transmis: FluxTransmis
    conseillers_affectes: ConseillersAffectes
    candidats: Candidats
    affectations_a_rapprocher: AffectationsARapprocher
    fermer: Callable[[], None]
    """Releases what the ports hold (their connection to the read models)."""

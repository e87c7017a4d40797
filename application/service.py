"""The ``Cotraitance`` application: one command per mutation of the contract, saved atomically."""

from __future__ import annotations

from application.affectations import CommandesAffectations
from application.base import A, FluxTransmis, flux_deduits_de_l_historique
from application.dossiers import CommandesDossiers
from application.ppae import CommandesPPAE

__all__ = ["A", "Cotraitance", "FluxTransmis", "flux_deduits_de_l_historique"]


class Cotraitance(CommandesAffectations, CommandesDossiers, CommandesPPAE):
    name = "Cotraitance"
    """Persisted name (table cotraitance_events on PostgreSQL): frozen."""

"""Every view the service keeps, by name."""

from __future__ import annotations

from projections.affectations import AffectationsParStatut
from projections.dossiers import RechercheDossiers
from projections.ppae import TableauPPAE
from projections.vue import VueTable


def toutes_les_vues() -> list[VueTable]:
    return [RechercheDossiers(), TableauPPAE(), AffectationsParStatut()]

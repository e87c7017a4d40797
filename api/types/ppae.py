"""The PPAE: statuses (R6-R11), appointments, entry conditions (R8)."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from api.ids import encoder_id
from api.types.chargement import charger_au
from api.types.commun import Avertissement, Ctx, Node
from domain.affectation import Affectation as AffectationAgregat
from domain.dossier import Dossier as DossierAgregat
from domain.ppae import PPAE as PPAEAgregat  # noqa: N811
from domain.valeurs import MotifArret, MotifSortie, StatutCotraitance, StatutPpae, StatutRendezVous

if TYPE_CHECKING:
    from api.types.affectation import Affectation
    from api.types.dossier import Dossier

DossierParesseux = Annotated["Dossier", strawberry.lazy("api.types.dossier")]
AffectationParesseuse = Annotated["Affectation", strawberry.lazy("api.types.affectation")]


@strawberry.type
class RendezVous:
    id: strawberry.ID
    date: date
    statut: StatutRendezVous


@strawberry.type
class ConditionsEntree:
    entretien: bool
    dossier_justifie: bool
    acceptation: bool


@strawberry.type
class PPAE(Node):
    agregat: strawberry.Private[PPAEAgregat]
    version: int
    statut: StatutPpae
    statut_cotraitance: StatutCotraitance | None
    date_affectation: date
    date_entree: date | None
    entree_retroactive: bool = strawberry.field(
        description="R9: true when the entry date was earlier than the day it was recorded."
    )
    date_sortie: date | None
    motif_sortie: MotifSortie | None
    motif_arret: MotifArret | None
    avertissements: list[Avertissement]
    rendez_vous: list[RendezVous]
    instant: strawberry.Private[datetime | None] = None
    """Set when this is the PPAE as recorded at that instant (within etatAu)."""

    @classmethod
    def de(cls, p: PPAEAgregat, instant: datetime | None = None) -> PPAE:
        return cls(
            instant=instant,
            id=strawberry.ID(encoder_id("PPAE", p.id)),
            agregat=p,
            version=p.version,
            statut=p.statut,
            statut_cotraitance=p.statut_cotraitance,
            date_affectation=p.date_affectation,
            date_entree=p.date_entree,
            entree_retroactive=p.entree_retroactive,
            date_sortie=p.date_sortie,
            motif_sortie=p.motif_sortie,
            motif_arret=p.motif_arret,
            avertissements=[Avertissement.de(a) for a in p.avertissements],
            rendez_vous=[
                RendezVous(id=strawberry.ID(r.id), date=r.date, statut=r.statut)
                for r in sorted(p.rendez_vous.values(), key=lambda r: (r.date, r.id))
            ],
        )

    @strawberry.field
    async def dossier(self, info: Ctx) -> DossierParesseux:
        from api.types.dossier import Dossier

        dossier = await charger_au(info, DossierAgregat, self.agregat.dossier_id, self.instant)
        assert dossier is not None, "a PPAE's dossier is in the same ML, and older than it"
        return Dossier.de(dossier, self.instant)

    @strawberry.field
    async def affectation(self, info: Ctx) -> AffectationParesseuse | None:
        from api.types.affectation import Affectation

        a = await charger_au(info, AffectationAgregat, self.agregat.affectation_id, self.instant)
        return Affectation.de(a, self.instant) if a else None

    @strawberry.field(description="R8: what the PPAE still needs to become EN_COURS.")
    async def conditions_entree(self, info: Ctx) -> ConditionsEntree:
        dossier = await charger_au(info, DossierAgregat, self.agregat.dossier_id, self.instant)
        justifie = bool(dossier and dossier.justifie)
        c = self.agregat.conditions(justifie, dossier.entretiens() if dossier else [])
        return ConditionsEntree(
            entretien=c.entretien, dossier_justifie=c.dossier_justifie, acceptation=c.acceptation
        )

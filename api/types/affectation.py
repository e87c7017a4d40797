"""An affectation received from the DUDE (R1-R4)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated
from uuid import UUID

import strawberry

from api.ids import encoder_id
from api.types.commun import Ctx, Identite, Node, Periode
from api.types.lecture import personnel
from domain.affectation import Affectation as AffectationAgregat
from domain.affectation import suggestions_refus
from domain.dossier import Dossier as DossierAgregat
from domain.ppae import PPAE as PPAEAgregat  # noqa: N811
from domain.valeurs import ListeCotraitance, MotifRefus, StatutAffectation, TypeAffectation

if TYPE_CHECKING:
    from api.types.dossier import Dossier
    from api.types.ppae import PPAE

DossierParesseux = Annotated["Dossier", strawberry.lazy("api.types.dossier")]
PPAEParesseux = Annotated["PPAE", strawberry.lazy("api.types.ppae")]


@strawberry.type
class Affectation(Node):
    agregat: strawberry.Private[AffectationAgregat]
    id_affectation: str
    code_mission_locale: str
    type_affectation: TypeAffectation
    date_affectation: date
    date_dernier_entretien_dude: date | None
    periodes_radiation: list[Periode]
    statut: StatutAffectation
    motif_refus: MotifRefus | None
    liste: ListeCotraitance | None
    conflits: int = strawberry.field(
        description="R1: contents received later under the same id with other data, kept "
        "for review; decide and match knowing the DUDE sent something else since."
    )

    @classmethod
    def de(cls, a: AffectationAgregat) -> Affectation:
        return cls(
            id=strawberry.ID(encoder_id("Affectation", a.id)),
            agregat=a,
            id_affectation=a.id_affectation,
            code_mission_locale=a.code_ml,
            type_affectation=a.type_affectation,
            date_affectation=a.date_affectation,
            date_dernier_entretien_dude=a.date_dernier_entretien_dude,
            periodes_radiation=[Periode(debut=p.debut, fin=p.fin) for p in a.periodes_radiation],
            statut=a.statut,
            motif_refus=a.motif_refus,
            liste=a.liste,
            conflits=len(a.conflits),
        )

    def sujets_lus(self) -> tuple[UUID | None, UUID | None]:
        """The access log names the affectation and the dossier it was matched to."""
        return self.agregat.dossier_id, self.agregat.id

    @personnel()
    def identite(self) -> Identite:
        return Identite.de(self.agregat.identite)

    @personnel()
    def identifiant_pe(self) -> str:
        return self.agregat.identifiant_pe

    @strawberry.field(description="R2: computed suggestions, not decisions.")
    async def suggestions_refus(self, info: Ctx) -> list[MotifRefus]:
        ml = await info.context.mission_locale()
        communes = ml.communes if ml else []
        regles = info.context.service.app.regles
        return suggestions_refus(self.agregat.donnees(), communes, regles)

    @strawberry.field
    async def dossier(self, info: Ctx) -> DossierParesseux | None:
        from api.types.dossier import Dossier

        d = await info.context.charger(DossierAgregat, self.agregat.dossier_id)
        return Dossier.de(d) if d else None

    @strawberry.field
    async def ppae(self, info: Ctx) -> PPAEParesseux | None:
        from api.types.ppae import PPAE

        p = await info.context.charger(PPAEAgregat, self.agregat.ppae_id)
        return PPAE.de(p) if p else None

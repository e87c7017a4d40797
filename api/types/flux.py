"""The DUDE flows as recorded (R15): each flow's state, attempts and last error; the
décisionnel view; the reconciliation of what history owes with what was recorded (R21)."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Any
from uuid import UUID

import strawberry

from api.ids import encoder_id
from api.types.chargement import charger_au
from api.types.commun import Ctx, Node
from domain.dossier import Dossier as DossierAgregat
from domain.flux import StatutFlux, TypeFlux
from domain.ppae import PPAE as PPAEAgregat  # noqa: N811

if TYPE_CHECKING:
    from api.types.dossier import Dossier, Evenement
    from api.types.ppae import PPAE

DossierParesseux = Annotated["Dossier", strawberry.lazy("api.types.dossier")]
EvenementParesseux = Annotated["Evenement", strawberry.lazy("api.types.dossier")]
PPAEParesseux = Annotated["PPAE", strawberry.lazy("api.types.ppae")]


def _instant(texte: str | None) -> datetime | None:
    return datetime.fromisoformat(texte) if texte else None


def _uuid(texte: str | None) -> UUID | None:
    return UUID(texte) if texte else None


@strawberry.type
class FluxDude(Node):
    cle: str
    type: TypeFlux
    statut: StatutFlux
    date_effet: date
    cree_le: datetime
    envoye_le: datetime | None
    acquitte_le: datetime | None
    tentatives: int
    erreur: str | None = strawberry.field(description="DUDE's rejection reason, when REJETE.")
    transport: str | None = strawberry.field(
        description="How it left when not over HTTP: 'fichier' (a JSON Lines drop file)."
    )
    dossier_id: strawberry.Private[UUID | None]
    ppae_id: strawberry.Private[UUID | None]
    evenement_id: strawberry.Private[str | None]

    @classmethod
    def de(cls, ligne: dict[str, Any]) -> FluxDude:
        cree = _instant(ligne["cree_le"])
        assert cree is not None
        return cls(
            id=strawberry.ID(encoder_id("FluxDude", ligne["cle"])),
            cle=ligne["cle"],
            type=TypeFlux(ligne["type"]),
            statut=StatutFlux(ligne["statut"]),
            date_effet=date.fromisoformat(ligne["date_effet"]),
            cree_le=cree,
            envoye_le=_instant(ligne["envoye_le"]),
            acquitte_le=_instant(ligne["acquitte_le"]),
            tentatives=int(ligne["tentatives"]),
            erreur=ligne["erreur"],
            transport=ligne["transport"],
            dossier_id=_uuid(ligne["dossier_id"]),
            ppae_id=_uuid(ligne["ppae_id"]),
            evenement_id=ligne["evenement_id"],
        )

    @strawberry.field
    async def dossier(self, info: Ctx) -> DossierParesseux | None:
        from api.types.dossier import Dossier

        d = await charger_au(info, DossierAgregat, self.dossier_id, None)
        return Dossier.de(d) if d else None

    @strawberry.field
    async def ppae(self, info: Ctx) -> PPAEParesseux | None:
        from api.types.ppae import PPAE

        p = await charger_au(info, PPAEAgregat, self.ppae_id, None)
        return PPAE.de(p) if p else None

    @strawberry.field
    async def evenement(self, info: Ctx) -> EvenementParesseux | None:
        from api.types.dossier import Evenement

        d = await charger_au(info, DossierAgregat, self.dossier_id, None)
        e = d.evenements.get(self.evenement_id or "") if d else None
        return Evenement.de(d.id, e) if d and e else None


@strawberry.type
class StatistiqueFlux:
    jour: date
    type: TypeFlux
    statut: StatutFlux
    nombre: int


@strawberry.type
class ReconciliationFlux:
    attendus: int
    enregistres: int
    manquants: list[str]
    en_trop: list[str]

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
from api.types.passe import EtatFlux, Passe, etat_au, inconnu
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
    statut: StatutFlux = strawberry.field(resolver=lambda root: root._etat("statut").statut)
    date_effet: date
    cree_le: datetime
    envoye_le: datetime | None = strawberry.field(
        resolver=lambda root: root._etat("envoyeLe").envoye_le
    )
    acquitte_le: datetime | None
    tentatives: int = strawberry.field(resolver=lambda root: root._etat("tentatives").tentatives)
    erreur: str | None = strawberry.field(
        description="DUDE's rejection reason, when REJETE.",
        resolver=lambda root: root._etat("erreur").erreur,
    )
    transport: str | None = strawberry.field(
        description="How it left when not over HTTP: 'fichier' (a JSON Lines drop file)."
    )
    dossier_id: strawberry.Private[UUID | None]
    ppae_id: strawberry.Private[UUID | None]
    evenement_id: strawberry.Private[str | None]
    etat: strawberry.Private[EtatFlux | None]
    """None within etatAu when the register cannot tell the state at that instant."""
    instant: strawberry.Private[datetime | None] = None
    """Set within etatAu: the flow as it stood then (R21)."""

    @classmethod
    def de(cls, ligne: dict[str, Any], instant: datetime | None = None) -> FluxDude:
        cree = _instant(ligne["cree_le"])
        assert cree is not None
        acquitte = _instant(ligne["acquitte_le"])
        passe = instant is not None and (acquitte is None or acquitte > instant)
        etat = (
            etat_au(ligne, instant)
            if instant is not None
            else EtatFlux(
                StatutFlux(ligne["statut"]),
                _instant(ligne["envoye_le"]),
                int(ligne["tentatives"]),
                ligne["erreur"],
            )
        )
        return cls(
            id=strawberry.ID(encoder_id("FluxDude", ligne["cle"])),
            cle=ligne["cle"],
            type=TypeFlux(ligne["type"]),
            date_effet=date.fromisoformat(ligne["date_effet"]),
            cree_le=cree,
            acquitte_le=None if passe else acquitte,
            transport=None if passe else ligne["transport"],
            dossier_id=_uuid(ligne["dossier_id"]),
            ppae_id=_uuid(ligne["ppae_id"]),
            evenement_id=ligne["evenement_id"],
            etat=etat,
            instant=instant,
        )

    def _etat(self, champ: str) -> EtatFlux:
        if self.etat is None:
            raise inconnu(champ)
        return self.etat

    @strawberry.field
    async def dossier(self, info: Ctx) -> DossierParesseux | None:
        from api.types.dossier import Dossier

        d = await charger_au(info, DossierAgregat, self.dossier_id, self.instant)
        return Dossier.de(d, self.instant) if d else None

    @strawberry.field
    async def ppae(self, info: Ctx) -> PPAEParesseux | None:
        from api.types.ppae import PPAE

        p = await charger_au(info, PPAEAgregat, self.ppae_id, self.instant)
        return PPAE.de(p, self.instant) if p else None

    @strawberry.field
    async def evenement(self, info: Ctx) -> EvenementParesseux | None:
        from api.types.dossier import Evenement

        d = await charger_au(info, DossierAgregat, self.dossier_id, self.instant)
        e = d.evenements.get(self.evenement_id or "") if d else None
        passe = Passe(d.id, self.instant) if d and self.instant else None
        return Evenement.de(d.id, e, passe) if d and e else None


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

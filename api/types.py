"""The contract's object types, resolved from aggregates loaded in batches."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import TypeVar
from uuid import UUID

import strawberry
from eventsourcing.domain import Aggregate
from strawberry.types import Info

from api.contexte import ContexteRequete, en_thread
from api.enums import RoleApi, role_api
from api.erreurs import entree_invalide
from api.ids import decoder_curseur, encoder_curseur, encoder_id, verifier_first
from application import audit
from application.magasin.transcodage import en_json
from domain import valeurs
from domain.affectation import Affectation as AffectationAgregat
from domain.affectation import suggestions_refus
from domain.dossier import Dossier as DossierAgregat
from domain.dossier import EvenementDossier
from domain.erreurs import NonTrouve
from domain.ppae import PPAE as PPAEAgregat  # noqa: N811
from domain.valeurs import (
    ListeCotraitance,
    MarqueurDude,
    MotifArret,
    MotifRefus,
    MotifSortie,
    Sexe,
    StatutAffectation,
    StatutCotraitance,
    StatutPpae,
    StatutRendezVous,
    TypeAffectation,
    TypeEvenement,
)

Ctx = Info[ContexteRequete, None]
A = TypeVar("A", bound=Aggregate)


@strawberry.interface
class Node:
    id: strawberry.ID


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


@strawberry.type
class Utilisateur:
    sub: str
    role: RoleApi
    code_mission_locale: str


@strawberry.type
class Conseiller:
    id: strawberry.ID
    nom: str

    @classmethod
    def de(cls, c: valeurs.Conseiller) -> Conseiller:
        return cls(id=strawberry.ID(c.id), nom=c.nom)


@strawberry.type
class Periode:
    debut: date
    fin: date | None


@strawberry.type
class Identite:
    nom: str
    nom_usage: str | None
    prenoms: str
    date_naissance: date
    sexe: Sexe | None
    commune_insee: str | None
    code_postal: str | None
    telephone: str | None
    email: str | None

    @classmethod
    def de(cls, i: valeurs.Identite) -> Identite:
        """A deleted dossier's identity reads as erased already (crypto-shredding, R20)."""
        return cls(
            nom=i.nom,
            nom_usage=i.nom_usage,
            prenoms=i.prenoms,
            date_naissance=i.date_naissance,
            sexe=i.sexe,
            commune_insee=i.commune_insee,
            code_postal=i.code_postal,
            telephone=i.telephone,
            email=i.email,
        )


@strawberry.type
class Avertissement:
    code: str
    message: str


@strawberry.type
class Dispositif:
    type: str
    statut: str
    date_entree: date | None
    date_sortie: date | None


@strawberry.type
class Evenement(Node):
    type: TypeEvenement
    date: date
    enregistre_le: datetime
    enregistre_par: str
    annule: bool
    dossier_id: strawberry.Private[UUID]
    texte: strawberry.Private[str | None]
    motif_annulation: str | None
    remplace: strawberry.ID | None = strawberry.field(description="The event this one corrects.")

    @classmethod
    def de(cls, dossier_id: UUID, e: EvenementDossier) -> Evenement:
        return cls(
            id=strawberry.ID(encoder_id("Evenement", f"{dossier_id}:{e.id}")),
            type=e.type,
            date=e.date,
            enregistre_le=e.enregistre_le,
            enregistre_par=e.enregistre_par,
            annule=e.annule,
            dossier_id=dossier_id,
            texte=e.commentaire,
            motif_annulation=e.motif_annulation,
            remplace=strawberry.ID(encoder_id("Evenement", f"{dossier_id}:{e.remplace}"))
            if e.remplace
            else None,
        )

    @strawberry.field(description="Free text: stays in the system (R14); its reads are logged.")
    def commentaire(self, info: Ctx) -> str | None:
        if self.texte is not None:
            info.context.dossiers_lus.add(self.dossier_id)
        return self.texte


@strawberry.type
class EvenementEdge:
    node: Evenement
    cursor: str


@strawberry.type
class EvenementConnection:
    edges: list[EvenementEdge]
    page_info: PageInfo


@strawberry.type
class FaitHistorique:
    position: int
    version: int
    type: str
    enregistre_le: datetime
    date_effet: date | None
    acteur: str
    role: RoleApi | None
    donnees: str


@strawberry.type
class FaitHistoriqueEdge:
    node: FaitHistorique
    cursor: str


@strawberry.type
class FaitHistoriqueConnection:
    edges: list[FaitHistoriqueEdge]
    page_info: PageInfo


@strawberry.type
class Dossier(Node):
    agregat: strawberry.Private[DossierAgregat]
    version: int
    code_mission_locale: str
    marqueur_dude: MarqueurDude | None
    justifie: bool
    supprime: bool

    @classmethod
    def de(cls, d: DossierAgregat, instant: datetime | None = None) -> Dossier:
        return cls(
            instant=instant,
            id=strawberry.ID(encoder_id("Dossier", d.id)),
            agregat=d,
            version=d.version,
            code_mission_locale=d.code_ml,
            marqueur_dude=d.marqueur,
            justifie=d.justifie,
            supprime=d.supprime,
        )

    instant: strawberry.Private[datetime | None] = None
    """Set when this is the dossier as recorded at that instant (etatAu)."""

    @strawberry.field
    def identite(self, info: Ctx) -> Identite:
        info.context.dossiers_lus.add(self.agregat.id)
        return Identite.de(self.agregat.identite)

    @strawberry.field
    def identifiant_pe(self, info: Ctx) -> str | None:
        """A direct identifier of the youth: its reads are logged like the identity's (R23)."""
        info.context.dossiers_lus.add(self.agregat.id)
        return self.agregat.identifiant_pe  # None once shredded (R20)

    @strawberry.field(description="The counselor of the open PPAE, or of the latest one.")
    async def conseiller(self, info: Ctx) -> Conseiller | None:
        ppae = await self._dernier_ppae(info)
        ml = await info.context.mission_locale()
        if ppae is None or ppae.conseiller_id is None or ml is None:
            return None
        c = ml.conseiller(ppae.conseiller_id)
        return Conseiller.de(c) if c else None

    @strawberry.field(description="The open PPAE, or the latest one.")
    async def ppae(self, info: Ctx) -> PPAE | None:
        ppae = await self._dernier_ppae(info)
        return PPAE.de(ppae, self.instant) if ppae else None

    @strawberry.field
    async def ppaes(self, info: Ctx) -> list[PPAE]:
        ids = list(self.agregat.ppae_ids)
        if self.instant is not None:
            ppaes = [p for i in ids if (p := await self._ppae_au(info, i)) is not None]
        else:
            ppaes = await info.context.charger_plusieurs(PPAEAgregat, ids)
        return [PPAE.de(p, self.instant) for p in ppaes]

    @strawberry.field
    def dispositifs(self) -> list[Dispositif]:
        return [
            Dispositif(
                type=d.type, statut=d.statut, date_entree=d.date_entree, date_sortie=d.date_sortie
            )
            for d in self.agregat.dispositifs
        ]

    @strawberry.field
    def evenements(
        self,
        first: int | None = 20,
        after: str | None = None,
        types: list[TypeEvenement] | None = None,
    ) -> EvenementConnection:
        """Most recent first (by effective date)."""
        limite = verifier_first(first)
        curseur = decoder_curseur(after, 2)
        tries = sorted(
            (e for e in self.agregat.evenements.values() if not types or e.type in types),
            key=lambda e: (e.date.isoformat(), e.id),
            reverse=True,
        )
        if curseur is not None:
            tries = [e for e in tries if (e.date.isoformat(), e.id) < tuple(curseur)]
        page = tries[:limite]
        aretes = [
            EvenementEdge(
                node=Evenement.de(self.agregat.id, e),
                cursor=encoder_curseur(e.date.isoformat(), e.id),
            )
            for e in page
        ]
        return EvenementConnection(
            edges=aretes,
            page_info=PageInfo(
                has_next_page=len(tries) > limite, end_cursor=aretes[-1].cursor if aretes else None
            ),
        )

    @strawberry.field(description="AUDITEUR and ADMIN only.")
    async def historique(
        self, info: Ctx, first: int | None = 50, after: str | None = None
    ) -> FaitHistoriqueConnection:
        ctx = info.context
        ctx.exiger_audit()
        limite = verifier_first(first, defaut=50)
        curseur = decoder_curseur(after, 1, types=(int,))
        faits = await en_thread(audit.historique, ctx.service.app, ctx.commande(), self.agregat.id)
        ctx.dossiers_lus.add(self.agregat.id)
        suite = [f for f in faits if curseur is None or f.position > int(curseur[0])]
        aretes = [
            FaitHistoriqueEdge(node=_fait(f), cursor=encoder_curseur(f.position))
            for f in suite[:limite]
        ]
        return FaitHistoriqueConnection(
            edges=aretes,
            page_info=PageInfo(
                has_next_page=len(suite) > limite, end_cursor=aretes[-1].cursor if aretes else None
            ),
        )

    @strawberry.field(
        description="The dossier as recorded at that instant (AUDITEUR and ADMIN only)."
    )
    async def etat_au(self, info: Ctx, instant: datetime) -> Dossier | None:
        ctx = info.context
        ctx.exiger_audit()
        if instant.tzinfo is None:
            raise entree_invalide(
                "L'instant doit porter un décalage horaire (ISO 8601).", "instant"
            )
        try:
            passe = await en_thread(
                audit.etat_au,
                ctx.service.app,
                ctx.commande(),
                DossierAgregat,
                self.agregat.id,
                instant,
            )
        except NonTrouve:
            return None
        return Dossier.de(passe, instant)

    async def _dernier_ppae(self, info: Ctx) -> PPAEAgregat | None:
        cible = self.agregat.ppae_courant
        if self.instant is not None and cible is not None:
            return await self._ppae_au(info, cible)
        return await info.context.charger(PPAEAgregat, cible)

    async def _ppae_au(self, info: Ctx, ppae_id: UUID) -> PPAEAgregat | None:
        return await _charger_au(info, PPAEAgregat, ppae_id, self.instant)


async def _charger_au(
    info: Ctx, type_agregat: type[A], agregat_id: UUID | None, instant: datetime | None
) -> A | None:
    """R21: within etatAu, every nested object as recorded at the same instant."""
    ctx = info.context
    if instant is None or agregat_id is None:
        return await ctx.charger(type_agregat, agregat_id)
    try:
        return await en_thread(
            audit.etat_au, ctx.service.app, ctx.commande(), type_agregat, agregat_id, instant
        )
    except NonTrouve:
        return None


def _fait(f: audit.Fait) -> FaitHistorique:
    return FaitHistorique(
        position=f.position,
        version=f.version,
        type=f.type,
        enregistre_le=f.enregistre_le,
        date_effet=f.date_effet,
        acteur=f.acteur,
        role=role_api(f.role),
        donnees=json.dumps(f.donnees, default=en_json, ensure_ascii=False, sort_keys=True),
    )


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
            avertissements=[
                Avertissement(code=a.code, message=a.message) for a in p.avertissements
            ],
            rendez_vous=[
                RendezVous(id=strawberry.ID(r.id), date=r.date, statut=r.statut)
                for r in sorted(p.rendez_vous.values(), key=lambda r: (r.date, r.id))
            ],
        )

    @strawberry.field
    async def dossier(self, info: Ctx) -> Dossier:
        dossier = await _charger_au(info, DossierAgregat, self.agregat.dossier_id, self.instant)
        assert dossier is not None, "a PPAE's dossier is in the same ML, and older than it"
        return Dossier.de(dossier, self.instant)

    @strawberry.field
    async def affectation(self, info: Ctx) -> Affectation | None:
        a = await _charger_au(info, AffectationAgregat, self.agregat.affectation_id, self.instant)
        return Affectation.de(a) if a else None

    @strawberry.field(description="R8: what the PPAE still needs to become EN_COURS.")
    async def conditions_entree(self, info: Ctx) -> ConditionsEntree:
        dossier = await _charger_au(info, DossierAgregat, self.agregat.dossier_id, self.instant)
        justifie = bool(dossier and dossier.justifie)
        c = self.agregat.conditions(justifie, dossier.entretiens() if dossier else [])
        return ConditionsEntree(
            entretien=c.entretien, dossier_justifie=c.dossier_justifie, acceptation=c.acceptation
        )


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

    @strawberry.field
    def identite(self, info: Ctx) -> Identite:
        self._lu(info)
        return Identite.de(self.agregat.identite)

    @strawberry.field
    def identifiant_pe(self, info: Ctx) -> str:
        self._lu(info)
        return self.agregat.identifiant_pe

    def _lu(self, info: Ctx) -> None:
        """R23: personal data read: the access log names the affectation and its dossier."""
        if self.agregat.dossier_id is not None:
            info.context.dossiers_lus.add(self.agregat.dossier_id)
        info.context.affectations_lues.add(self.agregat.id)

    @strawberry.field(description="R2: computed suggestions, not decisions.")
    async def suggestions_refus(self, info: Ctx) -> list[MotifRefus]:
        ml = await info.context.mission_locale()
        communes = ml.communes if ml else []
        regles = info.context.service.app.regles
        return suggestions_refus(self.agregat.donnees(), communes, regles)

    @strawberry.field
    async def dossier(self, info: Ctx) -> Dossier | None:
        d = await info.context.charger(DossierAgregat, self.agregat.dossier_id)
        return Dossier.de(d) if d else None

    @strawberry.field
    async def ppae(self, info: Ctx) -> PPAE | None:
        p = await info.context.charger(PPAEAgregat, self.agregat.ppae_id)
        return PPAE.de(p) if p else None

"""A youth's dossier, its events (R7) and, for auditors, its history as recorded (R21)."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Any
from uuid import UUID

import strawberry

from api.contexte import en_thread
from api.enums import RoleApi, role_api
from api.erreurs import entree_invalide
from api.ids import decoder_curseur, encoder_curseur, encoder_id, verifier_first
from api.types.chargement import charger_au
from api.types.commun import Connection, Conseiller, Ctx, Dispositif, Identite, Node
from api.types.lecture import personnel
from api.types.passe import Passe, flux_du_dossier_au, mission_locale_au
from application import audit
from application.magasin.transcodage import en_json
from domain.dossier import Dossier as DossierAgregat
from domain.dossier import EvenementDossier
from domain.erreurs import NonTrouve
from domain.ppae import PPAE as PPAEAgregat  # noqa: N811
from domain.valeurs import MarqueurDude, TypeEvenement
from integrations.dude import registre

if TYPE_CHECKING:
    from api.types.flux import FluxDude
    from api.types.ppae import PPAE

PPAEParesseux = Annotated["PPAE", strawberry.lazy("api.types.ppae")]
FluxDudeParesseux = Annotated["FluxDude", strawberry.lazy("api.types.flux")]


@strawberry.type
class Evenement(Node):
    type: TypeEvenement
    date: date
    enregistre_le: datetime
    enregistre_par: str
    annule: bool
    remplace: strawberry.ID | None = strawberry.field(description="The event this one corrects.")
    dossier_id: strawberry.Private[UUID]
    evenement: strawberry.Private[EvenementDossier]
    passe: strawberry.Private[Passe | None] = None
    """Set within etatAu: its dossier as of that instant (R21)."""

    @classmethod
    def de(cls, dossier_id: UUID, e: EvenementDossier, passe: Passe | None = None) -> Evenement:
        remplace = encoder_id("Evenement", f"{dossier_id}:{e.remplace}") if e.remplace else None
        return cls(
            id=strawberry.ID(encoder_id("Evenement", f"{dossier_id}:{e.id}")),
            type=e.type,
            date=e.date,
            enregistre_le=e.enregistre_le,
            enregistre_par=e.enregistre_par,
            annule=e.annule,
            remplace=strawberry.ID(remplace) if remplace else None,
            dossier_id=dossier_id,
            evenement=e,
            passe=passe,
        )

    def sujets_lus(self) -> tuple[UUID | None, UUID | None]:
        return self.dossier_id, None

    @personnel("Free text: stays in the system (R14); its reads are logged.")
    def commentaire(self) -> str | None:
        return self.evenement.commentaire

    @personnel("Why it was cancelled (free text): its reads are logged.")
    def motif_annulation(self) -> str | None:
        return self.evenement.motif_annulation

    @strawberry.field(
        description="True once a DUDE flow for this event exists (R13), and while no "
        "ANNULATION flow retracted it (R14)."
    )
    async def transmis_dude(self, info: Ctx) -> bool:
        return self.evenement.id in (await self._transmissions(info)).en_vigueur

    @strawberry.field(
        description="Beyond the contract (R14): an ANNULATION flow retracted what the DUDE "
        "was sent of this event (cancelled, corrected, or left outside the window by an exit "
        "dated before it)."
    )
    async def annulation_dude(self, info: Ctx) -> bool:
        return self.evenement.id in (await self._transmissions(info)).annulees

    async def _transmissions(self, info: Ctx) -> registre.Transmissions:
        if self.passe is not None:  # within etatAu: as history stood then (R21)
            return await self.passe.transmis(info.context)
        return await info.context.evenements_transmis.load(self.dossier_id)


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

    @classmethod
    def de(cls, f: audit.Fait) -> FaitHistorique:
        return cls(
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
class Dossier(Node):
    agregat: strawberry.Private[DossierAgregat]
    version: int
    code_mission_locale: str
    marqueur_dude: MarqueurDude | None
    justifie: bool
    supprime: bool
    instant: strawberry.Private[datetime | None] = None
    """Set when this is the dossier as recorded at that instant (etatAu)."""

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

    def sujets_lus(self) -> tuple[UUID | None, UUID | None]:
        return self.agregat.id, None

    @personnel()
    def identite(self) -> Identite:
        return Identite.de(self.agregat.identite)

    @personnel("A direct identifier of the youth (R23); none once erased (R20).")
    def identifiant_pe(self) -> str | None:
        return self.agregat.identifiant_pe

    @strawberry.field(description="The counselor of the open PPAE, or of the latest one.")
    async def conseiller(self, info: Ctx) -> Conseiller | None:
        ppae = await self._ppae_courant(info)
        ctx = info.context
        ml = await (mission_locale_au(ctx, self.instant) if self.instant else ctx.mission_locale())
        if ppae is None or ppae.conseiller_id is None or ml is None:
            return None
        c = ml.conseiller(ppae.conseiller_id)
        return Conseiller.de(c) if c else None

    @strawberry.field(description="The open PPAE, or the latest one.")
    async def ppae(self, info: Ctx) -> PPAEParesseux | None:
        from api.types.ppae import PPAE

        ppae = await self._ppae_courant(info)
        return PPAE.de(ppae, self.instant) if ppae else None

    @strawberry.field
    async def ppaes(self, info: Ctx) -> list[PPAEParesseux]:
        from api.types.ppae import PPAE

        ids = list(self.agregat.ppae_ids)
        if self.instant is not None:
            lus = [await charger_au(info, PPAEAgregat, i, self.instant) for i in ids]
            ppaes = [p for p in lus if p is not None]
        else:
            ppaes = await info.context.charger_plusieurs(PPAEAgregat, ids)
        return [PPAE.de(p, self.instant) for p in ppaes]

    @strawberry.field(description="R15: the dossier's DUDE flows and their states.")
    async def flux_dude(self, info: Ctx) -> list[FluxDudeParesseux]:
        from api.types.flux import FluxDude

        service, dossier_id = info.context.service, str(self.agregat.id)
        if self.instant is not None:  # R21: the flows history called for then, as they stood
            lignes = await flux_du_dossier_au(info.context, self.agregat.id, self.instant)
            return [FluxDude.de(ligne, self.instant) for ligne in lignes]

        def lire() -> list[dict[str, Any]]:
            with service.lecture() as cur:
                return registre.du_dossier(cur, dossier_id)

        return [FluxDude.de(ligne) for ligne in await en_thread(lire)]

    @strawberry.field
    def dispositifs(self) -> list[Dispositif]:
        return [
            Dispositif(
                type=d.type, statut=d.statut, date_entree=d.date_entree, date_sortie=d.date_sortie
            )
            for d in self.agregat.dispositifs
        ]

    @strawberry.field(description="Most recent first (by effective date).")
    def evenements(
        self,
        first: int | None = 20,
        after: str | None = None,
        types: list[TypeEvenement] | None = None,
    ) -> Connection[Evenement]:
        limite = verifier_first(first)
        curseur = decoder_curseur(after, 2)
        retenus = [e for e in self.agregat.evenements.values() if not types or e.type in types]
        tries = sorted(retenus, key=_cle_evenement, reverse=True)
        suite = [e for e in tries if curseur is None or _cle_evenement(e) < tuple(curseur)]
        passe = Passe(self.agregat.id, self.instant) if self.instant else None
        noeuds = [Evenement.de(self.agregat.id, e, passe) for e in suite]
        return Connection.tranche(
            noeuds, lambda n: encoder_curseur(*_cle_evenement(n.evenement)), limite, len(tries)
        )

    @personnel("AUDITEUR and ADMIN only.")
    async def historique(
        self, info: Ctx, first: int | None = 50, after: str | None = None
    ) -> Connection[FaitHistorique]:
        ctx = info.context
        ctx.exiger_audit()
        limite = verifier_first(first, defaut=50)
        curseur = decoder_curseur(after, 1, types=(int,))
        faits = await en_thread(audit.historique, ctx.service.app, ctx.commande(), self.agregat.id)
        if self.instant is not None:  # R21: what was recorded by then, nothing after
            faits = [f for f in faits if f.enregistre_le <= self.instant]
        suite = [f for f in faits if curseur is None or f.position > int(curseur[0])]
        noeuds = [FaitHistorique.de(f) for f in suite]
        return Connection.tranche(noeuds, lambda n: encoder_curseur(n.position), limite, len(faits))

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
        if self.instant is not None and instant > self.instant:
            raise entree_invalide(
                "instant : au plus celui de l'état consulté (l'état d'alors ignore la suite).",
                "instant",
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

    async def _ppae_courant(self, info: Ctx) -> PPAEAgregat | None:
        return await charger_au(info, PPAEAgregat, self.agregat.ppae_courant, self.instant)


def _cle_evenement(e: EvenementDossier) -> tuple[str, str]:
    return (e.date.isoformat(), e.id)

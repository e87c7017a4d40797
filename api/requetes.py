"""Queries: single objects from the event store, lists from the projections (keyset pages)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any, TypeVar
from uuid import UUID

import strawberry

from api.contexte import en_thread
from api.enums import role_api
from api.erreurs import entree_invalide
from api.ids import (
    decoder_curseur,
    decoder_id,
    decoder_uuid,
    encoder_curseur,
    type_de,
    verifier_first,
)
from api.types import (
    PPAE,
    Affectation,
    Connection,
    Conseiller,
    Ctx,
    Dossier,
    Evenement,
    Node,
    Utilisateur,
)
from api.types.flux import FluxDude, ReconciliationFlux, StatistiqueFlux
from application.traitement.pages import Page
from domain.affectation import Affectation as AffectationAgregat
from domain.dossier import Dossier as DossierAgregat
from domain.erreurs import NonTrouve
from domain.flux import StatutFlux, TypeFlux
from domain.ppae import PPAE as PPAEAgregat  # noqa: N811
from domain.valeurs import ListeCotraitance, StatutAffectation, StatutCotraitance, StatutPpae
from integrations.dude import reconciliation, registre
from projections import affectations as vue_affectations
from projections import dossiers as vue_dossiers
from projections import ppae as vue_ppae

N = TypeVar("N")


async def _page(
    info: Ctx,
    first: int | None,
    after: str | None,
    lire: Callable[[Any, tuple[str, str] | None, int], Page],
    tri: str,
    cle: str,
    noeud: Callable[[UUID], Awaitable[N | None]],
) -> Connection[N]:
    """Reads one page of a view off the event loop, then resolves its rows to nodes."""
    ctx = info.context
    ctx.exiger_lecture()
    limite = verifier_first(first)
    curseur = decoder_curseur(after, 2)
    apres = (str(curseur[0]), str(curseur[1])) if curseur else None

    def lecture() -> Page:
        with ctx.service.lecture() as cur:
            return lire(cur, apres, limite)

    page = await en_thread(lecture)
    ids = [UUID(ligne[cle]) for ligne in page.lignes]
    await ctx.agregats.load_many(ids)  # one batch for the whole page
    noeuds = []
    for ligne, i in zip(page.lignes, ids, strict=True):
        objet = await noeud(i)
        if objet is not None:
            noeuds.append((objet, encoder_curseur(ligne[tri], ligne[cle])))
    return Connection.de(noeuds, page.suivante, page.total)


async def _dossier(info: Ctx, id: str) -> Dossier | None:
    d = await info.context.charger(DossierAgregat, decoder_uuid(id, "Dossier"))
    return Dossier.de(d) if d else None


async def _ppae(info: Ctx, id: str) -> PPAE | None:
    p = await info.context.charger(PPAEAgregat, decoder_uuid(id, "PPAE"))
    return PPAE.de(p) if p else None


async def _affectation(info: Ctx, id: str) -> Affectation | None:
    a = await info.context.charger(AffectationAgregat, decoder_uuid(id, "Affectation"))
    return Affectation.de(a) if a else None


async def _evenement(info: Ctx, id: str) -> Evenement | None:
    dossier_id, _, evenement_id = (decoder_id(id, "Evenement") or "").partition(":")
    try:
        d = await info.context.charger(DossierAgregat, UUID(dossier_id))
    except ValueError:
        return None
    evenement = d.evenements.get(evenement_id) if d else None
    return Evenement.de(d.id, evenement) if d and evenement else None


async def _flux(info: Ctx, id: str) -> FluxDude | None:
    cle, ml = decoder_id(id, "FluxDude"), info.context.acteur.code_ml
    if cle is None:
        return None

    def lire() -> dict[str, Any] | None:
        with info.context.service.lecture() as cur:
            return registre.un(cur, ml, cle)

    ligne = await en_thread(lire)
    return FluxDude.de(ligne) if ligne else None


def _imprimable(valeur: str, maximum: int) -> bool:
    return len(valeur) <= maximum and valeur.isprintable()


@strawberry.type
class Query:
    @strawberry.field
    async def node(self, info: Ctx, id: strawberry.ID) -> Node | None:
        info.context.exiger_lecture()
        genre = type_de(id)
        if genre == "Dossier":
            return await _dossier(info, id)
        if genre == "PPAE":
            return await _ppae(info, id)
        if genre == "Affectation":
            return await _affectation(info, id)
        if genre == "Evenement":
            return await _evenement(info, id)
        if genre == "FluxDude":
            return await _flux(info, id)
        return None

    @strawberry.field
    def moi(self, info: Ctx) -> Utilisateur:
        a = info.context.acteur
        role = role_api(a.role)
        assert role is not None
        return Utilisateur(sub=a.sub, role=role, code_mission_locale=a.code_ml)

    @strawberry.field(description="The counselors of the user's Mission Locale.")
    async def conseillers(self, info: Ctx) -> list[Conseiller]:
        info.context.exiger_lecture()
        ml = await info.context.mission_locale()
        return [Conseiller.de(c) for c in ml.conseillers] if ml else []

    @strawberry.field
    async def dossier(self, info: Ctx, id: strawberry.ID) -> Dossier | None:
        info.context.exiger_lecture()
        return await _dossier(info, id)

    @strawberry.field
    async def ppae(self, info: Ctx, id: strawberry.ID) -> PPAE | None:
        info.context.exiger_lecture()
        return await _ppae(info, id)

    @strawberry.field
    async def affectation(self, info: Ctx, id: strawberry.ID) -> Affectation | None:
        info.context.exiger_lecture()
        return await _affectation(info, id)

    @strawberry.field
    async def rechercher_dossiers(
        self,
        info: Ctx,
        texte: str | None = None,
        date_naissance: date | None = None,
        identifiant_pe: str | None = None,
        first: int | None = 20,
        after: str | None = None,
    ) -> Connection[Dossier]:
        ml = info.context.acteur.code_ml
        for valeur, champ, maximum in (
            (texte, "texte", 200),
            (identifiant_pe, "identifiantPe", 20),
        ):
            if valeur is not None and not _imprimable(valeur, maximum):
                raise entree_invalide(f"{champ} : au plus {maximum} caractères imprimables.", champ)

        def lire(cur: Any, apres: tuple[str, str] | None, limite: int) -> Page:
            return vue_dossiers.rechercher(
                cur, ml, texte, date_naissance, identifiant_pe, apres, limite
            )

        async def noeud(i: UUID) -> Dossier | None:
            d = await info.context.charger(DossierAgregat, i)
            return Dossier.de(d) if d else None

        return await _page(info, first, after, lire, "tri", "dossier_id", noeud)

    @strawberry.field
    async def ppaes(
        self,
        info: Ctx,
        statut: StatutPpae | None = None,
        statut_cotraitance: StatutCotraitance | None = None,
        conseiller_id: strawberry.ID | None = None,
        first: int | None = 20,
        after: str | None = None,
    ) -> Connection[PPAE]:
        ml = info.context.acteur.code_ml

        def lire(cur: Any, apres: tuple[str, str] | None, limite: int) -> Page:
            return vue_ppae.lister(
                cur, ml, statut, statut_cotraitance, conseiller_id, apres, limite
            )

        async def noeud(i: UUID) -> PPAE | None:
            p = await info.context.charger(PPAEAgregat, i)
            return PPAE.de(p) if p else None

        return await _page(info, first, after, lire, "ouvert_le", "ppae_id", noeud)

    @strawberry.field
    async def affectations(
        self,
        info: Ctx,
        statut: StatutAffectation | None = None,
        liste: ListeCotraitance | None = None,
        first: int | None = 20,
        after: str | None = None,
    ) -> Connection[Affectation]:
        ml = info.context.acteur.code_ml

        def lire(cur: Any, apres: tuple[str, str] | None, limite: int) -> Page:
            return vue_affectations.lister(cur, ml, statut, liste, apres, limite)

        async def noeud(i: UUID) -> Affectation | None:
            a = await info.context.charger(AffectationAgregat, i)
            return Affectation.de(a) if a else None

        return await _page(info, first, after, lire, "tri", "affectation_id", noeud)

    @strawberry.field(description="R15: the ML's DUDE flows, in the order they were made.")
    async def flux_dude(
        self,
        info: Ctx,
        statut: StatutFlux | None = None,
        type: TypeFlux | None = None,
        du: date | None = None,
        au: date | None = None,
        first: int | None = 20,
        after: str | None = None,
    ) -> Connection[FluxDude]:
        ctx = info.context
        ctx.exiger_lecture()
        limite = verifier_first(first)
        curseur = decoder_curseur(after, 2)
        apres = (str(curseur[0]), str(curseur[1])) if curseur else None

        def lire() -> Page:
            with ctx.service.lecture() as cur:
                return registre.lister(cur, ctx.acteur.code_ml, statut, type, du, au, apres, limite)

        page = await en_thread(lire)
        noeuds = [
            (FluxDude.de(ligne), encoder_curseur(ligne["ordre"], ligne["cle"]))
            for ligne in page.lignes
        ]
        return Connection.de(noeuds, page.suivante, page.total)

    @strawberry.field(description="R15: flows per day made, type and state (le décisionnel).")
    async def decisionnel_flux(self, info: Ctx, du: date, au: date) -> list[StatistiqueFlux]:
        ctx = info.context
        ctx.exiger_lecture()
        if au < du:
            raise entree_invalide("au doit être postérieur ou égal à du.", "au")

        def lire() -> list[registre.Statistique]:
            with ctx.service.lecture() as cur:
                return registre.decisionnel(cur, ctx.acteur.code_ml, du, au)

        return [
            StatistiqueFlux(jour=s.jour, type=s.type, statut=s.statut, nombre=s.nombre)
            for s in await en_thread(lire)
        ]

    @strawberry.field(
        description="R21: the dossier's flows re-derived from history against those recorded "
        "(AUDITEUR and ADMIN only)."
    )
    async def reconciliation_flux(
        self, info: Ctx, dossier_id: strawberry.ID
    ) -> ReconciliationFlux | None:
        ctx = info.context
        ctx.exiger_audit()
        identifiant = decoder_uuid(dossier_id, "Dossier")
        if identifiant is None:
            return None
        service = ctx.service
        try:
            r = await en_thread(
                reconciliation.reconcilier,
                service.app,
                service.lecture,
                ctx.commande(),
                identifiant,
            )
        except NonTrouve:
            return None
        return ReconciliationFlux(
            attendus=len(r.attendus),
            enregistres=len(r.enregistres),
            manquants=r.manquants,
            en_trop=r.en_trop,
        )

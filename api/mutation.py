"""Mutations: each runs one command off the event loop; business refusals go in ``erreurs``."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any
from uuid import UUID

import strawberry

from api.contexte import ContexteRequete, en_thread
from api.entrees import (
    AccepterPpaeInput,
    ActualisationPayload,
    AffectationPayload,
    AffecterConseillerInput,
    AnnulerEvenementInput,
    AnnulerRapprochementInput,
    ArreterCotraitanceInput,
    CorrigerEvenementInput,
    CreerDossierImporteInput,
    CreerDossierInput,
    CreerDossierPayload,
    DeciderAffectationInput,
    DossierPayload,
    EvenementPayload,
    FluxPayload,
    JustifierDossierInput,
    PPAEPayload,
    ProposerRendezVousInput,
    RapprochementPayload,
    RapprocherInput,
    RenseignerRendezVousInput,
    RenvoyerFluxInput,
    ResoudreConflitAffectationInput,
    SaisirEvenementInput,
    SortirPpaeInput,
    SupprimerDossierInput,
    TransfererDonneesInput,
)
from api.erreurs import Erreur, interdit
from api.ids import decoder_id, decoder_uuid
from api.renvoi import DESCRIPTION as RENVOI_EN_MASSE
from api.renvoi import renvoyer_flux_en_masse as renvoyer_en_masse
from api.types import PPAE, Affectation, Avertissement, Ctx, Dossier, Evenement
from api.types.affectation import Candidat, candidats_visibles
from api.types.flux import FluxDude
from application.contexte import Contexte, Resultat
from application.service import Cotraitance
from domain.acces import Capacite, autorise
from domain.affectation import Affectation as AffectationAgregat
from domain.dossier import Dossier as DossierAgregat
from domain.dossier import saisir_identite
from domain.erreurs import ErreurMetier, NonAutorise, NonTrouve, TransitionInterdite
from domain.ppae import PPAE as PPAEAgregat  # noqa: N811
from domain.rapprochement import Fiche
from integrations.dude import registre

Commande = Callable[[Contexte], Resultat]
journal = logging.getLogger("cotraitance.api")


def _uuid(valeur: str, type_: str, champ: str) -> UUID:
    cle = decoder_uuid(valeur, type_)
    if cle is None:
        raise NonTrouve(f"{type_} introuvable.", champ)
    return cle


def _evenement(valeur: str, dossier_id: UUID) -> str:
    dossier, _, evenement = (decoder_id(valeur, "Evenement") or "").partition(":")
    if dossier != str(dossier_id) or not evenement:
        raise NonTrouve("Événement introuvable sur ce dossier.", "evenementId")
    return evenement


async def _executer(info: Ctx, commande: Commande, cle: str | None) -> Resultat | list[Erreur]:
    ctx = info.context
    try:
        resultat = await en_thread(commande, ctx.commande(cle))
    except NonAutorise as exc:  # a role refusal is FORBIDDEN, on reads as on mutations
        raise interdit(exc.message) from None
    except ErreurMetier as exc:
        return Erreur.toutes(exc)
    ctx.agregats.clear_all()  # a command may change more than the ids it returns (R8)
    await _attendre_projections(ctx)
    return resultat


async def _attendre_projections(ctx: ContexteRequete) -> None:
    """Read-your-writes: the next list query sees what this mutation recorded."""
    await en_thread(ctx.service.attendre_lectures)


async def _dossier(ctx: ContexteRequete, i: UUID | None) -> Dossier | None:
    d = await ctx.charger(DossierAgregat, i)
    return Dossier.de(d) if d else None


async def _ppae(ctx: ContexteRequete, i: UUID | None) -> PPAE | None:
    p = await ctx.charger(PPAEAgregat, i)
    return PPAE.de(p) if p else None


async def _affectation(ctx: ContexteRequete, i: UUID | None) -> Affectation | None:
    a = await ctx.charger(AffectationAgregat, i)
    return Affectation.de(a) if a else None


async def _ppae_payload(info: Ctx, commande: Commande, cle: str | None) -> PPAEPayload:
    r = await _executer(info, commande, cle)
    if isinstance(r, list):
        return PPAEPayload(erreurs=r)
    avertissements = [Avertissement.de(a) for a in r.avertissements]
    return PPAEPayload(ppae=await _ppae(info.context, r.ppae_id), avertissements=avertissements)


async def _dossier_payload(info: Ctx, commande: Commande, cle: str | None) -> DossierPayload:
    r = await _executer(info, commande, cle)
    if isinstance(r, list):
        return DossierPayload(erreurs=r)
    return DossierPayload(dossier=await _dossier(info.context, r.dossier_id))


async def _rapprochement_payload(
    info: Ctx, commande: Commande, cle: str | None
) -> RapprochementPayload:
    r = await _executer(info, commande, cle)
    if isinstance(r, list):
        return RapprochementPayload(erreurs=r)
    ctx = info.context
    return RapprochementPayload(
        affectation=await _affectation(ctx, r.affectation_id),
        dossier=await _dossier(ctx, r.dossier_id),
        ppae=await _ppae(ctx, r.ppae_id),
        avertissements=[Avertissement.de(a) for a in r.avertissements],
    )


async def _doublons_probables(info: Ctx, dossier: DossierAgregat) -> list[Candidat]:
    """R4: the ML's dossiers the matching engine takes for the same youth."""
    fiche = Fiche.de(dossier.identite, dossier.identifiant_pe)
    lui = frozenset({str(dossier.id)})
    try:
        trouves = await en_thread(_app(info).ports.candidats, dossier.code_ml, fiche, lui)
    except Exception:  # the dossier is recorded: its answer must not say otherwise (a retry
        journal.exception("duplicate check failed")  # without key would make a duplicate)
        return []
    candidats = [Candidat.trouve(c, c.ref in trouves.ppae_passe) for c in trouves.candidats]
    return await candidats_visibles(info, candidats)


async def _evenement_payload(info: Ctx, commande: Commande, cle: str | None) -> EvenementPayload:
    r = await _executer(info, commande, cle)
    if isinstance(r, list):
        return EvenementPayload(erreurs=r)
    dossier = await info.context.charger(DossierAgregat, r.dossier_id)
    if dossier is None:
        return EvenementPayload()
    evenement = dossier.evenements.get(r.evenement_id or "")
    return EvenementPayload(
        evenement=Evenement.de(dossier.id, evenement) if evenement else None,
        dossier=Dossier.de(dossier),
    )


def _app(info: Ctx) -> Cotraitance:
    return info.context.service.app


@strawberry.type
class Mutation:
    @strawberry.mutation
    async def creer_dossier(self, info: Ctx, input: CreerDossierInput) -> CreerDossierPayload:
        def commande(c: Contexte) -> Resultat:
            app = _app(info)
            champs = {
                "nom": input.nom,
                "prenoms": input.prenoms,
                "date_naissance": input.date_naissance,
                "nom_usage": input.nom_usage,
                "sexe": input.sexe,
                "commune_insee": input.commune_insee,
                "code_postal": input.code_postal,
                "telephone": input.telephone,
                "email": input.email,
            }
            aujourdhui = app.horloge.aujourdhui()
            identite = saisir_identite(champs, input.identifiant_pe, aujourdhui, app.regles)
            return _app(info).creer_dossier(c, identite, input.identifiant_pe)

        r = await _executer(info, commande, input.cle_idempotence)
        if isinstance(r, list):
            return CreerDossierPayload(erreurs=r)
        dossier = await info.context.charger(DossierAgregat, r.dossier_id)
        if dossier is None:
            return CreerDossierPayload()
        return CreerDossierPayload(
            dossier=Dossier.de(dossier), doublons_probables=await _doublons_probables(info, dossier)
        )

    @strawberry.mutation(description="R5: matching again for every unresolved affectation.")
    async def actualiser_rapprochements(self, info: Ctx) -> ActualisationPayload:
        r = await _executer(info, _app(info).actualiser_rapprochements, None)
        if isinstance(r, list):
            return ActualisationPayload(erreurs=r)
        return ActualisationPayload(reexaminees=r.nombre or 0)

    @strawberry.mutation(
        description="Beyond the contract (R1): adopt or dismiss a content received later under "
        "the same DUDE id."
    )
    async def resoudre_conflit_affectation(
        self, info: Ctx, input: ResoudreConflitAffectationInput
    ) -> AffectationPayload:
        def commande(c: Contexte) -> Resultat:
            i = _uuid(input.affectation_id, "Affectation", "affectationId")
            return _app(info).resoudre_conflit_affectation(c, i, input.empreinte, input.adopter)

        r = await _executer(info, commande, input.cle_idempotence)
        if isinstance(r, list):
            return AffectationPayload(erreurs=r)
        return AffectationPayload(affectation=await _affectation(info.context, r.affectation_id))

    @strawberry.mutation
    async def decider_affectation(
        self, info: Ctx, input: DeciderAffectationInput
    ) -> AffectationPayload:
        def commande(c: Contexte) -> Resultat:
            i = _uuid(input.affectation_id, "Affectation", "affectationId")
            return _app(info).decider_affectation(c, i, input.accepter, input.motif_refus)

        r = await _executer(info, commande, input.cle_idempotence)
        if isinstance(r, list):
            return AffectationPayload(erreurs=r)
        return AffectationPayload(affectation=await _affectation(info.context, r.affectation_id))

    @strawberry.mutation
    async def creer_dossier_importe(
        self, info: Ctx, input: CreerDossierImporteInput
    ) -> RapprochementPayload:
        def commande(c: Contexte) -> Resultat:
            i = _uuid(input.affectation_id, "Affectation", "affectationId")
            return _app(info).creer_dossier_importe(c, i)

        return await _rapprochement_payload(info, commande, input.cle_idempotence)

    @strawberry.mutation
    async def rapprocher(self, info: Ctx, input: RapprocherInput) -> RapprochementPayload:
        def commande(c: Contexte) -> Resultat:
            a = _uuid(input.affectation_id, "Affectation", "affectationId")
            d = _uuid(input.dossier_id, "Dossier", "dossierId")
            return _app(info).rapprocher(c, a, d, bool(input.confirmer))

        return await _rapprochement_payload(info, commande, input.cle_idempotence)

    @strawberry.mutation
    async def affecter_conseiller(self, info: Ctx, input: AffecterConseillerInput) -> PPAEPayload:
        def commande(c: Contexte) -> Resultat:
            p = _uuid(input.ppae_id, "PPAE", "ppaeId")
            return _app(info).affecter_conseiller(
                c, p, str(input.conseiller_id), input.version_attendue
            )

        return await _ppae_payload(info, commande, input.cle_idempotence)

    @strawberry.mutation
    async def proposer_rendez_vous(self, info: Ctx, input: ProposerRendezVousInput) -> PPAEPayload:
        def commande(c: Contexte) -> Resultat:
            p = _uuid(input.ppae_id, "PPAE", "ppaeId")
            return _app(info).proposer_rendez_vous(c, p, input.date, input.version_attendue)

        return await _ppae_payload(info, commande, input.cle_idempotence)

    @strawberry.mutation
    async def renseigner_rendez_vous(
        self, info: Ctx, input: RenseignerRendezVousInput
    ) -> PPAEPayload:
        def commande(c: Contexte) -> Resultat:
            p = _uuid(input.ppae_id, "PPAE", "ppaeId")
            return _app(info).renseigner_rendez_vous(c, p, str(input.rendez_vous_id), input.statut)

        return await _ppae_payload(info, commande, input.cle_idempotence)

    @strawberry.mutation
    async def saisir_evenement(self, info: Ctx, input: SaisirEvenementInput) -> EvenementPayload:
        def commande(c: Contexte) -> Resultat:
            d = _uuid(input.dossier_id, "Dossier", "dossierId")
            return _app(info).saisir_evenement(c, d, input.type, input.date, input.commentaire)

        return await _evenement_payload(info, commande, input.cle_idempotence)

    @strawberry.mutation
    async def annuler_evenement(self, info: Ctx, input: AnnulerEvenementInput) -> EvenementPayload:
        def commande(c: Contexte) -> Resultat:
            d = _uuid(input.dossier_id, "Dossier", "dossierId")
            e = _evenement(input.evenement_id, d)
            return _app(info).annuler_evenement(c, d, e, input.motif)

        return await _evenement_payload(info, commande, input.cle_idempotence)

    @strawberry.mutation(description="R7: a correction is a new event; the old one stays.")
    async def corriger_evenement(
        self, info: Ctx, input: CorrigerEvenementInput
    ) -> EvenementPayload:
        def commande(c: Contexte) -> Resultat:
            d = _uuid(input.dossier_id, "Dossier", "dossierId")
            e = _evenement(input.evenement_id, d)
            return _app(info).corriger_evenement(c, d, e, input.type, input.date)

        return await _evenement_payload(info, commande, input.cle_idempotence)

    @strawberry.mutation
    async def justifier_dossier(self, info: Ctx, input: JustifierDossierInput) -> DossierPayload:
        def commande(c: Contexte) -> Resultat:
            d = _uuid(input.dossier_id, "Dossier", "dossierId")
            return _app(info).justifier_dossier(c, d, input.piece, input.version_attendue)

        return await _dossier_payload(info, commande, input.cle_idempotence)

    @strawberry.mutation
    async def accepter_ppae(self, info: Ctx, input: AccepterPpaeInput) -> PPAEPayload:
        def commande(c: Contexte) -> Resultat:
            p = _uuid(input.ppae_id, "PPAE", "ppaeId")
            return _app(info).accepter_ppae(c, p, input.date_entree, input.version_attendue)

        return await _ppae_payload(info, commande, input.cle_idempotence)

    @strawberry.mutation
    async def arreter_cotraitance(self, info: Ctx, input: ArreterCotraitanceInput) -> PPAEPayload:
        def commande(c: Contexte) -> Resultat:
            p = _uuid(input.ppae_id, "PPAE", "ppaeId")
            return _app(info).arreter_cotraitance(
                c, p, input.motif, bool(input.demander_reaffectation), input.version_attendue
            )

        return await _ppae_payload(info, commande, input.cle_idempotence)

    @strawberry.mutation
    async def sortir_ppae(self, info: Ctx, input: SortirPpaeInput) -> PPAEPayload:
        def commande(c: Contexte) -> Resultat:
            p = _uuid(input.ppae_id, "PPAE", "ppaeId")
            return _app(info).sortir_ppae(
                c, p, input.date_sortie, input.motif, input.version_attendue
            )

        return await _ppae_payload(info, commande, input.cle_idempotence)

    @strawberry.mutation
    async def annuler_rapprochement(
        self, info: Ctx, input: AnnulerRapprochementInput
    ) -> PPAEPayload:
        def commande(c: Contexte) -> Resultat:
            p = _uuid(input.ppae_id, "PPAE", "ppaeId")
            return _app(info).annuler_rapprochement(c, p)

        return await _ppae_payload(info, commande, input.cle_idempotence)

    @strawberry.mutation
    async def transferer_donnees(self, info: Ctx, input: TransfererDonneesInput) -> DossierPayload:
        def commande(c: Contexte) -> Resultat:
            s = _uuid(input.dossier_source_id, "Dossier", "dossierSourceId")
            d = _uuid(input.dossier_cible_id, "Dossier", "dossierCibleId")
            return _app(info).transferer_donnees(c, s, d)

        return await _dossier_payload(info, commande, input.cle_idempotence)

    @strawberry.mutation
    async def supprimer_dossier(self, info: Ctx, input: SupprimerDossierInput) -> DossierPayload:
        def commande(c: Contexte) -> Resultat:
            d = _uuid(input.dossier_id, "Dossier", "dossierId")
            return _app(info).supprimer_dossier(c, d, input.confirmer)

        return await _dossier_payload(info, commande, input.cle_idempotence)

    @strawberry.mutation(
        description="R15: a rejected or stuck flow gets a new attempt (same flow, same key)."
    )
    async def renvoyer_flux(self, info: Ctx, input: RenvoyerFluxInput) -> FluxPayload:
        ctx = info.context
        if not autorise(ctx.acteur, Capacite.GERER):
            raise interdit(f"Le rôle {ctx.acteur.role.value} ne permet pas cette action.")
        cle, ml = decoder_id(input.flux_id, "FluxDude"), ctx.acteur.code_ml
        if cle is None:
            return FluxPayload(erreurs=[Erreur(code=NonTrouve.code, message="Flux introuvable.",
                                               champ="fluxId")])  # fmt: skip

        def renvoyer() -> tuple[bool, dict[str, Any] | None]:
            with ctx.service.ecriture() as cur:
                fait = registre.renvoyer(cur, ml, cle)
                return fait, registre.un(cur, ml, cle)

        fait, ligne = await en_thread(renvoyer)
        if ligne is None:
            return FluxPayload(
                erreurs=[Erreur(code=NonTrouve.code, message="Flux introuvable.", champ="fluxId")]
            )
        if not fait:
            message = (
                f"Ce flux est {ligne['statut']} : seul un flux rejeté, ou resté sans accusé de "
                "réception, se renvoie."
            )
            return FluxPayload(
                flux=FluxDude.de(ligne),
                erreurs=[Erreur(code=TransitionInterdite.code, message=message, champ="fluxId")],
            )
        return FluxPayload(flux=FluxDude.de(ligne))

    renvoyer_flux_en_masse = strawberry.mutation(
        resolver=renvoyer_en_masse, description=RENVOI_EN_MASSE
    )

"""Commands on dossiers: creation, events, justification, transfer, deletion."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from uuid import UUID, uuid4

from eventsourcing.domain import Aggregate

from application.base import ApplicationBase
from application.contexte import (
    ROLES_GESTION,
    ROLES_SUIVI,
    Contexte,
    Resultat,
)
from domain.affectation import Affectation
from domain.dossier import Dossier
from domain.ppae import PPAE
from domain.textes import IDENTIFIANT_PE_MAX, texte_optionnel, verifier_identite
from domain.valeurs import (
    Dispositif,
    Identite,
    StatutPpae,
    TypeEvenement,
)


class CommandesDossiers(ApplicationBase):
    # ------------------------------------------------------------------ dossiers

    def creer_dossier(
        self,
        ctx: Contexte,
        identite: Identite,
        identifiant_pe: str | None = None,
        dispositifs: Sequence[Dispositif] = (),
        justifie: bool = False,
    ) -> Resultat:
        """R4: a youth walking in; probable duplicates come with the matching engine."""

        def decider() -> tuple[list[Aggregate], Resultat]:
            verifier_identite(identite, self.horloge.aujourdhui())
            pe = texte_optionnel(identifiant_pe, "identifiantPe", IDENTIFIANT_PE_MAX)
            dossier = Dossier(
                code_ml=ctx.acteur.code_ml,
                identite=identite,
                identifiant_pe=pe,
                marqueur=None,
                dispositifs=list(dispositifs),
                id_externe=None,
                justifie=justifie,
            )
            return [dossier], Resultat(dossier_id=dossier.id)

        entree = {"identite": identite, "pe": identifiant_pe, "dispositifs": list(dispositifs)}
        return self._executer(ctx, "creer_dossier", entree, ROLES_SUIVI, decider)

    def justifier_dossier(
        self, ctx: Contexte, dossier_id: UUID, piece: str, version_attendue: int | None = None
    ) -> Resultat:
        """R8 (a): identity proven; may be the last condition to arrive."""

        def decider() -> tuple[list[Aggregate], Resultat]:
            dossier = self._charger(ctx, Dossier, dossier_id, version_attendue)
            dossier.justifier(piece)
            return [dossier, *self._evaluer_entree(ctx, dossier)], Resultat(dossier_id=dossier_id)

        entree = {"dossier": dossier_id, "piece": piece, "version": version_attendue}
        return self._executer(ctx, "justifier_dossier", entree, ROLES_SUIVI, decider)

    def saisir_evenement(
        self,
        ctx: Contexte,
        dossier_id: UUID,
        type_evenement: TypeEvenement,
        jour: date,
        commentaire: str | None = None,
    ) -> Resultat:
        """R7, R8 (c): an interview may be the last condition to arrive."""

        def decider() -> tuple[list[Aggregate], Resultat]:
            dossier = self._charger(ctx, Dossier, dossier_id)
            evenement_id = uuid4().hex
            dossier.saisir_evenement(
                evenement_id,
                type_evenement,
                jour,
                commentaire,
                ctx.acteur.sub,
                self.horloge.aujourdhui(),
            )
            resultat = Resultat(dossier_id=dossier_id, evenement_id=evenement_id)
            return [dossier, *self._evaluer_entree(ctx, dossier)], resultat

        entree = {"dossier": dossier_id, "type": type_evenement, "date": jour, "c": commentaire}
        return self._executer(ctx, "saisir_evenement", entree, ROLES_SUIVI, decider)

    def corriger_evenement(
        self,
        ctx: Contexte,
        dossier_id: UUID,
        evenement_id: str,
        type_evenement: TypeEvenement,
        jour: date,
    ) -> Resultat:
        """R7: a correction is a new event; the corrected one stays in history."""

        def decider() -> tuple[list[Aggregate], Resultat]:
            dossier = self._charger(ctx, Dossier, dossier_id)
            nouvel_id = uuid4().hex
            dossier.corriger_evenement(
                evenement_id,
                nouvel_id,
                type_evenement,
                jour,
                ctx.acteur.sub,
                self.horloge.aujourdhui(),
            )
            resultat = Resultat(dossier_id=dossier_id, evenement_id=nouvel_id)
            return [dossier, *self._evaluer_entree(ctx, dossier)], resultat

        entree = {"dossier": dossier_id, "evt": evenement_id, "type": type_evenement, "date": jour}
        return self._executer(ctx, "corriger_evenement", entree, ROLES_SUIVI, decider)

    def annuler_evenement(
        self, ctx: Contexte, dossier_id: UUID, evenement_id: str, motif: str | None = None
    ) -> Resultat:
        def decider() -> tuple[list[Aggregate], Resultat]:
            dossier = self._charger(ctx, Dossier, dossier_id)
            dossier.annuler_evenement(evenement_id, motif)
            return [dossier], Resultat(dossier_id=dossier_id, evenement_id=evenement_id)

        entree = {"dossier": dossier_id, "evt": evenement_id, "motif": motif}
        return self._executer(ctx, "annuler_evenement", entree, ROLES_SUIVI, decider)

    def transferer_donnees(self, ctx: Contexte, source_id: UUID, cible_id: UUID) -> Resultat:
        """R17: move a duplicate's data (PE identifier, events) onto the youth's real dossier."""

        def decider() -> tuple[list[Aggregate], Resultat]:
            source = self._charger(ctx, Dossier, source_id, champ="dossierSourceId")
            cible = self._charger(ctx, Dossier, cible_id, champ="dossierCibleId")
            source.transferer_vers(cible)
            return [source, cible, *self._evaluer_entree(ctx, cible)], Resultat(dossier_id=cible_id)

        entree = {"source": source_id, "cible": cible_id}
        return self._executer(ctx, "transferer_donnees", entree, ROLES_GESTION, decider)

    def supprimer_dossier(self, ctx: Contexte, dossier_id: UUID, confirmer: bool) -> Resultat:
        """R20: refused once the youth ran a PPAE or flows went out; confirmed if it has history."""

        def decider() -> tuple[list[Aggregate], Resultat]:
            dossier = self._charger(ctx, Dossier, dossier_id)
            ppaes = [self._charger(ctx, PPAE, i) for i in dossier.ppae_ids]
            dossier.supprimer(
                confirmer, [p.statut for p in ppaes], self.flux_transmis(dossier, ppaes)
            )
            modifies: list[Aggregate] = [dossier]
            for ppae in ppaes:
                if ppae.statut is StatutPpae.NON_INITIALISE:
                    ppae.clore_par_suppression_du_dossier()
                    modifies.append(ppae)
                    if ppae.affectation_id is not None:
                        affectation = self._charger(ctx, Affectation, ppae.affectation_id)
                        affectation.annuler_rapprochement()
                        modifies.append(affectation)
            return modifies, Resultat(dossier_id=dossier_id)

        entree = {"dossier": dossier_id, "confirmer": confirmer}
        resultat = self._executer(ctx, "supprimer_dossier", entree, ROLES_GESTION, decider)
        self.coffre.detruire(dossier_id)  # R20: the personal data of every event is now erased
        return resultat

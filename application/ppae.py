"""Commands on a PPAE: counselor, appointments, acceptance, early stop, exit, cancelling a match."""

from __future__ import annotations

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
from domain.erreurs import SaisieInvalide
from domain.ppae import PPAE
from domain.valeurs import (
    MotifArret,
    MotifSortie,
    StatutRendezVous,
    TypeEvenement,
)


class CommandesPPAE(ApplicationBase):
    # ------------------------------------------------------------------ PPAE

    def affecter_conseiller(
        self, ctx: Contexte, ppae_id: UUID, conseiller_id: str, version_attendue: int | None = None
    ) -> Resultat:
        def decider() -> tuple[list[Aggregate], Resultat]:
            ppae = self._charger(ctx, PPAE, ppae_id, version_attendue)
            ml = self.mission_locale(ppae.code_ml)
            if ml is None or ml.conseiller(conseiller_id) is None:
                raise SaisieInvalide(
                    "Ce conseiller n'appartient pas à la Mission Locale.", "conseillerId"
                )
            ppae.affecter_conseiller(conseiller_id)
            return [ppae], Resultat(ppae_id=ppae_id)

        entree = {"ppae": ppae_id, "conseiller": conseiller_id, "version": version_attendue}
        return self._executer(ctx, "affecter_conseiller", entree, ROLES_GESTION, decider)

    def proposer_rendez_vous(
        self, ctx: Contexte, ppae_id: UUID, jour: date, version_attendue: int | None = None
    ) -> Resultat:
        def decider() -> tuple[list[Aggregate], Resultat]:
            ppae = self._charger(ctx, PPAE, ppae_id, version_attendue)
            rendez_vous_id = uuid4().hex
            ppae.proposer_rendez_vous(rendez_vous_id, jour)
            return [ppae], Resultat(ppae_id=ppae_id, rendez_vous_id=rendez_vous_id)

        entree = {"ppae": ppae_id, "date": jour, "version": version_attendue}
        return self._executer(ctx, "proposer_rendez_vous", entree, ROLES_SUIVI, decider)

    def renseigner_rendez_vous(
        self, ctx: Contexte, ppae_id: UUID, rendez_vous_id: str, statut: StatutRendezVous
    ) -> Resultat:
        """R6: a youth present at the appointment had an individual interview that day (R8 c)."""

        def decider() -> tuple[list[Aggregate], Resultat]:
            ppae = self._charger(ctx, PPAE, ppae_id)
            aujourdhui = self.horloge.aujourdhui()
            rdv = ppae.renseigner_rendez_vous(rendez_vous_id, statut, aujourdhui)
            modifies: list[Aggregate] = [ppae]
            resultat = Resultat(ppae_id=ppae_id, rendez_vous_id=rendez_vous_id)
            if statut is StatutRendezVous.PRESENT:
                dossier = self._charger(ctx, Dossier, ppae.dossier_id)
                evenement_id = uuid4().hex
                dossier.saisir_evenement(
                    evenement_id,
                    TypeEvenement.ENTRETIEN_INDIVIDUEL,
                    rdv.date,
                    None,
                    ctx.acteur.sub,
                    aujourdhui,
                )
                ppae.evaluer_entree(dossier.justifie, dossier.entretiens())
                modifies.append(dossier)
                resultat = Resultat(
                    ppae_id=ppae_id,
                    rendez_vous_id=rendez_vous_id,
                    evenement_id=evenement_id,
                    dossier_id=dossier.id,
                )
            return modifies, resultat

        entree = {"ppae": ppae_id, "rdv": rendez_vous_id, "statut": statut}
        return self._executer(ctx, "renseigner_rendez_vous", entree, ROLES_SUIVI, decider)

    def accepter_ppae(
        self, ctx: Contexte, ppae_id: UUID, date_entree: date, version_attendue: int | None = None
    ) -> Resultat:
        """R8 (b), R9: acceptance with an entry date, possibly retroactive."""

        def decider() -> tuple[list[Aggregate], Resultat]:
            ppae = self._charger(ctx, PPAE, ppae_id, version_attendue)
            dossier = self._charger(ctx, Dossier, ppae.dossier_id)
            # Recorded on the dossier too: every command that feeds R8 then writes the dossier,
            # so two of them racing on stale reads end in one CONFLIT_VERSION, never in a PPAE
            # left NON_INITIALISE with its three conditions met. (Nothing is saved on refusal.)
            dossier.noter_acceptation(ppae_id, date_entree)
            avertissements = ppae.accepter(date_entree, self.horloge.aujourdhui())
            ppae.evaluer_entree(dossier.justifie, dossier.entretiens())
            return [ppae, dossier], Resultat(ppae_id=ppae_id, avertissements=avertissements)

        entree = {"ppae": ppae_id, "date": date_entree, "version": version_attendue}
        return self._executer(ctx, "accepter_ppae", entree, ROLES_SUIVI, decider)

    def arreter_cotraitance(
        self,
        ctx: Contexte,
        ppae_id: UUID,
        motif: MotifArret,
        demander_reaffectation: bool = False,
        version_attendue: int | None = None,
    ) -> Resultat:
        """R10: early stop; the PPAE becomes SUPPRIME and the dossier may open another one."""

        def decider() -> tuple[list[Aggregate], Resultat]:
            ppae = self._charger(ctx, PPAE, ppae_id, version_attendue)
            ppae.arreter(motif, demander_reaffectation, self.regles, self.horloge.aujourdhui())
            dossier = self._charger(ctx, Dossier, ppae.dossier_id)
            dossier.fermer_ppae(ppae_id)
            return [ppae, dossier], Resultat(ppae_id=ppae_id)

        entree = {
            "ppae": ppae_id,
            "motif": motif,
            "r": demander_reaffectation,
            "v": version_attendue,
        }
        return self._executer(ctx, "arreter_cotraitance", entree, ROLES_GESTION, decider)

    def sortir_ppae(
        self,
        ctx: Contexte,
        ppae_id: UUID,
        date_sortie: date,
        motif: MotifSortie,
        version_attendue: int | None = None,
    ) -> Resultat:
        """R11: exit from EN_COURS; the PPAE becomes TERMINE."""

        def decider() -> tuple[list[Aggregate], Resultat]:
            ppae = self._charger(ctx, PPAE, ppae_id, version_attendue)
            ppae.sortir(date_sortie, motif, self.horloge.aujourdhui())
            dossier = self._charger(ctx, Dossier, ppae.dossier_id)
            dossier.fermer_ppae(ppae_id)
            return [ppae, dossier], Resultat(ppae_id=ppae_id)

        entree = {"ppae": ppae_id, "date": date_sortie, "motif": motif, "v": version_attendue}
        return self._executer(ctx, "sortir_ppae", entree, ROLES_SUIVI, decider)

    def annuler_rapprochement(self, ctx: Contexte, ppae_id: UUID) -> Resultat:
        """R19: the affectation goes back to its list, the dossier loses its DUDE mark."""

        def decider() -> tuple[list[Aggregate], Resultat]:
            ppae = self._charger(ctx, PPAE, ppae_id)
            ppae.annuler_rapprochement()
            dossier = self._charger(ctx, Dossier, ppae.dossier_id)
            dossier.annuler_rapprochement(ppae_id)
            modifies: list[Aggregate] = [ppae, dossier]
            if ppae.affectation_id is not None:
                affectation = self._charger(ctx, Affectation, ppae.affectation_id)
                affectation.annuler_rapprochement()
                modifies.append(affectation)
            return modifies, Resultat(
                ppae_id=ppae_id, dossier_id=dossier.id, affectation_id=ppae.affectation_id
            )

        entree = {"ppae": ppae_id}
        return self._executer(ctx, "annuler_rapprochement", entree, ROLES_GESTION, decider)

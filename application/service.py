"""The ``Cotraitance`` application: a plural capability whose methods are its commands (each
builds the command's value and runs it) and whose reads take and return ids."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from uuid import UUID

from application.base import ApplicationBase
from application.commandes import (
    AccepterPpae,
    ActualiserRapprochements,
    AffecterConseiller,
    AnnulerEvenement,
    AnnulerRapprochement,
    ArreterCotraitance,
    CorrigerEvenement,
    CreerDossier,
    CreerDossierImporte,
    DeciderAffectation,
    EnregistrerMissionLocale,
    JustifierDossier,
    ProposerRendezVous,
    Rapprocher,
    RecevoirAffectation,
    RenseignerRendezVous,
    ResoudreConflitAffectation,
    SaisirEvenement,
    SortirPpae,
    SupprimerDossier,
    TransfererDonnees,
)
from application.contexte import Contexte, Resultat
from application.reprise import DossierRepris, Repris, reprendre
from domain.affectation import DonneesAffectation
from domain.erreurs import ErreurMetier
from domain.valeurs import (
    Conseiller,
    Dispositif,
    Identite,
    MotifArret,
    MotifRefus,
    MotifSortie,
    StatutRendezVous,
    TypeEvenement,
)


class Cotraitance(ApplicationBase):
    name = "Cotraitance"
    """Persisted name (table cotraitance_events on PostgreSQL): frozen."""

    # ------------------------------------------------------------------ reference and intake

    def enregistrer_mission_locale(
        self, ctx: Contexte, code: str, nom: str, communes: list[str], conseillers: list[Conseiller]
    ) -> Resultat:
        commande = EnregistrerMissionLocale(code, nom, tuple(communes), tuple(conseillers))
        return self.executer(ctx, commande)

    def recevoir_affectation(self, ctx: Contexte, donnees: DonneesAffectation) -> Resultat:
        return self.executer(ctx, RecevoirAffectation(donnees))

    def reprendre_dossiers(
        self, ctx: Contexte, lot: Sequence[DossierRepris]
    ) -> list[Repris | ErreurMetier]:
        """DESIGN §4 "existing dossiers": a batch in one save, idempotent (see ``reprise``)."""
        return reprendre(self, ctx, lot)

    def decider_affectation(
        self, ctx: Contexte, affectation_id: UUID, accepter: bool, motif: MotifRefus | None
    ) -> Resultat:
        return self.executer(ctx, DeciderAffectation(affectation_id, accepter, motif))

    def actualiser_rapprochements(self, ctx: Contexte) -> Resultat:
        return self.executer(ctx, ActualiserRapprochements())

    def resoudre_conflit_affectation(
        self, ctx: Contexte, affectation_id: UUID, empreinte: str, adopter: bool
    ) -> Resultat:
        return self.executer(ctx, ResoudreConflitAffectation(affectation_id, empreinte, adopter))

    def creer_dossier_importe(self, ctx: Contexte, affectation_id: UUID) -> Resultat:
        return self.executer(ctx, CreerDossierImporte(affectation_id))

    def rapprocher(
        self, ctx: Contexte, affectation_id: UUID, dossier_id: UUID, confirmer: bool = False
    ) -> Resultat:
        return self.executer(ctx, Rapprocher(affectation_id, dossier_id, confirmer))

    # ------------------------------------------------------------------ dossiers

    def creer_dossier(
        self,
        ctx: Contexte,
        identite: Identite,
        identifiant_pe: str | None = None,
        dispositifs: Sequence[Dispositif] = (),
        justifie: bool = False,
    ) -> Resultat:
        commande = CreerDossier(identite, identifiant_pe, tuple(dispositifs), justifie)
        return self.executer(ctx, commande)

    def justifier_dossier(
        self, ctx: Contexte, dossier_id: UUID, piece: str, version_attendue: int | None = None
    ) -> Resultat:
        return self.executer(ctx, JustifierDossier(dossier_id, piece, version_attendue))

    def saisir_evenement(
        self,
        ctx: Contexte,
        dossier_id: UUID,
        type_evenement: TypeEvenement,
        jour: date,
        commentaire: str | None = None,
    ) -> Resultat:
        return self.executer(ctx, SaisirEvenement(dossier_id, type_evenement, jour, commentaire))

    def corriger_evenement(
        self,
        ctx: Contexte,
        dossier_id: UUID,
        evenement_id: str,
        type_evenement: TypeEvenement,
        jour: date,
    ) -> Resultat:
        commande = CorrigerEvenement(dossier_id, evenement_id, type_evenement, jour)
        return self.executer(ctx, commande)

    def annuler_evenement(
        self, ctx: Contexte, dossier_id: UUID, evenement_id: str, motif: str | None = None
    ) -> Resultat:
        return self.executer(ctx, AnnulerEvenement(dossier_id, evenement_id, motif))

    def transferer_donnees(self, ctx: Contexte, source_id: UUID, cible_id: UUID) -> Resultat:
        return self.executer(ctx, TransfererDonnees(source_id, cible_id))

    def supprimer_dossier(self, ctx: Contexte, dossier_id: UUID, confirmer: bool) -> Resultat:
        return self.executer(ctx, SupprimerDossier(dossier_id, confirmer))

    # ------------------------------------------------------------------ PPAE

    def affecter_conseiller(
        self, ctx: Contexte, ppae_id: UUID, conseiller_id: str, version_attendue: int | None = None
    ) -> Resultat:
        return self.executer(ctx, AffecterConseiller(ppae_id, conseiller_id, version_attendue))

    def proposer_rendez_vous(
        self, ctx: Contexte, ppae_id: UUID, jour: date, version_attendue: int | None = None
    ) -> Resultat:
        return self.executer(ctx, ProposerRendezVous(ppae_id, jour, version_attendue))

    def renseigner_rendez_vous(
        self, ctx: Contexte, ppae_id: UUID, rendez_vous_id: str, statut: StatutRendezVous
    ) -> Resultat:
        return self.executer(ctx, RenseignerRendezVous(ppae_id, rendez_vous_id, statut))

    def accepter_ppae(
        self, ctx: Contexte, ppae_id: UUID, date_entree: date, version_attendue: int | None = None
    ) -> Resultat:
        return self.executer(ctx, AccepterPpae(ppae_id, date_entree, version_attendue))

    def arreter_cotraitance(
        self,
        ctx: Contexte,
        ppae_id: UUID,
        motif: MotifArret,
        demander_reaffectation: bool = False,
        version_attendue: int | None = None,
    ) -> Resultat:
        commande = ArreterCotraitance(ppae_id, motif, demander_reaffectation, version_attendue)
        return self.executer(ctx, commande)

    def sortir_ppae(
        self,
        ctx: Contexte,
        ppae_id: UUID,
        date_sortie: date,
        motif: MotifSortie,
        version_attendue: int | None = None,
    ) -> Resultat:
        return self.executer(ctx, SortirPpae(ppae_id, date_sortie, motif, version_attendue))

    def annuler_rapprochement(self, ctx: Contexte, ppae_id: UUID) -> Resultat:
        return self.executer(ctx, AnnulerRapprochement(ppae_id))

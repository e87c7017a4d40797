"""Commands on reference data and affectations (R1-R4)."""

from __future__ import annotations

from uuid import UUID

from eventsourcing.domain import Aggregate

from application.base import ApplicationBase
from application.contexte import (
    ROLES_GESTION,
    ROLES_REFERENTIEL,
    Contexte,
    Resultat,
)
from domain.affectation import Affectation, DonneesAffectation
from domain.dossier import Dossier
from domain.erreurs import NonTrouve, SaisieInvalide
from domain.mission_locale import MissionLocale
from domain.ppae import PPAE
from domain.textes import IDENTIFIANT_PE_MAX, texte_valide, verifier_identite
from domain.valeurs import (
    Conseiller,
    MarqueurDude,
    MotifRefus,
)


class CommandesAffectations(ApplicationBase):
    # ------------------------------------------------------------------ reference data

    def enregistrer_mission_locale(
        self, ctx: Contexte, code: str, nom: str, communes: list[str], conseillers: list[Conseiller]
    ) -> Resultat:
        ctx.exiger(ROLES_REFERENTIEL)
        if code != ctx.acteur.code_ml:
            raise NonTrouve("Mission Locale introuvable.", "codeMissionLocale")
        ml = self._optionnel(MissionLocale, MissionLocale.create_id(code))
        if ml is None:
            ml = MissionLocale(code=code, nom=nom, communes=communes, conseillers=conseillers)
            issue = "creee"
        else:
            issue = "modifiee" if ml.mettre_a_jour(nom, communes, conseillers) else "inchangee"
        self._enregistrer(ctx, [ml])
        return Resultat(issue=issue)

    # ------------------------------------------------------------------ affectations

    def recevoir_affectation(self, ctx: Contexte, donnees: DonneesAffectation) -> Resultat:
        """R1: the same affectation twice is recorded once; other content is kept for review."""
        ctx.exiger(ROLES_REFERENTIEL)
        if donnees.code_ml != ctx.acteur.code_ml:
            raise SaisieInvalide(
                "L'affectation vise une autre Mission Locale.", "codeMissionLocale"
            )
        texte_valide(donnees.id_affectation, "idAffectation", IDENTIFIANT_PE_MAX * 3)
        texte_valide(donnees.identifiant_pe, "identifiantPe", IDENTIFIANT_PE_MAX)
        verifier_identite(donnees.identite, self.horloge.aujourdhui())
        affectation_id = Affectation.create_id(donnees.code_ml, donnees.id_affectation)
        existante = self._optionnel(Affectation, affectation_id)
        if existante is None:
            self._enregistrer(ctx, [Affectation.recevoir(donnees)])
            return Resultat(affectation_id=affectation_id, issue="nouvelle")
        if existante.recevoir_a_nouveau(donnees):
            self._enregistrer(ctx, [existante])
            return Resultat(affectation_id=affectation_id, issue="conflit")
        return Resultat(affectation_id=affectation_id, issue="doublon")

    def decider_affectation(
        self, ctx: Contexte, affectation_id: UUID, accepter: bool, motif: MotifRefus | None
    ) -> Resultat:
        def decider() -> tuple[list[Aggregate], Resultat]:
            affectation = self._charger(ctx, Affectation, affectation_id)
            affectation.decider(accepter, motif)
            return [affectation], Resultat(affectation_id=affectation_id)

        entree = {"affectation": affectation_id, "accepter": accepter, "motif": motif}
        return self._executer(ctx, "decider_affectation", entree, ROLES_GESTION, decider)

    def creer_dossier_importe(self, ctx: Contexte, affectation_id: UUID) -> Resultat:
        """R4: DE non connu → a dossier marked IMPORTE_DUDE with a PPAE NON_INITIALISE."""

        def decider() -> tuple[list[Aggregate], Resultat]:
            affectation = self._charger(ctx, Affectation, affectation_id)
            affectation.verifier_a_rapprocher()
            dossier = Dossier(
                code_ml=affectation.code_ml,
                identite=affectation.identite,
                identifiant_pe=affectation.identifiant_pe,
                marqueur=MarqueurDude.IMPORTE_DUDE,
                dispositifs=[],
                id_externe=None,
                justifie=False,
            )
            ppae = self._ouvrir_ppae(affectation, dossier, MarqueurDude.IMPORTE_DUDE)
            return [affectation, dossier, ppae], Resultat(
                dossier_id=dossier.id, ppae_id=ppae.id, affectation_id=affectation_id
            )

        entree = {"affectation": affectation_id}
        return self._executer(ctx, "creer_dossier_importe", entree, ROLES_GESTION, decider)

    def rapprocher(self, ctx: Contexte, affectation_id: UUID, dossier_id: UUID) -> Resultat:
        """R4: match to a chosen dossier → RAPPROCHE_DUDE, PE id copied, PPAE NON_INITIALISE."""

        def decider() -> tuple[list[Aggregate], Resultat]:
            affectation = self._charger(ctx, Affectation, affectation_id)
            dossier = self._charger(ctx, Dossier, dossier_id)
            affectation.verifier_a_rapprocher()
            dossier.marquer_rapproche(affectation_id, affectation.identifiant_pe)
            ppae = self._ouvrir_ppae(affectation, dossier, MarqueurDude.RAPPROCHE_DUDE)
            return [affectation, dossier, ppae], Resultat(
                dossier_id=dossier_id, ppae_id=ppae.id, affectation_id=affectation_id
            )

        entree = {"affectation": affectation_id, "dossier": dossier_id}
        return self._executer(ctx, "rapprocher", entree, ROLES_GESTION, decider)

    def _ouvrir_ppae(
        self, affectation: Affectation, dossier: Dossier, marqueur: MarqueurDude
    ) -> PPAE:
        ppae = PPAE(
            dossier_id=dossier.id,
            affectation_id=affectation.id,
            code_ml=affectation.code_ml,
            date_affectation=affectation.date_affectation,
            marqueur=marqueur,
            date_dernier_entretien_dude=affectation.date_dernier_entretien_dude,
            periodes_radiation=affectation.periodes_radiation,
        )
        dossier.ouvrir_ppae(ppae.id)
        affectation.rapprocher(dossier.id, ppae.id, marqueur)
        return ppae

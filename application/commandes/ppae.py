"""Commands on a PPAE: counselor and appointments (R6), acceptance (R8, R9), early stop (R10),
exit (R11), cancelling a match (R19)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import ClassVar
from uuid import UUID, uuid4

from application.commandes.base import Commande, Monde
from application.contexte import Resultat
from domain import annulations
from domain.acces import Capacite
from domain.affectation import Affectation
from domain.dossier import Dossier
from domain.erreurs import SaisieInvalide
from domain.ppae import PPAE
from domain.valeurs import MotifArret, MotifSortie, StatutRendezVous, TypeEvenement


@dataclass(frozen=True)
class AffecterConseiller(Commande):
    ppae_id: UUID
    conseiller_id: str
    version_attendue: int | None = None

    nom_commande: ClassVar[str] = "affecter_conseiller"
    capacite: ClassVar[Capacite] = Capacite.GERER

    def decider(self, monde: Monde) -> Resultat:
        ppae = monde.charger(PPAE, self.ppae_id, self.version_attendue)
        ml = monde.mission_locale()
        if ml is None or ml.conseiller(self.conseiller_id) is None:
            raise SaisieInvalide(
                "Ce conseiller n'appartient pas à la Mission Locale.", "conseillerId"
            )
        ppae.affecter_conseiller(self.conseiller_id)
        return Resultat(ppae_id=self.ppae_id)


@dataclass(frozen=True)
class ProposerRendezVous(Commande):
    ppae_id: UUID
    jour: date
    version_attendue: int | None = None

    nom_commande: ClassVar[str] = "proposer_rendez_vous"
    capacite: ClassVar[Capacite] = Capacite.SUIVRE

    def decider(self, monde: Monde) -> Resultat:
        ppae = monde.charger(PPAE, self.ppae_id, self.version_attendue)
        rendez_vous_id = uuid4().hex
        ppae.proposer_rendez_vous(rendez_vous_id, self.jour)
        return Resultat(ppae_id=self.ppae_id, rendez_vous_id=rendez_vous_id)


@dataclass(frozen=True)
class RenseignerRendezVous(Commande):
    """R6: a youth present at the appointment had an individual interview that day (R8 c)."""

    ppae_id: UUID
    rendez_vous_id: str
    statut: StatutRendezVous

    nom_commande: ClassVar[str] = "renseigner_rendez_vous"
    capacite: ClassVar[Capacite] = Capacite.SUIVRE

    def decider(self, monde: Monde) -> Resultat:
        ppae = monde.charger(PPAE, self.ppae_id)
        rdv = ppae.renseigner_rendez_vous(self.rendez_vous_id, self.statut, monde.aujourdhui)
        if self.statut is not StatutRendezVous.PRESENT:
            return Resultat(ppae_id=self.ppae_id, rendez_vous_id=self.rendez_vous_id)
        dossier = monde.charger(Dossier, ppae.dossier_id)
        evenement_id = uuid4().hex
        dossier.saisir_evenement(
            evenement_id,
            TypeEvenement.ENTRETIEN_INDIVIDUEL,
            rdv.date,
            None,
            monde.acteur.sub,
            monde.aujourdhui,
        )
        monde.evaluer_entree(dossier)
        return Resultat(
            ppae_id=self.ppae_id,
            rendez_vous_id=self.rendez_vous_id,
            evenement_id=evenement_id,
            dossier_id=dossier.id,
        )


@dataclass(frozen=True)
class AccepterPpae(Commande):
    """R8 (b), R9: acceptance with an entry date, possibly retroactive."""

    ppae_id: UUID
    date_entree: date
    version_attendue: int | None = None

    nom_commande: ClassVar[str] = "accepter_ppae"
    capacite: ClassVar[Capacite] = Capacite.SUIVRE

    def decider(self, monde: Monde) -> Resultat:
        ppae = monde.charger(PPAE, self.ppae_id, self.version_attendue)
        dossier = monde.charger(Dossier, ppae.dossier_id)
        # Recorded on the dossier too: every command that feeds R8 then writes the dossier,
        # so two of them racing on stale reads end in one CONFLIT_VERSION, never in a PPAE
        # left NON_INITIALISE with its three conditions met. (Nothing is saved on refusal.)
        dossier.noter_acceptation(self.ppae_id, self.date_entree)
        avertissements = ppae.accepter(self.date_entree, monde.aujourdhui, dossier.entretiens())
        ppae.evaluer_entree(dossier.justifie, dossier.entretiens())
        return Resultat(ppae_id=self.ppae_id, avertissements=avertissements)


@dataclass(frozen=True)
class ArreterCotraitance(Commande):
    """R10: early stop; the PPAE becomes SUPPRIME and the dossier may open another one."""

    ppae_id: UUID
    motif: MotifArret
    demander_reaffectation: bool = False
    version_attendue: int | None = None

    nom_commande: ClassVar[str] = "arreter_cotraitance"
    capacite: ClassVar[Capacite] = Capacite.GERER

    def decider(self, monde: Monde) -> Resultat:
        ppae = monde.charger(PPAE, self.ppae_id, self.version_attendue)
        ppae.arreter(self.motif, self.demander_reaffectation, monde.regles, monde.aujourdhui)
        monde.charger(Dossier, ppae.dossier_id).fermer_ppae(self.ppae_id)
        return Resultat(ppae_id=self.ppae_id)


@dataclass(frozen=True)
class SortirPpae(Commande):
    """R11: exit from EN_COURS; the PPAE becomes TERMINE. Dated before events that already
    flowed, it warns that their flows will be cancelled (R13, R14)."""

    ppae_id: UUID
    date_sortie: date
    motif: MotifSortie
    version_attendue: int | None = None

    nom_commande: ClassVar[str] = "sortir_ppae"
    capacite: ClassVar[Capacite] = Capacite.SUIVRE

    def decider(self, monde: Monde) -> Resultat:
        ppae = monde.charger(PPAE, self.ppae_id, self.version_attendue)
        dossier = monde.charger(Dossier, ppae.dossier_id)
        # R14: a backdated exit cancels the flows of the events it leaves outside the window.
        retires = annulations.retires_par_la_sortie(
            ppae, dossier.evenements.values(), self.date_sortie
        )
        ppae.sortir(self.date_sortie, self.motif, monde.aujourdhui)
        dossier.fermer_ppae(self.ppae_id)
        return Resultat(
            ppae_id=self.ppae_id,
            avertissements=annulations.avertissements(retires, self.date_sortie),
        )


@dataclass(frozen=True)
class AnnulerRapprochement(Commande):
    """R19: the affectation goes back to its list, the dossier loses its DUDE mark."""

    ppae_id: UUID

    nom_commande: ClassVar[str] = "annuler_rapprochement"
    capacite: ClassVar[Capacite] = Capacite.GERER

    def decider(self, monde: Monde) -> Resultat:
        ppae = monde.charger(PPAE, self.ppae_id)
        ppae.annuler_rapprochement()
        dossier = monde.charger(Dossier, ppae.dossier_id)
        dossier.annuler_rapprochement(self.ppae_id)
        if ppae.affectation_id is not None:
            monde.charger(Affectation, ppae.affectation_id).annuler_rapprochement()
        return Resultat(
            ppae_id=self.ppae_id, dossier_id=dossier.id, affectation_id=ppae.affectation_id
        )

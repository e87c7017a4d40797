"""The PPAE dispositif of one youth, from its opening to its exit or early stop (R4-R12)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from typing import ClassVar
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.acces import DeMissionLocale
from domain.erreurs import (
    ConditionsNonRemplies,
    DateEntreeInvalide,
    DateSortieInvalide,
    RapprochementNonAnnulable,
    SaisieInvalide,
    TransitionInterdite,
)
from domain.regles import Regles
from domain.suivi import SuiviCotraitance
from domain.valeurs import (
    Avertissement,
    MarqueurDude,
    MotifArret,
    MotifSortie,
    Periode,
    StatutCotraitance,
    StatutPpae,
    StatutRendezVous,
)


@dataclass(frozen=True)
class RendezVous:
    id: str
    date: date
    statut: StatutRendezVous = StatutRendezVous.PLANIFIE


@dataclass(frozen=True)
class ConditionsEntree:
    """R8: what the PPAE still needs to become EN_COURS."""

    entretien: bool
    dossier_justifie: bool
    acceptation: bool

    @property
    def remplies(self) -> bool:
        return self.entretien and self.dossier_justifie and self.acceptation


def statut_apres(evenement: object) -> StatutPpae | None:
    """The PPAE status an event of the PPAE leads to, if it changes it (carried by its class)."""
    statut: StatutPpae | None = getattr(type(evenement), "STATUT", None)
    return statut


class PPAE(Aggregate, DeMissionLocale):
    class Ouvert(Aggregate.Created):
        dossier_id: UUID
        affectation_id: UUID | None
        code_ml: str
        date_affectation: date
        marqueur: MarqueurDude | None
        date_dernier_entretien_dude: date | None
        periodes_radiation: list[Periode]

    @event(Ouvert)
    def __init__(
        self,
        dossier_id: UUID,
        affectation_id: UUID | None,
        code_ml: str,
        date_affectation: date,
        marqueur: MarqueurDude | None,
        date_dernier_entretien_dude: date | None,
        periodes_radiation: list[Periode],
    ) -> None:
        self.dossier_id = dossier_id
        self.affectation_id = affectation_id
        self.code_ml = code_ml
        self.date_affectation = date_affectation
        self.marqueur = marqueur
        self.date_dernier_entretien_dude = date_dernier_entretien_dude
        self.periodes_radiation = list(periodes_radiation)
        self.statut = StatutPpae.NON_INITIALISE
        self.suivi = SuiviCotraitance()
        self.conseiller_id: str | None = None
        self.rendez_vous: dict[str, RendezVous] = {}
        self.date_entree: date | None = None
        self.entree_retroactive = False
        self.avertissements: list[Avertissement] = []
        self.date_sortie: date | None = None
        self.motif_sortie: MotifSortie | None = None
        self.motif_arret: MotifArret | None = None
        self.demande_reaffectation = False

    # ------------------------------------------------------------------ queries

    @property
    def statut_cotraitance(self) -> StatutCotraitance | None:
        """R6 (domain/suivi.py)."""
        return self.suivi.statut

    @property
    def convocations_manquees(self) -> int:
        return sum(1 for r in self.rendez_vous.values() if r.statut is StatutRendezVous.ABSENT)

    def conditions(self, dossier_justifie: bool, entretiens: Iterable[date]) -> ConditionsEntree:
        depuis = self.date_entree or self.date_affectation
        return ConditionsEntree(
            entretien=any(d >= depuis for d in entretiens),
            dossier_justifie=dossier_justifie,
            acceptation=self.date_entree is not None,
        )

    # ------------------------------------------------------------------ commands

    def affecter_conseiller(self, conseiller_id: str) -> None:
        """R6: A_AFFECTER → ATTENTE_PLANIFICATION_RDV."""
        self._verifier_ouvert()
        if conseiller_id != self.conseiller_id:
            self._affecter_conseiller(conseiller_id)

    def proposer_rendez_vous(self, rendez_vous_id: str, jour: date) -> None:
        """R6: proposing an appointment → EN_ATTENTE_ENTRETIEN."""
        self._verifier_ouvert()
        if self.conseiller_id is None:
            raise TransitionInterdite(
                "Affectez d'abord un conseiller avant de proposer un rendez-vous."
            )
        if jour < self.date_affectation:
            raise SaisieInvalide(
                "Un rendez-vous ne peut pas précéder la date d'affectation.", "date"
            )
        self._proposer_rendez_vous(rendez_vous_id, jour)

    def renseigner_rendez_vous(
        self, rendez_vous_id: str, statut: StatutRendezVous, aujourdhui: date
    ) -> RendezVous:
        """R6: présent, absent (a missed convocation), annulé or reporté."""
        self._verifier_ouvert()
        rdv = self.rendez_vous.get(rendez_vous_id)
        if rdv is None:
            raise SaisieInvalide("Rendez-vous introuvable sur ce PPAE.", "rendezVousId")
        if rdv.statut is not StatutRendezVous.PLANIFIE:
            raise TransitionInterdite(
                f"L'issue de ce rendez-vous est déjà renseignée ({rdv.statut.value})."
            )
        if statut is StatutRendezVous.PLANIFIE:
            raise SaisieInvalide("Indiquez l'issue du rendez-vous.", "statut")
        if statut in (StatutRendezVous.PRESENT, StatutRendezVous.ABSENT) and rdv.date > aujourdhui:
            raise SaisieInvalide(
                "Un rendez-vous à venir ne peut pas être marqué présent ou absent.", "statut"
            )
        self._renseigner_rendez_vous(rendez_vous_id, statut)
        return self.rendez_vous[rendez_vous_id]

    def accepter(
        self, date_entree: date, aujourdhui: date, entretiens: Iterable[date] = ()
    ) -> list[Avertissement]:
        """R9: the youth's acceptance with an entry date, possibly in the past."""
        if self.statut is not StatutPpae.NON_INITIALISE:
            raise TransitionInterdite(
                f"L'acceptation ne s'enregistre que sur un PPAE non initialisé "
                f"(statut {self.statut.value})."
            )
        if date_entree > aujourdhui:
            raise DateEntreeInvalide(
                "La date d'entrée ne peut pas être dans le futur.", "dateEntree"
            )
        if date_entree < self.date_affectation:
            raise DateEntreeInvalide(
                f"La date d'entrée doit être au plus tôt la date d'affectation "
                f"({self.date_affectation.isoformat()}).",
                "dateEntree",
            )
        dernier = self.date_dernier_entretien_dude
        if dernier is not None and date_entree <= dernier:
            raise DateEntreeInvalide(
                f"La date d'entrée doit être postérieure au dernier entretien enregistré "
                f"dans le DUDE ({dernier.isoformat()}).",
                "dateEntree",
            )
        avertissements = [
            Avertissement(
                "ENTREE_PENDANT_RADIATION",
                f"La date d'entrée tombe dans une période de radiation PE "
                f"(du {p.debut.isoformat()}{' au ' + p.fin.isoformat() if p.fin else ''}) : "
                f"une demande de réaffectation est recommandée.",
            )
            for p in self.periodes_radiation
            if p.contient(date_entree)
        ]
        avertissements += self._entretiens_avant_l_entree(date_entree, list(entretiens))
        self._accepter(date_entree, date_entree < aujourdhui, avertissements)
        return avertissements

    def _entretiens_avant_l_entree(
        self, date_entree: date, entretiens: list[date]
    ) -> list[Avertissement]:
        """R8/R9: the interviews all precede the entry date, so the PPAE cannot start; say so,
        and which entry date would make it start."""
        if any(d >= date_entree for d in entretiens):
            return []
        avant = [d for d in entretiens if self.date_affectation <= d < date_entree]
        if not avant:
            return []
        dernier = max(avant)
        dude = self.date_dernier_entretien_dude
        conseil = (
            f" Une date d'entrée au {dernier.isoformat()} le ferait démarrer."
            if dude is None or dernier > dude
            else ""
        )
        return [
            Avertissement(
                "ENTRETIEN_AVANT_ENTREE",
                f"Le PPAE reste non initialisé : le dernier entretien ({dernier.isoformat()}) "
                f"précède la date d'entrée ({date_entree.isoformat()}).{conseil}",
            )
        ]

    def evaluer_entree(self, dossier_justifie: bool, entretiens: Iterable[date]) -> bool:
        """R8: the last of the three conditions to arrive moves the PPAE to EN_COURS."""
        if self.statut is not StatutPpae.NON_INITIALISE or self.date_entree is None:
            return False
        if not self.conditions(dossier_justifie, entretiens).remplies:
            return False
        if self.entree_retroactive:
            self._entrer_retroactivement(self.date_entree)
        else:
            self._entrer(self.date_entree)
        return True

    def arreter(
        self,
        motif: MotifArret,
        demander_reaffectation: bool,
        regles: Regles,
        aujourdhui: date,
    ) -> None:
        """R10: early stop, only from NON_INITIALISE."""
        convocations_min = regles.convocations_manquees_min
        if self.statut is not StatutPpae.NON_INITIALISE:
            raise TransitionInterdite(
                f"L'arrêt anticipé ne s'applique qu'à un PPAE non initialisé "
                f"(statut {self.statut.value})."
            )
        if motif is MotifArret.ABSENCES_REPETEES and self.convocations_manquees < convocations_min:
            raise ConditionsNonRemplies(
                f"Arrêt pour absences répétées : {convocations_min} convocations manquées "
                f"sont nécessaires, {self.convocations_manquees} enregistrée(s).",
                "motif",
            )
        anciennete = (aujourdhui - self.date_affectation).days
        if (
            motif is MotifArret.AFFECTATION_NON_TRAITEE
            and anciennete < regles.anciennete_affectation_jours
        ):
            raise ConditionsNonRemplies(
                f"Arrêt pour affectation non traitée : l'affectation a {anciennete} jour(s), "
                f"il en faut au moins {regles.anciennete_affectation_jours} (R17).",
                "motif",
            )
        self._arreter(motif, demander_reaffectation)

    def sortir(self, date_sortie: date, motif: MotifSortie, aujourdhui: date) -> None:
        """R11: exit, only from EN_COURS."""
        if self.statut is not StatutPpae.EN_COURS or self.date_entree is None:
            raise TransitionInterdite(
                f"La sortie ne s'enregistre que sur un PPAE en cours (statut {self.statut.value})."
            )
        if date_sortie > aujourdhui:
            raise DateSortieInvalide(
                "La date de sortie ne peut pas être dans le futur.", "dateSortie"
            )
        if date_sortie < self.date_entree:
            raise DateSortieInvalide(
                f"La date de sortie doit être au plus tôt la date d'entrée "
                f"({self.date_entree.isoformat()}).",
                "dateSortie",
            )
        self._sortir(date_sortie, motif)

    def annuler_rapprochement(self) -> None:
        """R19: allowed on a RAPPROCHE_DUDE PPAE still non initialisé, refused on IMPORTE_DUDE."""
        if self.marqueur is MarqueurDude.IMPORTE_DUDE:
            raise RapprochementNonAnnulable(
                "Ce PPAE est sur un dossier importé DUDE : il n'y a pas de rapprochement à "
                "annuler. S'il s'agit d'un doublon, transférez ses données vers le dossier du "
                "jeune puis supprimez-le (procédure doublon importé DUDE)."
            )
        if self.marqueur is not MarqueurDude.RAPPROCHE_DUDE:
            raise RapprochementNonAnnulable("Ce PPAE n'est pas issu d'un rapprochement DUDE.")
        if self.statut is not StatutPpae.NON_INITIALISE:
            raise RapprochementNonAnnulable(
                f"Le rapprochement ne s'annule que sur un PPAE non initialisé "
                f"(statut {self.statut.value}) : au-delà, demandez une sortie."
            )
        self._annuler_rapprochement()

    def clore_par_suppression_du_dossier(self) -> None:
        """R20: deleting the dossier of a PPAE still non initialisé closes that PPAE."""
        if self.statut is not StatutPpae.NON_INITIALISE:
            raise TransitionInterdite("Seul un PPAE non initialisé peut être clos ainsi.")
        self._clore_dossier_supprime()

    # ------------------------------------------------------------------ events

    class ConseillerAffecte(Aggregate.Event):
        conseiller_id: str

    @event(ConseillerAffecte)
    def _affecter_conseiller(self, conseiller_id: str) -> None:
        self.conseiller_id = conseiller_id
        self.suivi = self.suivi.conseiller_affecte()

    class RendezVousPropose(Aggregate.Event):
        rendez_vous_id: str
        jour: date

    @event(RendezVousPropose)
    def _proposer_rendez_vous(self, rendez_vous_id: str, jour: date) -> None:
        self.rendez_vous[rendez_vous_id] = RendezVous(rendez_vous_id, jour)
        self.suivi = self.suivi.rendez_vous_propose()

    class RendezVousRenseigne(Aggregate.Event):
        rendez_vous_id: str
        statut: StatutRendezVous

    @event(RendezVousRenseigne)
    def _renseigner_rendez_vous(self, rendez_vous_id: str, statut: StatutRendezVous) -> None:
        self.rendez_vous[rendez_vous_id] = replace(self.rendez_vous[rendez_vous_id], statut=statut)
        self.suivi = self.suivi.rendez_vous_renseigne(statut)

    class Accepte(Aggregate.Event):
        date_entree: date
        retroactive: bool
        avertissements: list[Avertissement]

    @event(Accepte)
    def _accepter(
        self, date_entree: date, retroactive: bool, avertissements: list[Avertissement]
    ) -> None:
        self.date_entree = date_entree
        self.entree_retroactive = retroactive
        self.avertissements = list(avertissements)

    class EntreeEnCours(Aggregate.Event):
        date_entree: date
        STATUT: ClassVar = StatutPpae.EN_COURS

    @event(EntreeEnCours)
    def _entrer(self, date_entree: date) -> None:
        self._changer_statut(self.EntreeEnCours.STATUT)

    class EntreeRetroactive(Aggregate.Event):
        date_entree: date
        STATUT: ClassVar = StatutPpae.EN_COURS

    @event(EntreeRetroactive)
    def _entrer_retroactivement(self, date_entree: date) -> None:
        self._changer_statut(self.EntreeRetroactive.STATUT)

    class ArreteAnticipe(Aggregate.Event):
        motif: MotifArret
        demande_reaffectation: bool
        STATUT: ClassVar = StatutPpae.SUPPRIME

    @event(ArreteAnticipe)
    def _arreter(self, motif: MotifArret, demande_reaffectation: bool) -> None:
        self._changer_statut(self.ArreteAnticipe.STATUT)
        self.motif_arret = motif
        self.demande_reaffectation = demande_reaffectation

    class Sorti(Aggregate.Event):
        date_sortie: date
        motif: MotifSortie
        STATUT: ClassVar = StatutPpae.TERMINE

    @event(Sorti)
    def _sortir(self, date_sortie: date, motif: MotifSortie) -> None:
        self._changer_statut(self.Sorti.STATUT)
        self.date_sortie = date_sortie
        self.motif_sortie = motif

    class RapprochementAnnule(Aggregate.Event):
        STATUT: ClassVar = StatutPpae.SUPPRIME

    @event(RapprochementAnnule)
    def _annuler_rapprochement(self) -> None:
        self._changer_statut(self.RapprochementAnnule.STATUT)

    class ClosDossierSupprime(Aggregate.Event):
        STATUT: ClassVar = StatutPpae.SUPPRIME

    @event(ClosDossierSupprime)
    def _clore_dossier_supprime(self) -> None:
        self._changer_statut(self.ClosDossierSupprime.STATUT)

    def _changer_statut(self, statut: StatutPpae) -> None:
        self.statut = statut
        self.suivi = self.suivi.termine()

    def _verifier_ouvert(self) -> None:
        if self.statut.est_final:
            raise TransitionInterdite(
                f"Ce PPAE est clos (statut {self.statut.value}) : il ne peut plus être modifié."
            )

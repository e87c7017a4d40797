"""Commands on dossiers: creation, events (R7, R8), justification, transfer, deletion (R20)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import ClassVar
from uuid import UUID, uuid4

from application.commandes.base import Commande, Monde
from application.contexte import Resultat
from domain.acces import Capacite
from domain.affectation import Affectation
from domain.dossier import Dossier
from domain.ppae import PPAE
from domain.valeurs import Dispositif, Identite, StatutPpae, TypeEvenement


@dataclass(frozen=True)
class CreerDossier(Commande):
    """R4: a youth walking in."""

    identite: Identite
    identifiant_pe: str | None = None
    dispositifs: tuple[Dispositif, ...] = ()
    justifie: bool = False

    nom_commande: ClassVar[str] = "creer_dossier"
    capacite: ClassVar[Capacite] = Capacite.SUIVRE

    def decider(self, monde: Monde) -> Resultat:
        dossier = monde.ajouter(
            Dossier.creer(
                code_ml=monde.acteur.code_ml,
                identite=self.identite,
                aujourdhui=monde.aujourdhui,
                regles=monde.regles,
                identifiant_pe=self.identifiant_pe,
                dispositifs=self.dispositifs,
                justifie=self.justifie,
            )
        )
        return Resultat(dossier_id=dossier.id)


@dataclass(frozen=True)
class JustifierDossier(Commande):
    """R8 (a): identity proven; may be the last condition to arrive."""

    dossier_id: UUID
    piece: str
    version_attendue: int | None = None

    nom_commande: ClassVar[str] = "justifier_dossier"
    capacite: ClassVar[Capacite] = Capacite.SUIVRE

    def decider(self, monde: Monde) -> Resultat:
        dossier = monde.charger(Dossier, self.dossier_id, self.version_attendue)
        dossier.justifier(self.piece)
        monde.evaluer_entree(dossier)
        return Resultat(dossier_id=self.dossier_id)


@dataclass(frozen=True)
class SaisirEvenement(Commande):
    """R7, R8 (c): an interview may be the last condition to arrive."""

    dossier_id: UUID
    type_evenement: TypeEvenement
    jour: date
    commentaire: str | None = None

    nom_commande: ClassVar[str] = "saisir_evenement"
    capacite: ClassVar[Capacite] = Capacite.SUIVRE

    def decider(self, monde: Monde) -> Resultat:
        dossier = monde.charger(Dossier, self.dossier_id)
        evenement_id = uuid4().hex
        dossier.saisir_evenement(
            evenement_id,
            self.type_evenement,
            self.jour,
            self.commentaire,
            monde.acteur.sub,
            monde.aujourdhui,
        )
        monde.evaluer_entree(dossier)
        return Resultat(dossier_id=self.dossier_id, evenement_id=evenement_id)


@dataclass(frozen=True)
class CorrigerEvenement(Commande):
    """R7: a correction is a new event; the corrected one stays in history."""

    dossier_id: UUID
    evenement_id: str
    type_evenement: TypeEvenement
    jour: date

    nom_commande: ClassVar[str] = "corriger_evenement"
    capacite: ClassVar[Capacite] = Capacite.SUIVRE

    def decider(self, monde: Monde) -> Resultat:
        dossier = monde.charger(Dossier, self.dossier_id)
        nouvel_id = uuid4().hex
        dossier.corriger_evenement(
            self.evenement_id,
            nouvel_id,
            self.type_evenement,
            self.jour,
            monde.acteur.sub,
            monde.aujourdhui,
        )
        monde.evaluer_entree(dossier)
        return Resultat(dossier_id=self.dossier_id, evenement_id=nouvel_id)


@dataclass(frozen=True)
class AnnulerEvenement(Commande):
    dossier_id: UUID
    evenement_id: str
    motif: str | None = None

    nom_commande: ClassVar[str] = "annuler_evenement"
    capacite: ClassVar[Capacite] = Capacite.SUIVRE

    def decider(self, monde: Monde) -> Resultat:
        dossier = monde.charger(Dossier, self.dossier_id)
        dossier.annuler_evenement(self.evenement_id, self.motif)
        return Resultat(dossier_id=self.dossier_id, evenement_id=self.evenement_id)


@dataclass(frozen=True)
class TransfererDonnees(Commande):
    """R17: move a duplicate's data (PE identifier, events) onto the youth's real dossier."""

    source_id: UUID
    cible_id: UUID

    nom_commande: ClassVar[str] = "transferer_donnees"
    capacite: ClassVar[Capacite] = Capacite.GERER

    def decider(self, monde: Monde) -> Resultat:
        source = monde.charger(Dossier, self.source_id, champ="dossierSourceId")
        cible = monde.charger(Dossier, self.cible_id, champ="dossierCibleId")
        source.transferer_vers(cible)
        monde.evaluer_entree(cible)
        return Resultat(dossier_id=self.cible_id)


@dataclass(frozen=True)
class SupprimerDossier(Commande):
    """R20: refused once the youth ran a PPAE or flows went out; confirmed if it has history.
    A PPAE still non initialisé is closed and its affectation goes back to its list."""

    dossier_id: UUID
    confirmer: bool

    nom_commande: ClassVar[str] = "supprimer_dossier"
    capacite: ClassVar[Capacite] = Capacite.GERER

    def decider(self, monde: Monde) -> Resultat:
        dossier = monde.charger(Dossier, self.dossier_id)
        ppaes = [monde.charger(PPAE, i) for i in dossier.ppae_ids]
        flux_transmis = monde.ports.flux_transmis(dossier, ppaes)
        dossier.supprimer(self.confirmer, [p.statut for p in ppaes], flux_transmis)
        for ppae in ppaes:
            if ppae.statut is StatutPpae.NON_INITIALISE:
                ppae.clore_par_suppression_du_dossier()
                if ppae.affectation_id is not None:
                    monde.charger(Affectation, ppae.affectation_id).annuler_rapprochement()
        monde.effacer(self.dossier_id)
        return Resultat(dossier_id=self.dossier_id)

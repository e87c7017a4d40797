"""The manager's decisions on affectations (R2) and their resolution into dossiers (R4)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar
from uuid import UUID

from application.commandes.base import Commande, Monde
from application.contexte import Resultat
from domain.acces import Capacite
from domain.affectation import Affectation
from domain.dossier import Dossier
from domain.erreurs import ConfirmationRequise
from domain.noms import ecarts_d_identite
from domain.ppae import PPAE
from domain.valeurs import MarqueurDude, MotifRefus


@dataclass(frozen=True)
class DeciderAffectation(Commande):
    affectation_id: UUID
    accepter: bool
    motif: MotifRefus | None = None

    nom_commande: ClassVar[str] = "decider_affectation"
    capacite: ClassVar[Capacite] = Capacite.GERER

    def decider(self, monde: Monde) -> Resultat:
        affectation = monde.charger(Affectation, self.affectation_id)
        affectation.decider(self.accepter, self.motif)
        return Resultat(affectation_id=self.affectation_id)


@dataclass(frozen=True)
class CreerDossierImporte(Commande):
    """R4: DE non connu → a dossier marked IMPORTE_DUDE with a PPAE NON_INITIALISE."""

    affectation_id: UUID

    nom_commande: ClassVar[str] = "creer_dossier_importe"
    capacite: ClassVar[Capacite] = Capacite.GERER

    def decider(self, monde: Monde) -> Resultat:
        affectation = monde.charger(Affectation, self.affectation_id)
        affectation.verifier_a_rapprocher()
        dossier = monde.ajouter(
            Dossier.creer(
                code_ml=affectation.code_ml,
                identite=affectation.identite,
                aujourdhui=monde.aujourdhui,
                regles=monde.regles,
                identifiant_pe=affectation.identifiant_pe,
                marqueur=MarqueurDude.IMPORTE_DUDE,
            )
        )
        ppae = ouvrir_ppae(monde, affectation, dossier, MarqueurDude.IMPORTE_DUDE)
        return Resultat(dossier_id=dossier.id, ppae_id=ppae.id, affectation_id=self.affectation_id)


@dataclass(frozen=True)
class Rapprocher(Commande):
    """R4: match to a chosen dossier → RAPPROCHE_DUDE, PE id copied, PPAE NON_INITIALISE."""

    affectation_id: UUID
    dossier_id: UUID
    confirmer: bool = False
    """Needed when the dossier's identity differs from the affectation's (R4)."""

    nom_commande: ClassVar[str] = "rapprocher"
    capacite: ClassVar[Capacite] = Capacite.GERER

    def decider(self, monde: Monde) -> Resultat:
        affectation = monde.charger(Affectation, self.affectation_id)
        dossier = monde.charger(Dossier, self.dossier_id)
        affectation.verifier_a_rapprocher()
        dossier.verifier_actif()
        ecarts = ecarts_d_identite(dossier.identite, affectation.identite)
        if ecarts and not self.confirmer:
            raise ConfirmationRequise(
                f"Le dossier choisi ne correspond pas à l'affectation ({' ; '.join(ecarts)}) : "
                "confirmez le rapprochement si c'est bien le même jeune.",
                "confirmer",
            )
        dossier.marquer_rapproche(self.affectation_id, affectation.identifiant_pe)
        ppae = ouvrir_ppae(monde, affectation, dossier, MarqueurDude.RAPPROCHE_DUDE)
        return Resultat(
            dossier_id=self.dossier_id, ppae_id=ppae.id, affectation_id=self.affectation_id
        )


def ouvrir_ppae(
    monde: Monde, affectation: Affectation, dossier: Dossier, marqueur: MarqueurDude
) -> PPAE:
    """R4: a PPAE NON_INITIALISE linked to the affectation, the dossier's only open one."""
    ppae = monde.ajouter(
        PPAE(
            dossier_id=dossier.id,
            affectation_id=affectation.id,
            code_ml=affectation.code_ml,
            date_affectation=affectation.date_affectation,
            marqueur=marqueur,
            date_dernier_entretien_dude=affectation.date_dernier_entretien_dude,
            periodes_radiation=affectation.periodes_radiation,
        )
    )
    dossier.ouvrir_ppae(ppae.id)
    affectation.rapprocher(dossier.id, ppae.id, marqueur)
    return ppae

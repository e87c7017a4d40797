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
from domain.rapprochement import Fiche, comparer, identite_a_confirmer
from domain.valeurs import Avertissement, MarqueurDude, MotifRefus, StatutAffectation


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
        if self.accepter:
            examiner(monde, affectation)
        return Resultat(affectation_id=self.affectation_id)


def examiner(monde: Monde, affectation: Affectation) -> bool:
    """R3: matching against the ML's dossiers files the affectation in one of the three lists
    with its candidates (recorded only when they changed)."""
    fiche = Fiche.de(affectation.identite, affectation.identifiant_pe)
    return affectation.proposer(monde.ports.candidats(affectation.code_ml, fiche))


@dataclass(frozen=True)
class ActualiserRapprochements(Commande):
    """R5: matching again for every unresolved affectation of the ML (after a merge, a new
    dossier, a corrected identity)."""

    nom_commande: ClassVar[str] = "actualiser_rapprochements"
    capacite: ClassVar[Capacite] = Capacite.GERER

    def decider(self, monde: Monde) -> Resultat:
        reexaminees = 0
        for affectation_id in monde.ports.affectations_a_rapprocher(monde.acteur.code_ml):
            affectation = monde.optionnel(Affectation, affectation_id)
            if affectation is None or affectation.code_ml != monde.acteur.code_ml:
                continue
            if affectation.statut in (StatutAffectation.A_DECIDER, StatutAffectation.A_RAPPROCHER):
                examiner(monde, affectation)
                reexaminees += 1
        return Resultat(nombre=reexaminees)


@dataclass(frozen=True)
class ResoudreConflitAffectation(Commande):
    """R1: the manager adopts a content received later under the same id, or dismisses it.
    An adopted content is matched again when the affectation awaits its match."""

    affectation_id: UUID
    conflit: str
    """The fingerprint of the content received later."""
    adopter: bool

    nom_commande: ClassVar[str] = "resoudre_conflit_affectation"
    capacite: ClassVar[Capacite] = Capacite.GERER

    def decider(self, monde: Monde) -> Resultat:
        affectation = monde.charger(Affectation, self.affectation_id)
        affectation.resoudre_conflit(self.conflit, self.adopter, monde.aujourdhui, monde.regles)
        a_rapprocher = (StatutAffectation.A_DECIDER, StatutAffectation.A_RAPPROCHER)
        if self.adopter and affectation.statut in a_rapprocher:
            examiner(monde, affectation)
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
        # The list was made when the index answered; dossiers it did not know then (an index
        # catching up, a dossier created since) may be this youth: say so (R4, duplicates).
        fiche = Fiche.de(affectation.identite, affectation.identifiant_pe)
        trouves = monde.ports.candidats(affectation.code_ml, fiche)
        avertissements = []
        if trouves.candidats:
            avertissements.append(
                Avertissement(
                    "DOUBLONS_PROBABLES",
                    f"{len(trouves.candidats)} dossier(s) de la Mission Locale ressemblent à ce "
                    "jeune : vérifiez que le dossier créé n'est pas un doublon de l'un d'eux.",
                )
            )
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
        return Resultat(
            dossier_id=dossier.id,
            ppae_id=ppae.id,
            affectation_id=self.affectation_id,
            avertissements=avertissements,
        )


@dataclass(frozen=True)
class Rapprocher(Commande):
    """R4: match to a chosen dossier → RAPPROCHE_DUDE, PE id copied, PPAE NON_INITIALISE."""

    affectation_id: UUID
    dossier_id: UUID
    confirmer: bool = False
    """Needed when the identities differ beyond one known variation (R4), as the engine
    compares them (``identite_a_confirmer``)."""

    nom_commande: ClassVar[str] = "rapprocher"
    capacite: ClassVar[Capacite] = Capacite.GERER

    def decider(self, monde: Monde) -> Resultat:
        affectation = monde.charger(Affectation, self.affectation_id)
        dossier = monde.charger(Dossier, self.dossier_id)
        affectation.verifier_a_rapprocher()
        dossier.verifier_actif()
        # R3, R4: what matching needs confirmed, the engine decides (never AUTOMATIQUE then).
        fiches = Fiche.de(affectation.identite), Fiche.de(dossier.identite)
        a_confirmer = identite_a_confirmer(comparer(*fiches))
        if a_confirmer and not self.confirmer:
            ecarts = ecarts_d_identite(dossier.identite, affectation.identite, a_confirmer)
            raise ConfirmationRequise(
                f"Le dossier choisi ne correspond pas à l'affectation ({' ; '.join(ecarts)}) : "
                "confirmez le rapprochement si c'est bien le même jeune.",
                "confirmer",
            )
        proposes = {c.dossier_id for c in affectation.candidats}
        avertissements = []
        if self.dossier_id not in proposes:
            avertissements.append(
                Avertissement(
                    "DOSSIER_NON_CANDIDAT",
                    "Le dossier choisi ne figurait pas parmi les candidats proposés pour cette "
                    "affectation : vérifiez qu'il s'agit bien du même jeune.",
                )
            )
        dossier.marquer_rapproche(self.affectation_id, affectation.identifiant_pe)
        ppae = ouvrir_ppae(monde, affectation, dossier, MarqueurDude.RAPPROCHE_DUDE)
        return Resultat(
            dossier_id=self.dossier_id,
            ppae_id=ppae.id,
            affectation_id=self.affectation_id,
            avertissements=avertissements,
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

"""Reference data and affectations received from the DUDE (R1, DESIGN §4)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from application.commandes.affectations import examiner
from application.commandes.base import Commande, Monde
from application.contexte import Resultat
from domain.acces import Capacite
from domain.affectation import Affectation, DonneesAffectation
from domain.erreurs import NonTrouve, SaisieInvalide, TransitionInterdite
from domain.mission_locale import MissionLocale
from domain.valeurs import Conseiller


@dataclass(frozen=True)
class EnregistrerMissionLocale(Commande):
    """Loading the ML's file again records only what changed (zone and counselors)."""

    code: str
    nom: str
    communes: tuple[str, ...]
    conseillers: tuple[Conseiller, ...]

    nom_commande: ClassVar[str] = "enregistrer_mission_locale"
    capacite: ClassVar[Capacite] = Capacite.REFERENTIEL

    def decider(self, monde: Monde) -> Resultat:
        if self.code != monde.acteur.code_ml:
            raise NonTrouve("Mission Locale introuvable.", "codeMissionLocale")
        communes, conseillers = list(self.communes), list(self.conseillers)
        ml = monde.mission_locale()
        if ml is None:
            monde.ajouter(MissionLocale(self.code, self.nom, communes, conseillers))
            return Resultat(issue="creee")
        retires = {c.id for c in ml.conseillers} - {c.id for c in conseillers}
        if retires:
            suivis = monde.ports.conseillers_affectes(self.code)
            encore = sorted(c for c in retires if suivis.get(c))
            if encore:
                detail = ", ".join(f"{c} ({suivis[c]} PPAE)" for c in encore)
                raise TransitionInterdite(
                    f"Conseiller(s) encore affecté(s) à des PPAE ouverts : {detail}. "
                    "Réaffectez ces PPAE avant de retirer le conseiller du fichier.",
                    "conseillers",
                )
        change = ml.mettre_a_jour(self.nom, communes, conseillers)
        return Resultat(issue="modifiee" if change else "inchangee")


@dataclass(frozen=True)
class RecevoirAffectation(Commande):
    """R1: the same affectation twice is recorded once; other content is kept for review."""

    donnees: DonneesAffectation

    nom_commande: ClassVar[str] = "recevoir_affectation"
    capacite: ClassVar[Capacite] = Capacite.REFERENTIEL

    def decider(self, monde: Monde) -> Resultat:
        donnees = self.donnees
        if donnees.code_ml != monde.acteur.code_ml:
            raise SaisieInvalide(
                "L'affectation vise une autre Mission Locale.", "codeMissionLocale"
            )
        affectation_id = Affectation.create_id(donnees.code_ml, donnees.id_affectation)
        existante = monde.optionnel(Affectation, affectation_id)
        if existante is None:
            recue = monde.ajouter(Affectation.recevoir(donnees, monde.aujourdhui, monde.regles))
            examiner(monde, recue)  # R3: the list it goes to, known when deciding
            return Resultat(affectation_id=affectation_id, issue="nouvelle")
        if existante.recevoir_a_nouveau(donnees, monde.aujourdhui, monde.regles):
            return Resultat(affectation_id=affectation_id, issue="conflit")
        return Resultat(affectation_id=affectation_id, issue="doublon")

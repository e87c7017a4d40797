"""Enumerations and value objects shared by the aggregates."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from enum import Enum

from domain import identite as regles_des_champs
from domain.erreurs import SaisieInvalide
from domain.regles import Regles
from domain.textes import texte_optionnel, texte_valide


class Role(Enum):
    GESTIONNAIRE = "GESTIONNAIRE"
    CONSEILLER = "CONSEILLER"
    AUDITEUR = "AUDITEUR"
    INTEGRATEUR = "INTEGRATEUR"
    ADMIN = "ADMIN"
    SYSTEME = "SYSTEME"
    ANONYME = "ANONYME"
    """No token (the GraphiQL page): no right at all."""


class Sexe(Enum):
    F = "F"
    M = "M"


class TypeAffectation(Enum):
    INITIALE = "INITIALE"
    REAFFECTATION = "REAFFECTATION"


class StatutAffectation(Enum):
    A_DECIDER = "A_DECIDER"
    REFUSEE = "REFUSEE"
    A_RAPPROCHER = "A_RAPPROCHER"
    RAPPROCHEE = "RAPPROCHEE"


class ListeCotraitance(Enum):
    DE_NON_CONNUS = "DE_NON_CONNUS"
    RAPPROCHEMENTS_POSSIBLES = "RAPPROCHEMENTS_POSSIBLES"
    REAFFECTATIONS_PE = "REAFFECTATIONS_PE"


class MotifRefus(Enum):
    AGE = "AGE"
    HORS_ZONE = "HORS_ZONE"
    AUTRE = "AUTRE"


class MarqueurDude(Enum):
    IMPORTE_DUDE = "IMPORTE_DUDE"
    RAPPROCHE_DUDE = "RAPPROCHE_DUDE"


class TypeEvenement(Enum):
    ENTRETIEN_INDIVIDUEL = "ENTRETIEN_INDIVIDUEL"
    INFORMATION_COLLECTIVE = "INFORMATION_COLLECTIVE"
    ATELIER = "ATELIER"
    PROPOSITION_EMPLOI = "PROPOSITION_EMPLOI"
    PROPOSITION_PROJET_PROFESSIONNEL = "PROPOSITION_PROJET_PROFESSIONNEL"
    PROPOSITION_FORMATION = "PROPOSITION_FORMATION"


class StatutPpae(Enum):
    NON_INITIALISE = "NON_INITIALISE"
    EN_COURS = "EN_COURS"
    TERMINE = "TERMINE"
    SUPPRIME = "SUPPRIME"

    @property
    def est_ouvert(self) -> bool:
        return self in (StatutPpae.NON_INITIALISE, StatutPpae.EN_COURS)

    @property
    def est_final(self) -> bool:
        return not self.est_ouvert


class StatutCotraitance(Enum):
    A_AFFECTER = "A_AFFECTER"
    ATTENTE_PLANIFICATION_RDV = "ATTENTE_PLANIFICATION_RDV"
    EN_ATTENTE_ENTRETIEN = "EN_ATTENTE_ENTRETIEN"


class MotifSortie(Enum):
    DEMENAGEMENT = "DEMENAGEMENT"
    ABANDON = "ABANDON"
    RADIATION_PE = "RADIATION_PE"
    EMPLOI_DURABLE = "EMPLOI_DURABLE"
    AUTRE = "AUTRE"


class MotifArret(Enum):
    ABSENCES_REPETEES = "ABSENCES_REPETEES"
    REFUS_DU_JEUNE = "REFUS_DU_JEUNE"
    AFFECTATION_NON_TRAITEE = "AFFECTATION_NON_TRAITEE"


class StatutRendezVous(Enum):
    PLANIFIE = "PLANIFIE"
    PRESENT = "PRESENT"
    ABSENT = "ABSENT"
    ANNULE = "ANNULE"
    REPORTE = "REPORTE"


@dataclass(frozen=True)
class Periode:
    debut: date
    fin: date | None = None

    def contient(self, jour: date) -> bool:
        return self.debut <= jour and (self.fin is None or jour <= self.fin)


LONGUEURS_IDENTITE = {
    "nom": 100,
    "nom_usage": 100,
    "prenoms": 150,
    "commune_insee": 5,
    "code_postal": 10,
    "telephone": 30,
    "email": 254,
}
CHAMPS_API = {
    "nom_usage": "nomUsage",
    "commune_insee": "communeInsee",
    "code_postal": "codePostal",
    "date_naissance": "dateNaissance",
}


@dataclass(frozen=True)
class Identite:
    """A youth's identity: personal data, erased when the dossier is deleted (R20).

    Checked once, here, whoever builds it: every text printable and bounded, name and first
    names present. (Identities read back from the event log are not checked again: a rule made
    stricter later must not make history unreadable.)"""

    nom: str
    prenoms: str
    date_naissance: date
    nom_usage: str | None = None
    sexe: Sexe | None = None
    commune_insee: str | None = None
    code_postal: str | None = None
    telephone: str | None = None
    email: str | None = None

    def __post_init__(self) -> None:
        regles_des_champs.rassembler(
            *(self._nom(attribut) for attribut in ("nom", "prenoms", "nom_usage")),
            self._normaliser("commune_insee", regles_des_champs.commune_insee),
            self._normaliser("code_postal", regles_des_champs.code_postal),
            self._normaliser("telephone", regles_des_champs.telephone),
            self._normaliser("email", regles_des_champs.email),
        )

    def _nom(self, attribut: str) -> Callable[[], None]:
        def verifier() -> None:
            champ = CHAMPS_API.get(attribut, attribut)
            valeur, maximum = getattr(self, attribut), LONGUEURS_IDENTITE[attribut]
            if attribut == "nom_usage":
                object.__setattr__(self, attribut, texte_optionnel(valeur, champ, maximum))
                return
            propre = texte_valide(valeur, champ, maximum)
            object.__setattr__(self, attribut, propre)
            if not propre:
                libelle = "Le nom" if attribut == "nom" else "Le prénom"
                raise SaisieInvalide(f"{libelle} est obligatoire.", champ)

        return verifier

    def _normaliser(
        self, attribut: str, regle: Callable[[str | None], str | None]
    ) -> Callable[[], None]:
        return lambda: object.__setattr__(self, attribut, regle(getattr(self, attribut)))

    @property
    def efface(self) -> bool:
        """R20: the dossier was deleted and its personal data erased (crypto-shredding)."""
        return self == IDENTITE_EFFACEE

    def verifier_naissance(self, aujourdhui: date, regles: Regles) -> None:
        """A birth date plausible for a person (the clock is the application's)."""
        regles_des_champs.naissance_plausible(self.date_naissance, aujourdhui, regles)


EFFACE = "[effacé]"
IDENTITE_EFFACEE = Identite(EFFACE, EFFACE, date(1900, 1, 1))
"""What an erased identity reads as: the names "[effacé]", the birth date 1900-01-01."""


@dataclass(frozen=True)
class Conseiller:
    id: str
    nom: str


@dataclass(frozen=True)
class Dispositif:
    """Another programme the youth follows or followed (CEJ, PACEA…), from the ML's records."""

    type: str
    statut: str
    date_entree: date | None = None
    date_sortie: date | None = None

    @property
    def est_actif(self) -> bool:
        return self.statut == "EN_COURS"


@dataclass(frozen=True)
class Avertissement:
    code: str
    message: str


@dataclass(frozen=True)
class Acteur:
    """Who runs a command (R21, R23)."""

    sub: str
    role: Role
    code_ml: str


VALUE_TYPES: tuple[type, ...] = (Periode, Identite, Conseiller, Dispositif, Avertissement)
ENUM_TYPES: tuple[type[Enum], ...] = (
    Role,
    Sexe,
    TypeAffectation,
    StatutAffectation,
    ListeCotraitance,
    MotifRefus,
    MarqueurDude,
    TypeEvenement,
    StatutPpae,
    StatutCotraitance,
    MotifSortie,
    MotifArret,
    StatutRendezVous,
)

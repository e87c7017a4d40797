"""An assignment of a youth by France Travail to a Mission Locale, received from the DUDE."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, fields, replace
from datetime import date
from typing import Any
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain import identite as regles_des_champs
from domain.acces import DeMissionLocale
from domain.erreurs import ErreurMetier, SaisieInvalide, TransitionInterdite
from domain.mission_locale import NAMESPACE
from domain.rapprochement import Candidat, Trouves
from domain.regles import Regles, age_au
from domain.textes import ID_AFFECTATION_MAX, texte_valide
from domain.valeurs import (
    Identite,
    ListeCotraitance,
    MarqueurDude,
    MotifRefus,
    Periode,
    StatutAffectation,
    TypeAffectation,
)


@dataclass(frozen=True)
class DonneesAffectation:
    """What the DUDE sends for one assignment (DESIGN §4, intake)."""

    id_affectation: str
    code_ml: str
    date_affectation: date
    type_affectation: TypeAffectation
    identifiant_pe: str
    identite: Identite
    date_dernier_entretien_dude: date | None = None
    periodes_radiation: tuple[Periode, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        """The ids checked and normalised like a dossier's (stored values are read back as
        they are, see the transcodings)."""
        regles_des_champs.rassembler(
            lambda: texte_valide(self.id_affectation, "idAffectation", ID_AFFECTATION_MAX),
            lambda: object.__setattr__(
                self, "identifiant_pe", _identifiant_obligatoire(self.identifiant_pe)
            ),
        )

    def verifier(self, aujourdhui: date, regles: Regles) -> None:
        """What needs the clock: a birth date plausible for a person; an assignment dated no
        later than today (R9: its entry date could never be on or after it)."""
        regles_des_champs.rassembler(
            lambda: self.identite.verifier_naissance(aujourdhui, regles),
            lambda: _pas_dans_le_futur(self.date_affectation, aujourdhui),
        )

    def empreinte(self) -> str:
        """R1: what "the same content" means, over the DESIGN §4 fields by their wire names;
        versioned, so that adding a field to the value objects changes no stored fingerprint."""
        i = self.identite
        canonique = {
            "idAffectation": self.id_affectation,
            "codeMissionLocale": self.code_ml,
            "dateAffectation": self.date_affectation.isoformat(),
            "typeAffectation": self.type_affectation.value,
            "identifiantPe": self.identifiant_pe,
            "nom": i.nom,
            "nomUsage": i.nom_usage,
            "prenoms": i.prenoms,
            "dateNaissance": i.date_naissance.isoformat(),
            "sexe": i.sexe.value if i.sexe else None,
            "communeInsee": i.commune_insee,
            "codePostal": i.code_postal,
            "telephone": i.telephone,
            "email": i.email,
            "dateDernierEntretienDude": _iso(self.date_dernier_entretien_dude),
            "periodesRadiation": [[_iso(p.debut), _iso(p.fin)] for p in self.periodes_radiation],
        }
        contenu = json.dumps(canonique, sort_keys=True, ensure_ascii=False)
        return f"{VERSION_EMPREINTE}:{hashlib.sha256(contenu.encode()).hexdigest()}"


VERSION_EMPREINTE = "v2"
"""v2: over the values as normalised (phone, e-mail, codes, PE identifier); v1 was over the
values as received. A v1 fingerprint is compared by normalising its stored content again."""


def _pas_dans_le_futur(date_affectation: date, aujourdhui: date) -> None:
    if date_affectation > aujourdhui:
        raise SaisieInvalide(
            "La date d'affectation ne peut pas être dans le futur.", "dateAffectation"
        )


def _identifiant_obligatoire(valeur: str) -> str:
    identifiant = regles_des_champs.identifiant_pe(valeur)
    if identifiant is None:
        raise SaisieInvalide("L'identifiant France Travail est obligatoire.", "identifiantPe")
    return identifiant


CHAMPS_IDENTITE = [f.name for f in fields(Identite)]


@dataclass(frozen=True)
class CandidatPropose:
    """A candidate as the matching proposed it when it ran (R3): recorded, so that what the
    manager was shown stays known. No personal data: the dossier's id and the explanation."""

    dossier_id: UUID
    score: float
    decision: str
    """``AUTOMATIQUE`` or ``A_EXAMINER``."""
    explication: list[list[Any]]
    """``[critere, niveau, poids]`` per criterion."""
    vetos: list[str] = field(default_factory=list)
    ppae_passe: bool = False
    """Its youth had a PPAE en cours or terminé."""

    @classmethod
    def de(cls, candidat: Candidat, ppae_passe: bool) -> CandidatPropose:
        return cls(
            dossier_id=UUID(candidat.ref),
            score=round(candidat.score, 6),
            decision=candidat.decision.value,
            explication=[[e.critere, e.niveau.value, e.poids] for e in candidat.explication],
            vetos=[v.value for v in candidat.vetos],
            ppae_passe=ppae_passe,
        )


def proposition(trouves: Trouves) -> tuple[ListeCotraitance, list[CandidatPropose]]:
    """R3: no candidate → DE_NON_CONNUS; the best one's youth had a PPAE en cours or terminé →
    REAFFECTATIONS_PE; otherwise RAPPROCHEMENTS_POSSIBLES."""
    candidats = [CandidatPropose.de(c, c.ref in trouves.ppae_passe) for c in trouves.candidats]
    if not candidats:
        return ListeCotraitance.DE_NON_CONNUS, []
    if candidats[0].ppae_passe:
        return ListeCotraitance.REAFFECTATIONS_PE, candidats
    return ListeCotraitance.RAPPROCHEMENTS_POSSIBLES, candidats


def _sens(candidats: list[CandidatPropose]) -> list[tuple[Any, ...]]:
    """What a proposal says: who, in which order, how decided, why — not the exact weights."""
    return [
        (
            c.dossier_id,
            c.decision,
            tuple((e[0], e[1]) for e in c.explication),
            tuple(c.vetos),
            c.ppae_passe,
        )
        for c in candidats
    ]


def _iso(jour: date | None) -> str | None:
    return jour.isoformat() if jour else None


def suggestions_refus(
    donnees: DonneesAffectation, communes_zone: list[str], regles: Regles
) -> list[MotifRefus]:
    """R2: eligibility is computed, not decided."""
    suggestions = []
    if age_au(donnees.identite.date_naissance, donnees.date_affectation) >= regles.age_refus:
        suggestions.append(MotifRefus.AGE)
    commune = donnees.identite.commune_insee
    if commune and commune not in communes_zone:
        suggestions.append(MotifRefus.HORS_ZONE)
    return suggestions


class Affectation(Aggregate, DeMissionLocale):
    @staticmethod
    def create_id(code_ml: str, id_affectation: str) -> UUID:
        """Scoped by ML: another ML's intake never reaches this one's affectation (R23)."""
        return uuid5(NAMESPACE, f"affectation:{code_ml}:{id_affectation}")

    @classmethod
    def recevoir(cls, donnees: DonneesAffectation, aujourdhui: date, regles: Regles) -> Affectation:
        """R1: a new assignment from the DUDE; its identity is checked like a dossier's."""
        donnees.verifier(aujourdhui, regles)
        return cls(
            id_affectation=donnees.id_affectation,
            code_ml=donnees.code_ml,
            date_affectation=donnees.date_affectation,
            type_affectation=donnees.type_affectation,
            identifiant_pe=donnees.identifiant_pe,
            identite=donnees.identite,
            date_dernier_entretien_dude=donnees.date_dernier_entretien_dude,
            periodes_radiation=list(donnees.periodes_radiation),
            empreinte=donnees.empreinte(),
        )

    class Recue(Aggregate.Created):
        id_affectation: str
        code_ml: str
        date_affectation: date
        type_affectation: TypeAffectation
        identifiant_pe: str
        identite: Identite
        date_dernier_entretien_dude: date | None
        periodes_radiation: list[Periode]
        empreinte: str

    @event(Recue)
    def __init__(
        self,
        id_affectation: str,
        code_ml: str,
        date_affectation: date,
        type_affectation: TypeAffectation,
        identifiant_pe: str,
        identite: Identite,
        date_dernier_entretien_dude: date | None,
        periodes_radiation: list[Periode],
        empreinte: str,
    ) -> None:
        self.id_affectation = id_affectation
        self.code_ml = code_ml
        self.date_affectation = date_affectation
        self.type_affectation = type_affectation
        self.identifiant_pe = identifiant_pe
        self.identite = identite
        self.date_dernier_entretien_dude = date_dernier_entretien_dude
        self.periodes_radiation = list(periodes_radiation)
        self.empreinte = empreinte
        self.conflits: list[str] = []
        self.contenus_en_conflit: list[DonneesAffectation] = []
        """R1: what arrived under the same id with other content, kept for review (pending
        ones; a dismissed or adopted content leaves this list, its fingerprint is kept in
        ``empreintes_connues`` so that receiving it again records nothing)."""
        self.empreintes_connues: list[str] = []
        self.candidats: list[CandidatPropose] = []
        self.statut = StatutAffectation.A_DECIDER
        self.motif_refus: MotifRefus | None = None
        self.liste: ListeCotraitance | None = None
        self.dossier_id: UUID | None = None
        self.ppae_id: UUID | None = None

    @property
    def liste_courante(self) -> ListeCotraitance | None:
        """R3: the list the affectation is in once accepted (and was resolved from). Still to
        decide, it is in none: ``liste`` is then only the one it will join."""
        acceptee = self.statut in (StatutAffectation.A_RAPPROCHER, StatutAffectation.RAPPROCHEE)
        return self.liste if acceptee else None

    def donnees(self) -> DonneesAffectation:
        return DonneesAffectation(
            id_affectation=self.id_affectation,
            code_ml=self.code_ml,
            date_affectation=self.date_affectation,
            type_affectation=self.type_affectation,
            identifiant_pe=self.identifiant_pe,
            identite=self.identite,
            date_dernier_entretien_dude=self.date_dernier_entretien_dude,
            periodes_radiation=tuple(self.periodes_radiation),
        )

    def _empreinte_actuelle(self) -> str | None:
        """The recorded content's fingerprint as computed today (normalised again when it was
        recorded by an earlier version); None when it cannot be read by today's rules."""
        if self.empreinte.startswith(f"{VERSION_EMPREINTE}:"):
            return self.empreinte
        try:
            identite = Identite(**{f: getattr(self.identite, f) for f in CHAMPS_IDENTITE})
            return replace(self.donnees(), identite=identite).empreinte()
        except ErreurMetier:
            return None

    def recevoir_a_nouveau(
        self, donnees: DonneesAffectation, aujourdhui: date, regles: Regles
    ) -> bool:
        """R1: the same content again records nothing; other content is kept for review."""
        donnees.verifier(aujourdhui, regles)
        empreinte = donnees.empreinte()
        if empreinte in (self._empreinte_actuelle(), *self.conflits, *self.empreintes_connues):
            return False
        self._signaler_conflit(empreinte, donnees)
        return True

    def decider(self, accepter: bool, motif: MotifRefus | None) -> None:
        if self.statut is not StatutAffectation.A_DECIDER:
            raise TransitionInterdite(
                f"L'affectation {self.id_affectation} a déjà été décidée "
                f"(statut {self.statut.value})."
            )
        if accepter:
            if motif is not None:
                raise SaisieInvalide(
                    "Un motif de refus ne s'indique qu'en cas de refus.", "motifRefus"
                )
            self._accepter()
        else:
            if motif is None:
                raise SaisieInvalide("Le refus d'une affectation exige un motif.", "motifRefus")
            self._refuser(motif)

    def verifier_a_rapprocher(self) -> None:
        if self.statut is not StatutAffectation.A_RAPPROCHER:
            raise TransitionInterdite(
                f"L'affectation {self.id_affectation} n'est pas à rapprocher "
                f"(statut {self.statut.value}) : acceptez-la d'abord, ou elle est déjà traitée."
            )

    def rapprocher(self, dossier_id: UUID, ppae_id: UUID, marqueur: MarqueurDude) -> None:
        self.verifier_a_rapprocher()
        self._rapprocher(dossier_id, ppae_id, marqueur)

    def annuler_rapprochement(self) -> None:
        if self.statut is not StatutAffectation.RAPPROCHEE:
            raise TransitionInterdite(f"L'affectation {self.id_affectation} n'est pas rapprochée.")
        self._annuler_rapprochement()

    def classer(self, liste: ListeCotraitance) -> None:
        self.verifier_a_rapprocher()
        if liste is not self.liste:
            self._classer(liste)

    def proposer(self, trouves: Trouves) -> bool:
        """R3, R5: files the affectation in its list with its candidates, when they changed:
        at intake (the manager sees whether the youth is known when deciding), at acceptance,
        and when matching runs again; not once refused or resolved."""
        if self.statut not in (StatutAffectation.A_DECIDER, StatutAffectation.A_RAPPROCHER):
            raise TransitionInterdite(
                f"L'affectation {self.id_affectation} n'est plus à rapprocher "
                f"(statut {self.statut.value})."
            )
        liste, candidats = proposition(trouves)
        if liste is self.liste and _sens(candidats) == _sens(self.candidats):
            return False  # weights moved with the ML's name counts, nothing a manager sees
        self._proposer(liste, candidats)
        return True

    def resoudre_conflit(
        self, empreinte: str, adopter: bool, aujourdhui: date, regles: Regles
    ) -> None:
        """R1: the manager adopts a content received later under the same id (it becomes the
        affectation's content) or dismisses it; either way it is no longer pending."""
        if empreinte not in self.conflits:
            raise SaisieInvalide(
                "Aucun contenu en conflit avec cette empreinte sur l'affectation "
                f"{self.id_affectation}.",
                "empreinte",
            )
        if not adopter:
            self._ecarter_conflit(empreinte)
            return
        if self.statut is StatutAffectation.RAPPROCHEE:
            raise TransitionInterdite(
                f"L'affectation {self.id_affectation} est déjà rapprochée : annulez le "
                "rapprochement avant d'adopter un autre contenu."
            )
        donnees = self.contenus_en_conflit[self.conflits.index(empreinte)]
        donnees.verifier(aujourdhui, regles)
        self._adopter_conflit(empreinte, donnees)

    class ConflitRecu(Aggregate.Event):
        empreinte: str
        donnees: DonneesAffectation

    @event(ConflitRecu)
    def _signaler_conflit(self, empreinte: str, donnees: DonneesAffectation) -> None:
        self.conflits.append(empreinte)
        self.contenus_en_conflit.append(donnees)

    class CandidatsProposes(Aggregate.Event):
        liste: ListeCotraitance
        candidats: list[CandidatPropose]

    @event(CandidatsProposes)
    def _proposer(self, liste: ListeCotraitance, candidats: list[CandidatPropose]) -> None:
        self.liste = liste
        self.candidats = list(candidats)

    class ConflitEcarte(Aggregate.Event):
        empreinte: str

    @event(ConflitEcarte)
    def _ecarter_conflit(self, empreinte: str) -> None:
        rang = self.conflits.index(empreinte)
        del self.conflits[rang], self.contenus_en_conflit[rang]
        self.empreintes_connues.append(empreinte)

    class ConflitAdopte(Aggregate.Event):
        """The content received later replaces the affectation's; the former one is kept in
        the history (and known: receiving it again records nothing)."""

        empreinte: str
        donnees: DonneesAffectation

    @event(ConflitAdopte)
    def _adopter_conflit(self, empreinte: str, donnees: DonneesAffectation) -> None:
        rang = self.conflits.index(empreinte)
        del self.conflits[rang], self.contenus_en_conflit[rang]
        self.empreintes_connues.append(self._empreinte_actuelle() or self.empreinte)
        self.empreinte = empreinte
        self.date_affectation = donnees.date_affectation
        self.type_affectation = donnees.type_affectation
        self.identifiant_pe = donnees.identifiant_pe
        self.identite = donnees.identite
        self.date_dernier_entretien_dude = donnees.date_dernier_entretien_dude
        self.periodes_radiation = list(donnees.periodes_radiation)

    class Acceptee(Aggregate.Event):
        pass

    @event(Acceptee)
    def _accepter(self) -> None:
        self.statut = StatutAffectation.A_RAPPROCHER

    class Refusee(Aggregate.Event):
        motif: MotifRefus

    @event(Refusee)
    def _refuser(self, motif: MotifRefus) -> None:
        self.statut = StatutAffectation.REFUSEE
        self.motif_refus = motif
        self.liste = None  # filed at intake, it leaves the lists

    class Classee(Aggregate.Event):
        liste: ListeCotraitance

    @event(Classee)
    def _classer(self, liste: ListeCotraitance) -> None:
        self.liste = liste

    class Rapprochee(Aggregate.Event):
        dossier_id: UUID
        ppae_id: UUID
        marqueur: MarqueurDude

    @event(Rapprochee)
    def _rapprocher(self, dossier_id: UUID, ppae_id: UUID, marqueur: MarqueurDude) -> None:
        self.statut = StatutAffectation.RAPPROCHEE
        self.dossier_id = dossier_id
        self.ppae_id = ppae_id

    class RapprochementAnnule(Aggregate.Event):
        pass

    @event(RapprochementAnnule)
    def _annuler_rapprochement(self) -> None:
        self.statut = StatutAffectation.A_RAPPROCHER
        self.dossier_id = None
        self.ppae_id = None

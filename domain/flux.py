"""R13, R14 (and the flows of R2, R10, R11): what must flow to the DUDE, as a pure fold of the
history. The DUDE emitter runs it on the event log; the reconciliation replays it on a dossier's
history; both get the same flows with the same keys (``PPAE id + source + flow type``).

A dossier event flows iff a PPAE of its dossier is en cours or terminé and the event's date lies
in [entry date, exit date]: when the PPAE enters, every live event of the window already recorded
flows (retroactive catch-up); an event recorded later flows if it falls in the window; one dated
after the exit never does. A flowed event that is cancelled (or corrected), or that a backdated
exit leaves outside the window, gets a cancellation flow. Free text never flows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from domain.affectation import Affectation
from domain.dossier import Dossier, EvenementDossier
from domain.ppae import PPAE
from domain.valeurs import StatutPpae, TypeEvenement

FUSEAU = ZoneInfo("Europe/Paris")


class TypeFlux(Enum):
    DECISION_AFFECTATION = "DECISION_AFFECTATION"
    ENTREE_PPAE = "ENTREE_PPAE"
    EVENEMENT = "EVENEMENT"
    SORTIE_PPAE = "SORTIE_PPAE"
    ARRET_ANTICIPE = "ARRET_ANTICIPE"
    ANNULATION = "ANNULATION"


class StatutFlux(Enum):
    EN_ATTENTE = "EN_ATTENTE"
    ENVOYE = "ENVOYE"
    ACQUITTE = "ACQUITTE"
    REJETE = "REJETE"


@dataclass(frozen=True)
class Flux:
    """One message owed to the DUDE; ``details`` are its type's fields, by their wire names."""

    cle: str
    type: TypeFlux
    date_effet: date
    affectation_id: UUID
    ppae_id: UUID | None = None
    dossier_id: UUID | None = None
    evenement_id: str | None = None
    details: tuple[tuple[str, Any], ...] = ()


def cle(source_id: UUID, source: str, type_flux: TypeFlux) -> str:
    """Stable from the source: the same history gives the same keys, however often derived."""
    return f"{source_id}:{source}:{type_flux.value}"


def jour_de(instant: datetime) -> date:
    """The civil date of a recorded instant, in the MLs' time zone."""
    return instant.astimezone(FUSEAU).date()


@dataclass
class Fenetre:
    """A PPAE as the flows see it."""

    affectation_id: UUID
    statut: StatutPpae = StatutPpae.NON_INITIALISE
    entree: date | None = None
    sortie: date | None = None

    def contient(self, jour: date) -> bool:
        demarre = self.statut in (StatutPpae.EN_COURS, StatutPpae.TERMINE)
        return (
            demarre
            and self.entree is not None
            and self.entree <= jour
            and (self.sortie is None or jour <= self.sortie)
        )


@dataclass
class EtatFluxDossier:
    """What the fold keeps of one dossier: its events, its PPAE windows, what already flowed."""

    evenements: dict[str, tuple[TypeEvenement, date, bool]] = field(default_factory=dict)
    fenetres: dict[UUID, Fenetre] = field(default_factory=dict)
    emis: dict[str, set[str]] = field(default_factory=dict)
    """PPAE id (text) → ids of the events that flowed under it and were not cancelled."""

    # ------------------------------------------------------------------ the fold

    def prendre(self, dossier_id: UUID, evenement: Any) -> list[Flux]:
        """The flows an event of this dossier or of one of its PPAE makes owed."""
        if isinstance(evenement, Dossier.EvenementSaisi):
            return self._nouvel(dossier_id, evenement.evenement_id, evenement)
        if isinstance(evenement, Dossier.EvenementCorrige):
            annulations = self._annuler(dossier_id, evenement.evenement_id)
            return annulations + self._nouvel(dossier_id, evenement.nouvel_id, evenement)
        if isinstance(evenement, Dossier.EvenementAnnule):
            return self._annuler(dossier_id, evenement.evenement_id)
        if isinstance(evenement, Dossier.DonneesRecues):
            return [f for e in evenement.evenements for f in self._recu(dossier_id, e)]
        if isinstance(evenement, PPAE.Event):
            return self._ppae(dossier_id, evenement)
        return []

    def _nouvel(self, dossier_id: UUID, evenement_id: str, evenement: Any) -> list[Flux]:
        self.evenements[evenement_id] = (evenement.type_evenement, evenement.date_evenement, False)
        return self._qualifier(dossier_id, evenement_id)

    def _recu(self, dossier_id: UUID, evenement: EvenementDossier) -> list[Flux]:
        """An event moved from a duplicate (R17): like one recorded now."""
        if evenement.id in self.evenements or evenement.annule:
            return []
        self.evenements[evenement.id] = (evenement.type, evenement.date, False)
        return self._qualifier(dossier_id, evenement.id)

    def _qualifier(self, dossier_id: UUID, evenement_id: str) -> list[Flux]:
        type_evenement, jour, annule = self.evenements[evenement_id]
        flux = []
        for ppae_id, fenetre in self.fenetres.items():
            emis = self.emis.setdefault(str(ppae_id), set())
            if annule or evenement_id in emis or not fenetre.contient(jour):
                continue
            emis.add(evenement_id)
            flux.append(
                Flux(
                    cle(ppae_id, evenement_id, TypeFlux.EVENEMENT),
                    TypeFlux.EVENEMENT,
                    jour,
                    fenetre.affectation_id,
                    ppae_id,
                    dossier_id,
                    evenement_id,
                    (("typeEvenement", type_evenement.value),),
                )
            )
        return flux

    def _annuler(self, dossier_id: UUID, evenement_id: str) -> list[Flux]:
        if evenement_id not in self.evenements:
            return []
        type_evenement, jour, _ = self.evenements[evenement_id]
        self.evenements[evenement_id] = (type_evenement, jour, True)
        return [
            self._annulation(dossier_id, UUID(ppae_id), evenement_id)
            for ppae_id, emis in self.emis.items()
            if evenement_id in emis
        ]

    def _annulation(self, dossier_id: UUID, ppae_id: UUID, evenement_id: str) -> Flux:
        type_evenement, jour, _ = self.evenements[evenement_id]
        self.emis[str(ppae_id)].discard(evenement_id)
        return Flux(
            cle(ppae_id, evenement_id, TypeFlux.ANNULATION),
            TypeFlux.ANNULATION,
            jour,
            self.fenetres[ppae_id].affectation_id,
            ppae_id,
            dossier_id,
            evenement_id,
            (
                ("typeEvenement", type_evenement.value),
                ("cleAnnulee", cle(ppae_id, evenement_id, TypeFlux.EVENEMENT)),
            ),
        )

    def _ppae(self, dossier_id: UUID, e: Any) -> list[Flux]:
        ppae_id: UUID = e.originator_id
        if isinstance(e, PPAE.Ouvert):
            if e.affectation_id is not None:
                self.fenetres[ppae_id] = Fenetre(e.affectation_id)
            return []
        fenetre = self.fenetres.get(ppae_id)
        if fenetre is None:  # a PPAE without an affectation has nothing to tell the DUDE
            return []
        if isinstance(e, PPAE.EntreeEnCours | PPAE.EntreeRetroactive):
            fenetre.statut, fenetre.entree = StatutPpae.EN_COURS, e.date_entree
            entree = self._flux_ppae(dossier_id, ppae_id, "entree", TypeFlux.ENTREE_PPAE, ())
            rattrapes = sorted(self.evenements, key=lambda i: (self.evenements[i][1], i))
            return [entree, *(f for i in rattrapes for f in self._qualifier(dossier_id, i))]
        if isinstance(e, PPAE.Sorti):
            fenetre.statut, fenetre.sortie = StatutPpae.TERMINE, e.date_sortie
            sortie = self._flux_ppae(
                dossier_id,
                ppae_id,
                "sortie",
                TypeFlux.SORTIE_PPAE,
                (("motifSortie", e.motif.value),),
                e.date_sortie,
            )
            emis = self.emis.get(str(ppae_id), set())
            hors = sorted(i for i in emis if self.evenements[i][1] > e.date_sortie)
            return [sortie, *(self._annulation(dossier_id, ppae_id, i) for i in hors)]
        if isinstance(e, PPAE.ArreteAnticipe):
            fenetre.statut = StatutPpae.SUPPRIME
            details = (("motif", e.motif.value), ("demandeReaffectation", e.demande_reaffectation))
            arret = TypeFlux.ARRET_ANTICIPE
            jour = jour_de(e.timestamp)
            return [self._flux_ppae(dossier_id, ppae_id, "arret", arret, details, jour)]
        if isinstance(e, PPAE.RapprochementAnnule | PPAE.ClosDossierSupprime):
            fenetre.statut = StatutPpae.SUPPRIME
        return []

    def _flux_ppae(
        self,
        dossier_id: UUID,
        ppae_id: UUID,
        source: str,
        type_flux: TypeFlux,
        details: tuple[tuple[str, Any], ...],
        jour: date | None = None,
    ) -> Flux:
        fenetre = self.fenetres[ppae_id]
        effet = jour or fenetre.entree
        assert effet is not None
        return Flux(
            cle(ppae_id, source, type_flux),
            type_flux,
            effet,
            fenetre.affectation_id,
            ppae_id,
            dossier_id,
            None,
            details,
        )

    # ------------------------------------------------------------------ stored form

    def en_json(self) -> dict[str, Any]:
        return {
            "evenements": {
                i: [t.value, j.isoformat(), a] for i, (t, j, a) in self.evenements.items()
            },
            "fenetres": {
                str(p): [
                    str(f.affectation_id),
                    f.statut.value,
                    f.entree.isoformat() if f.entree else None,
                    f.sortie.isoformat() if f.sortie else None,
                ]
                for p, f in self.fenetres.items()
            },
            "emis": {p: sorted(e) for p, e in self.emis.items()},
        }

    @classmethod
    def depuis_json(cls, donnees: dict[str, Any]) -> EtatFluxDossier:
        etat = cls()
        for i, (t, j, a) in donnees["evenements"].items():
            etat.evenements[i] = (TypeEvenement(t), date.fromisoformat(j), bool(a))
        for p, (a, s, en, so) in donnees["fenetres"].items():
            etat.fenetres[UUID(p)] = Fenetre(
                UUID(a),
                StatutPpae(s),
                date.fromisoformat(en) if en else None,
                date.fromisoformat(so) if so else None,
            )
        etat.emis = {p: set(e) for p, e in donnees["emis"].items()}
        return etat


def decision(evenement: Any) -> Flux | None:
    """R2: the manager's decision on an affectation, sent to the DUDE."""
    if isinstance(evenement, Affectation.Acceptee):
        details: tuple[tuple[str, Any], ...] = (("decision", "ACCEPTEE"),)
    elif isinstance(evenement, Affectation.Refusee):
        details = (("decision", "REFUSEE"), ("motif", evenement.motif.value))
    else:
        return None
    affectation_id: UUID = evenement.originator_id
    return Flux(
        cle(affectation_id, "decision", TypeFlux.DECISION_AFFECTATION),
        TypeFlux.DECISION_AFFECTATION,
        jour_de(evenement.timestamp),
        affectation_id,
        details=details,
    )


ENUMS: tuple[type[Enum], ...] = (TypeFlux, StatutFlux)

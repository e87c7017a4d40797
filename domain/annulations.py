"""R11, R13, R14: an exit dated before events that already flowed takes them out of the PPAE's
window, and the DUDE then gets a cancellation of each. The exit's decision names them, so that
the counselor knows before (a dry run) and after what the DUDE will be told."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from domain.dossier import EvenementDossier
from domain.flux import Fenetre
from domain.ppae import PPAE
from domain.valeurs import Avertissement, StatutPpae, TypeEvenement

CODE = "FLUX_DUDE_ANNULES"
"""Stable: clients may key on it."""

LIBELLES: dict[TypeEvenement, str] = {
    TypeEvenement.ENTRETIEN_INDIVIDUEL: "entretien individuel",
    TypeEvenement.INFORMATION_COLLECTIVE: "information collective",
    TypeEvenement.ATELIER: "atelier",
    TypeEvenement.PROPOSITION_EMPLOI: "proposition d'emploi",
    TypeEvenement.PROPOSITION_PROJET_PROFESSIONNEL: "proposition de projet professionnel",
    TypeEvenement.PROPOSITION_FORMATION: "proposition de formation",
}


def retires_par_la_sortie(
    ppae: PPAE, evenements: Iterable[EvenementDossier], date_sortie: date
) -> list[EvenementDossier]:
    """The dossier's events that flowed under this PPAE en cours (every live event dated in its
    window did, R13-R14) and that an exit on ``date_sortie`` leaves outside it, by date."""
    if ppae.affectation_id is None or ppae.statut is not StatutPpae.EN_COURS:
        return []  # a PPAE without an affectation tells the DUDE nothing
    fenetre = Fenetre(ppae.affectation_id, ppae.statut, ppae.date_entree)
    retires = [
        e for e in evenements if not e.annule and fenetre.contient(e.date) and e.date > date_sortie
    ]
    return sorted(retires, key=lambda e: (e.date, e.id))


def avertissements(retires: list[EvenementDossier], date_sortie: date) -> list[Avertissement]:
    """One warning naming each event (type and date) whose flow the exit cancels."""
    if not retires:
        return []
    noms = ", ".join(f"{LIBELLES[e.type]} du {e.date.isoformat()}" for e in retires)
    return [
        Avertissement(
            CODE,
            f"La date de sortie ({date_sortie.isoformat()}) précède {len(retires)} événement(s) "
            f"déjà transmis au DUDE, dont la transmission sera annulée : {noms}.",
        )
    ]

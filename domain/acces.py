"""Who may do what (R23), and tenancy: each rule written once.

A user acts only within their ML: another ML's object is indistinguishable from a missing one."""

from __future__ import annotations

from enum import Enum

from domain.erreurs import NonAutorise
from domain.valeurs import Acteur, Role


class Capacite(Enum):
    GERER = "GERER"
    """Decide and resolve affectations, assign counselors, stop early, correct duplicates."""
    SUIVRE = "SUIVRE"
    """Create dossiers, record events, justify, appointments, acceptance, exits."""
    LIRE = "LIRE"
    """Read dossiers, PPAE and affectations of the ML."""
    AUDITER = "AUDITER"
    """Read a dossier's history and its state as recorded at an instant (R21)."""
    REFERENTIEL = "REFERENTIEL"
    """Load reference data and affectations received from the DUDE."""


ROLES: dict[Capacite, frozenset[Role]] = {
    Capacite.GERER: frozenset({Role.GESTIONNAIRE, Role.ADMIN, Role.SYSTEME}),
    Capacite.SUIVRE: frozenset({Role.GESTIONNAIRE, Role.CONSEILLER, Role.ADMIN, Role.SYSTEME}),
    Capacite.LIRE: frozenset({Role.GESTIONNAIRE, Role.CONSEILLER, Role.AUDITEUR, Role.ADMIN}),
    Capacite.AUDITER: frozenset({Role.AUDITEUR, Role.ADMIN}),
    Capacite.REFERENTIEL: frozenset({Role.ADMIN, Role.SYSTEME}),
}


def autorise(acteur: Acteur, capacite: Capacite) -> bool:
    return acteur.role in ROLES[capacite]


def exiger(acteur: Acteur, capacite: Capacite) -> None:
    if not autorise(acteur, capacite):
        raise NonAutorise(f"Le rôle {acteur.role.value} ne permet pas cette action.")


class DeMissionLocale:
    """An object that belongs to one ML (dossier, PPAE, affectation)."""

    code_ml: str


def visible(acteur: Acteur, objet: object) -> bool:
    """R23: the actor sees an object of their own ML only."""
    return isinstance(objet, DeMissionLocale) and objet.code_ml == acteur.code_ml

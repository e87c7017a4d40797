"""Configurable thresholds of the business rules."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Regles:
    age_refus: int = 26
    """R2: age at the assignment date from which refusal AGE is suggested."""
    convocations_manquees_min: int = 2
    """R10: missed convocations needed for an early stop ABSENCES_REPETEES."""
    anciennete_affectation_jours: int = 90
    """R17: from this age an assignment is 'ancienne'."""
    age_min_plausible: int = 10
    age_max_plausible: int = 100
    """A birth date giving another age is a typing error, whoever enters it (R24)."""


def age_au(date_naissance: date, jour: date) -> int:
    """Age in whole years on ``jour`` (a youth born on 29 February ages on 1 March)."""
    anniversaire_passe = (jour.month, jour.day) >= (date_naissance.month, date_naissance.day)
    return jour.year - date_naissance.year - (0 if anniversaire_passe else 1)

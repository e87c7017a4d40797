"""The contract's Date and DateTime, read strictly and refused in French (R24): a civil date is
``AAAA-MM-JJ`` and exists; an instant is ISO 8601 with its offset. The same bad value gets the
same answer written in the document or sent as a variable (see ``erreurs.valeur_invalide``)."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

import strawberry

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_INSTANT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$")


class ValeurInvalide(ValueError):
    """A scalar's value the API cannot read; ``attendu`` says what it takes, in French."""

    def __init__(self, valeur: Any, attendu: str) -> None:
        super().__init__(attendu)
        self.valeur = valeur
        self.attendu = attendu


def lire_date(valeur: Any) -> date:
    attendu = "une date AAAA-MM-JJ qui existe"
    if not isinstance(valeur, str) or not _DATE.match(valeur):
        raise ValeurInvalide(valeur, attendu)
    try:
        return date.fromisoformat(valeur)
    except ValueError:
        raise ValeurInvalide(valeur, attendu) from None


def lire_instant(valeur: Any) -> datetime:
    attendu = "un instant ISO 8601 avec son décalage horaire (2026-11-20T09:30:00+01:00)"
    if not isinstance(valeur, str) or not _INSTANT.match(valeur):
        raise ValeurInvalide(valeur, attendu)
    try:
        return datetime.fromisoformat(valeur.replace("Z", "+00:00"))
    except ValueError:
        raise ValeurInvalide(valeur, attendu) from None


Date = strawberry.scalar(
    name="Date",
    description="A civil date, AAAA-MM-JJ (no time, no time zone).",
    serialize=lambda d: d.isoformat(),
    parse_value=lire_date,
)
DateTime = strawberry.scalar(
    name="DateTime",
    description="An instant, ISO 8601 with its offset.",
    serialize=lambda d: d.isoformat(),
    parse_value=lire_instant,
)
SCALAIRES: dict[object, Any] = {date: Date, datetime: DateTime}

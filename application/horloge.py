"""The civil date 'today' for the rules that forbid the future (R9, R11)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Protocol
from zoneinfo import ZoneInfo

FUSEAU = ZoneInfo("Europe/Paris")


class Horloge(Protocol):
    def aujourdhui(self) -> date: ...


class HorlogeSysteme:
    def aujourdhui(self) -> date:
        return datetime.now(FUSEAU).date()


class HorlogeFixe:
    """A settable clock, for tests and for demo data."""

    def __init__(self, jour: date) -> None:
        self.jour = jour

    def aujourdhui(self) -> date:
        return self.jour

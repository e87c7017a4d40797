"""When the DUDE speaks for itself as a whole (DESIGN §4): a ``429`` (or a ``503`` that says
when to come back) asks the client to wait, a ``401``/``403`` says its credentials are refused.
Either way the sender stops claiming flows (they wait, none is rejected for it); when the wait
is over, one flow goes first, and its answer says whether to resume or wait again (for refused
credentials, twice as long each time, up to a ceiling)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

journal = logging.getLogger("cotraitance.dude")


@dataclass(frozen=True)
class Pause:
    """What one answer asks of the whole sender."""

    attente: float
    raison: str
    identifiants: bool = False


@dataclass(frozen=True)
class Suspension:
    raison: str
    identifiants: bool
    attente: float
    debut: float
    """``time.monotonic()`` when it began."""
    reprise: float
    """``time.monotonic()`` when one flow may try again."""
    depuis: datetime
    reprise_le: datetime


class Regulateur:
    """How many flows the sender may claim now, from the answers it got."""

    def __init__(self, lot: int, attente_max: float) -> None:
        self.lot = lot
        self.attente_max = attente_max
        self.suspension: Suspension | None = None

    def places(self, en_vol: int, maintenant: float) -> int:
        s = self.suspension
        if s is None:
            return self.lot - en_vol
        if maintenant < s.reprise or en_vol:
            return 0
        return 1  # the one that tries: its answer says whether the DUDE takes flows again

    def noter(self, debut: float, repondu: bool, pause: Pause | None, maintenant: float) -> None:
        """One attempt's outcome: ``debut`` when it was sent, ``repondu`` whether the DUDE
        answered at all, ``pause`` what the answer asks of the whole sender."""
        s = self.suspension
        if s is None:
            if pause is not None:
                self._suspendre(pause, pause.attente, maintenant)
            return
        if debut < s.reprise:
            return  # in flight when the wait began: it says nothing new
        if pause is not None:
            attente = pause.attente
            if pause.identifiants and s.identifiants:
                attente = max(attente, min(self.attente_max, s.attente * 2))
            self._suspendre(pause, attente, maintenant)
        elif repondu:
            self.suspension = None
            journal.warning("le DUDE répond de nouveau : envoi repris (avant : %s)", s.raison)
        else:  # no answer at all: the wait is neither over nor longer
            self.suspension = replace(
                s, reprise=maintenant + s.attente, reprise_le=_horloge(s.attente)
            )

    def _suspendre(self, pause: Pause, attente: float, maintenant: float) -> None:
        precedente = self.suspension
        self.suspension = Suspension(
            raison=pause.raison,
            identifiants=pause.identifiants,
            attente=attente,
            debut=precedente.debut if precedente else maintenant,
            reprise=maintenant + attente,
            depuis=precedente.depuis if precedente else datetime.now(UTC),
            reprise_le=_horloge(attente),
        )
        journal.warning(
            "le DUDE %s (%s) : envoi suspendu, les flux attendent ; un essai dans %.0f s",
            "refuse les identifiants" if pause.identifiants else "demande d'attendre",
            pause.raison,
            attente,
        )


def _horloge(secondes: float) -> datetime:
    return (datetime.now(UTC) + timedelta(seconds=secondes)).replace(microsecond=0)

"""What the runner needs of a processor, whatever it does with the events."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from application.traitement.stockage import Curseur


class Processeur(Protocol):
    @property
    def nom(self) -> str:
        """Persisted (its tracking row): frozen once data exists."""
        ...

    @property
    def version(self) -> int:
        """Bump it when its tables or what it makes of events change: it is rebuilt from zero."""
        ...

    @property
    def sujets(self) -> tuple[str, ...]:
        """The topics it consumes."""
        ...

    @property
    def tables(self) -> tuple[str, ...]:
        """The tables it derives from the log (dropped and built again by a rebuild); a table
        it writes that holds more than the log (a delivery state) is not one of them."""
        ...

    def creer(self, cur: Curseur) -> None:
        """Creates its tables if they are missing."""

    def supprimer(self, cur: Curseur) -> None:
        """Drops its tables (before a rebuild)."""

    def traiter(self, cur: Curseur, evenements: Sequence[Any]) -> None:
        """Takes a batch of events (of its topics, in log order) inside the transaction that
        also records its new position. It may read what it wrote before (earlier history);
        an exception rolls the batch back and stops this processor only."""

"""What the web process needs of the running service (built by the composition root)."""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any, Protocol

from application.cache import CacheAgregats
from application.service import Cotraitance
from application.traitement.stockage import Curseur


@dataclass(frozen=True)
class EtatSante:
    positions: dict[str, tuple[int, int]]
    """Each processor's position and lag."""
    echecs: dict[str, str]
    """Processors stopped by an event they could not take, with the kind of failure."""
    panne: str | None
    """What stops the log from being read at all."""
    ecriture: str | None = None
    """The last write probe: "ok", the kind of failure, or None before the first one."""
    envoi_dude: dict[str, Any] | None = None
    """The DUDE sender as this process knows it (informative: a DUDE outage does not make the
    service unhealthy, its flows wait)."""

    @property
    def ok(self) -> bool:
        return not self.echecs and self.panne is None and self.ecriture in (None, "ok")


class ServiceApi(Protocol):
    app: Cotraitance
    cache: CacheAgregats

    @property
    def cache_actif(self) -> bool: ...

    def lecture(self) -> AbstractContextManager[Curseur]:
        """A read of the read models."""
        ...

    def ecriture(self) -> AbstractContextManager[Curseur]:
        """A write transaction on the read models' database (the flows' delivery state)."""
        ...

    def attendre_lectures(self) -> None:
        """Read-your-writes: waits until the read models have taken what was recorded."""

    def sante(self) -> EtatSante: ...

    def demarrer(self) -> None:
        """Starts the background workers (at the web process's start-up)."""

    def arreter(self) -> None: ...

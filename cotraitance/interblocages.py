"""Deux commandes sur la même base PostgreSQL (deux ``import affectations`` à la fois) : l'une
peut être choisie par PostgreSQL pour défaire un interblocage (*deadlock*) ; sa transaction
est alors annulée tout entière, et la refaire est sûr (chaque étape de ces commandes est
idempotente : R1, la reprise des dossiers, les positions des modèles de lecture). Elle est
refaite, après une courte attente au hasard ; un interblocage qui dure est dit pour ce qu'il
est, jamais comme une base qui aurait cessé de répondre."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import TypeVar

ESSAIS = 6
ATTENTE_S = 0.05
"""First pause; each further try waits longer (with jitter, so that the two do not meet again)."""
SQLSTATES = {"40P01", "40001"}
"""deadlock_detected, serialization_failure: PostgreSQL undid the transaction, which may be
run again as it was."""
T = TypeVar("T")


class Interblocage(Exception):
    """A deadlock still there after every try; the message is what the user is told."""


def est_interblocage(exc: BaseException) -> bool:
    """The error, or one it was raised from (the event store wraps the driver's errors)."""
    vues: set[int] = set()
    courante: BaseException | None = exc
    while courante is not None and id(courante) not in vues:
        if getattr(courante, "sqlstate", None) in SQLSTATES:
            return True
        vues.add(id(courante))
        courante = courante.__cause__ or courante.__context__
    return False


def message(essais: int = ESSAIS) -> str:
    return (
        "interblocage avec une autre commande qui écrit sur la même base (deadlock), toujours "
        f"là après {essais} essai(s) : ce qui a été enregistré avant l'est ; relancez la "
        "commande (ce qui est déjà là n'est pas enregistré deux fois)"
    )


def reessayer(
    operation: Callable[[], T],
    essais: int = ESSAIS,
    attente_s: float = ATTENTE_S,
    aussi: tuple[type[Exception], ...] = (),
) -> T:
    """``operation`` again after a deadlock (``Interblocage`` once the tries are spent), or
    after one of ``aussi`` (the last one raised as it is)."""
    for essai in range(1, essais + 1):
        try:
            return operation()
        except Exception as exc:
            interblocage = est_interblocage(exc)
            if not interblocage and not isinstance(exc, aussi):
                raise
            if essai == essais:
                if interblocage:
                    raise Interblocage(message(essais)) from exc
                raise
        time.sleep(attente_s * essai * random.uniform(0.5, 1.5))  # noqa: S311 (jitter)
    raise AssertionError("unreachable")  # pragma: no cover

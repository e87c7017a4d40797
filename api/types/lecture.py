"""R23: reads of personal data (identity, PE identifier, comments, cancellation reasons, history)
are logged: who, when, which dossiers and affectations, never the values. Every such field is
declared with ``personnel()``; ``tests/test_api_lectures_personnelles.py`` walks the schema and
fails on a path to one that does not log."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, Protocol
from uuid import UUID

import strawberry
from strawberry.extensions.field_extension import FieldExtension
from strawberry.types import Info


class Rattache(Protocol):
    def sujets_lus(self) -> tuple[UUID | None, UUID | None]:
        """The dossier and the affectation whose personal data this object shows."""
        ...


class LecturePersonnelle(FieldExtension):
    """Notes the read in the request's context; one access-log line per operation follows."""

    def resolve(
        self, next_: Callable[..., Any], source: Any, info: Info[Any, Any], **kwargs: Any
    ) -> Any:
        valeur = next_(source, info, **kwargs)
        _noter(source, info)  # once read: a refused read is not logged as one
        return valeur

    async def resolve_async(
        self,
        next_: Callable[..., Awaitable[Any]],
        source: Any,
        info: Info[Any, Any],
        **kwargs: Any,
    ) -> Any:
        valeur = await next_(source, info, **kwargs)
        _noter(source, info)
        return valeur


@dataclass
class Lectures:
    """What one operation read (each operation of a batch has its own)."""

    dossiers: set[UUID] = field(default_factory=set)
    affectations: set[UUID] = field(default_factory=set)


_EN_COURS: ContextVar[Lectures | None] = ContextVar("lectures_personnelles", default=None)


@contextmanager
def lectures_de_l_operation() -> Iterator[Lectures]:
    """Opened around each operation by the access log's schema extension."""
    lectures = Lectures()
    jeton = _EN_COURS.set(lectures)
    try:
        yield lectures
    finally:
        _EN_COURS.reset(jeton)


def _noter(source: Rattache, info: Info[Any, Any]) -> None:
    lectures = _EN_COURS.get()
    if lectures is None:
        raise RuntimeError("a personal field was read outside an operation: it cannot be logged")
    dossier_id, affectation_id = source.sujets_lus()
    if dossier_id is not None:
        lectures.dossiers.add(dossier_id)
    if affectation_id is not None:
        lectures.affectations.add(affectation_id)


def personnel(description: str | None = None) -> Any:
    """A field whose value is personal data: its reads are logged (R23)."""
    return strawberry.field(description=description, extensions=[LecturePersonnelle()])

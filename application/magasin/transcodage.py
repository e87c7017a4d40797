"""Registered transcodings: civil dates, enums and value objects (DESIGN §3, library facts).

Their names are stored with the values: never rename them."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date
from enum import Enum
from typing import Any

from eventsourcing.persistence import JSONTranscoder, Transcoding

from domain.affectation import CandidatPropose, DonneesAffectation
from domain.dossier import EvenementDossier
from domain.ppae import RendezVous
from domain.valeurs import ENUM_TYPES, VALUE_TYPES, Identite

_AUTORISE: ContextVar[bool] = ContextVar("encodage_autorise", default=False)


class DonneesPersonnellesEnClair(RuntimeError):
    """An identity was about to be stored by a mapper that does not protect personal data."""


@contextmanager
def encodage_autorise() -> Iterator[None]:
    """Opened by the personal-data mapper only (chiffrement.py) around what it encodes."""
    jeton = _AUTORISE.set(True)
    try:
        yield
    finally:
        _AUTORISE.reset(jeton)


class DateAsISO(Transcoding):
    """A civil date, never a datetime: no time zone arithmetic (R7)."""

    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


class EnumAsValue(Transcoding):
    def __init__(self, enum_type: type[Enum]) -> None:
        self.type = enum_type
        self.name = enum_type.__name__

    def encode(self, obj: Enum) -> Any:
        return obj.value

    def decode(self, data: Any) -> Enum:
        valeur: Enum = self.type(data)
        return valeur


class DataclassAsDict(Transcoding):
    """A frozen value object as its fields; nested values are transcoded in turn.

    Decoding restores the stored fields as they are, without the checks a value object makes
    when it is built from input: a rule made stricter later must not make history unreadable.
    A field added since takes its default."""

    def __init__(self, value_type: type, name: str | None = None) -> None:
        self.type = value_type
        self.name = name or value_type.__name__
        self._champs = {f.name: f for f in dataclasses.fields(value_type)}

    def encode(self, obj: Any) -> dict[str, Any]:
        return {nom: getattr(obj, nom) for nom in self._champs}

    def decode(self, data: dict[str, Any]) -> Any:
        valeur: Any = object.__new__(self.type)
        valeur.__dict__.update(data)  # a frozen dataclass's fields, set without its checks
        if len(data) != len(self._champs):
            for nom in self._champs:
                if nom not in data:
                    valeur.__dict__[nom] = self._defaut(nom)
        return valeur

    def _defaut(self, nom: str) -> Any:
        champ = self._champs[nom]
        if champ.default is not dataclasses.MISSING:
            return champ.default
        if champ.default_factory is not dataclasses.MISSING:
            return champ.default_factory()
        raise ValueError(f"{self.name}: stored value has no field {nom}")


class IdentiteProtegee(DataclassAsDict):
    """An identity is personal data: only the personal-data mapper may encode one."""

    def __init__(self) -> None:
        super().__init__(Identite)

    def encode(self, obj: Any) -> dict[str, Any]:
        if not _AUTORISE.get():
            raise DonneesPersonnellesEnClair(
                "an identity can only be stored through the personal-data mapper"
            )
        return super().encode(obj)


@dataclasses.dataclass(frozen=True)
class ResultatV0:
    """How idempotency keys recorded a command's result before results became small versioned
    records: a stored shape, read back only (transcoding name ``Resultat``)."""

    dossier_id: Any = None
    ppae_id: Any = None
    affectation_id: Any = None
    evenement_id: str | None = None
    rendez_vous_id: str | None = None
    avertissements: list[Any] = dataclasses.field(default_factory=list)
    issue: str | None = None


def en_json(valeur: Any) -> Any:
    """``json.dumps(default=...)`` for what events hold: enums, value objects, dates."""
    if isinstance(valeur, Enum):
        return valeur.value
    if dataclasses.is_dataclass(valeur) and not isinstance(valeur, type):
        return {f.name: getattr(valeur, f.name) for f in dataclasses.fields(valeur)}
    if isinstance(valeur, date):
        return valeur.isoformat()
    return str(valeur)


def enregistrer_transcodages(transcoder: JSONTranscoder) -> None:
    transcoder.register(DateAsISO())
    for enum_type in ENUM_TYPES:
        transcoder.register(EnumAsValue(enum_type))
    autres = (EvenementDossier, RendezVous, DonneesAffectation, CandidatPropose)
    for value_type in (*VALUE_TYPES, *autres):
        if value_type is not Identite:
            transcoder.register(DataclassAsDict(value_type))
    transcoder.register(IdentiteProtegee())
    transcoder.register(DataclassAsDict(ResultatV0, "Resultat"))

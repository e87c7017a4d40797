"""Registered transcodings: civil dates, enums and value objects (DESIGN §3, library facts)."""

from __future__ import annotations

import dataclasses
from datetime import date
from enum import Enum
from typing import Any

from eventsourcing.persistence import JSONTranscoder, Transcoding

from domain.affectation import DonneesAffectation
from domain.dossier import EvenementDossier
from domain.ppae import RendezVous
from domain.valeurs import ENUM_TYPES, VALUE_TYPES


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
    """A frozen value object as its fields; nested values are transcoded in turn."""

    def __init__(self, value_type: type) -> None:
        self.type = value_type
        self.name = value_type.__name__

    def encode(self, obj: Any) -> dict[str, Any]:
        return {f.name: getattr(obj, f.name) for f in dataclasses.fields(obj)}

    def decode(self, data: dict[str, Any]) -> Any:
        return self.type(**data)


def en_json(valeur: Any) -> Any:
    """``json.dumps(default=...)`` for what events hold: enums, value objects, dates."""
    if isinstance(valeur, Enum):
        return valeur.value
    if dataclasses.is_dataclass(valeur) and not isinstance(valeur, type):
        return {f.name: getattr(valeur, f.name) for f in dataclasses.fields(valeur)}
    if isinstance(valeur, date):
        return valeur.isoformat()
    return str(valeur)


def enregistrer_transcodages(transcoder: JSONTranscoder, *autres: type) -> None:
    transcoder.register(DateAsISO())
    for enum_type in ENUM_TYPES:
        transcoder.register(EnumAsValue(enum_type))
    for value_type in (*VALUE_TYPES, EvenementDossier, RendezVous, DonneesAffectation, *autres):
        transcoder.register(DataclassAsDict(value_type))

"""Idempotency keys as index aggregates: saved with the command's own events, atomically."""

from __future__ import annotations

from typing import Any
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain.mission_locale import NAMESPACE


class CleIdempotence(Aggregate):
    @staticmethod
    def create_id(portee: str, commande: str, cle: str) -> UUID:
        return uuid5(NAMESPACE, f"idempotence:{portee}:{commande}:{cle}")

    class Enregistree(Aggregate.Created):
        portee: str
        commande: str
        cle: str
        empreinte: str
        resultat: Any

    @event(Enregistree)
    def __init__(
        self, portee: str, commande: str, cle: str, empreinte: str, resultat: dict[str, Any]
    ) -> None:
        self.portee = portee
        self.commande = commande
        self.cle = cle
        self.empreinte = empreinte
        self.resultat = resultat

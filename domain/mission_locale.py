"""A Mission Locale's reference data: its catchment area and its counselors (DESIGN §4)."""

from __future__ import annotations

from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain.valeurs import Conseiller

NAMESPACE = UUID("6f1d5c1e-8a43-4c59-9f3e-0f6b1c2d3e4f")


class MissionLocale(Aggregate):
    @staticmethod
    def create_id(code: str) -> UUID:
        return uuid5(NAMESPACE, f"mission-locale:{code}")

    class Creee(Aggregate.Created):
        code: str
        nom: str
        communes: list[str]
        conseillers: list[Conseiller]

    @event(Creee)
    def __init__(
        self, code: str, nom: str, communes: list[str], conseillers: list[Conseiller]
    ) -> None:
        self.code = code
        self.nom = nom
        self.communes = sorted(set(communes))
        self.conseillers = list(conseillers)

    def mettre_a_jour(self, nom: str, communes: list[str], conseillers: list[Conseiller]) -> bool:
        """Records only what changed; returns whether anything did."""
        avant = self.version
        if nom != self.nom:
            self._renommer(nom)
        if sorted(set(communes)) != self.communes:
            self._modifier_zone(sorted(set(communes)))
        if _par_id(conseillers) != _par_id(self.conseillers):
            self._modifier_conseillers(list(conseillers))
        return self.version != avant

    def couvre(self, commune_insee: str) -> bool:
        return commune_insee in self.communes

    def conseiller(self, conseiller_id: str) -> Conseiller | None:
        return next((c for c in self.conseillers if c.id == conseiller_id), None)

    class Renommee(Aggregate.Event):
        nom: str

    @event(Renommee)
    def _renommer(self, nom: str) -> None:
        self.nom = nom

    class ZoneModifiee(Aggregate.Event):
        communes: list[str]

    @event(ZoneModifiee)
    def _modifier_zone(self, communes: list[str]) -> None:
        self.communes = communes

    class ConseillersModifies(Aggregate.Event):
        conseillers: list[Conseiller]

    @event(ConseillersModifies)
    def _modifier_conseillers(self, conseillers: list[Conseiller]) -> None:
        self.conseillers = conseillers


def _par_id(conseillers: list[Conseiller]) -> list[Conseiller]:
    return sorted(conseillers, key=lambda c: c.id)

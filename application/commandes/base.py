"""Commands are values: a frozen dataclass whose whole content is its idempotency fingerprint,
with a named decision (``decider``) that reads and changes aggregates in a ``Monde``. The
application saves what the decision changed, atomically; a dry run decides without saving; a
saga composes decisions in one ``Monde``, each seeing the changes of the previous ones."""

from __future__ import annotations

import hashlib
import json
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import date
from typing import ClassVar, TypeVar
from uuid import UUID

from eventsourcing.domain import Aggregate

from application.contexte import Resultat
from application.magasin.transcodage import en_json
from application.ports import Ports
from domain.acces import Capacite, visible
from domain.affectation import Affectation
from domain.dossier import Dossier
from domain.erreurs import ConflitVersion, NonTrouve
from domain.mission_locale import MissionLocale
from domain.ppae import PPAE
from domain.regles import Regles
from domain.valeurs import Acteur

A = TypeVar("A", bound=Aggregate)
VERSION_EMPREINTE = "v2"

LIBELLES: dict[type, str] = {Dossier: "Dossier", PPAE: "PPAE", Affectation: "Affectation"}
CHAMPS: dict[type, str] = {Dossier: "dossierId", PPAE: "ppaeId", Affectation: "affectationId"}
"""The input field that names an aggregate of that type, for NON_TROUVE (R24)."""


class Monde:
    """What a decision reads and changes: the actor's aggregates (tenancy, R23), today, the
    rules and the ports. Each aggregate is loaded once, so that decisions composed in one
    ``Monde`` see each other's changes; what has pending events is what gets saved."""

    def __init__(
        self,
        acteur: Acteur,
        lire: Callable[[UUID], Aggregate | None],
        aujourdhui: date,
        regles: Regles,
        ports: Ports,
        effacer: Callable[[UUID], None],
    ) -> None:
        self.acteur = acteur
        self.aujourdhui = aujourdhui
        self.regles = regles
        self.ports = ports
        self._lire = lire
        self._effacer = effacer
        self._agregats: dict[UUID, Aggregate] = {}
        self.effets: list[Callable[[], None]] = []
        """Run once the decision is saved (never in a dry run)."""

    def optionnel(self, type_agregat: type[A], agregat_id: UUID) -> A | None:
        """Any aggregate of that type, whatever its ML (index and reference aggregates)."""
        agregat = self._agregats.get(agregat_id)
        if agregat is None:
            agregat = self._lire(agregat_id)
            if agregat is not None:
                self._agregats[agregat_id] = agregat
        return agregat if isinstance(agregat, type_agregat) else None

    def charger(
        self,
        type_agregat: type[A],
        agregat_id: UUID,
        version_attendue: int | None = None,
        champ: str | None = None,
    ) -> A:
        """An aggregate of the actor's ML; another ML's is indistinguishable from a missing one."""
        agregat = self.optionnel(type_agregat, agregat_id)
        if agregat is None or not visible(self.acteur, agregat):
            libelle = LIBELLES.get(type_agregat, type_agregat.__name__)
            raise NonTrouve(f"{libelle} introuvable.", champ or CHAMPS.get(type_agregat))
        if version_attendue is not None and agregat.version != version_attendue:
            raise ConflitVersion(
                f"{LIBELLES.get(type_agregat, '')} modifié entre-temps (version "
                f"{agregat.version}, attendue {version_attendue}) : rechargez-le puis réessayez."
            )
        return agregat

    def ajouter(self, agregat: A) -> A:
        """A new aggregate, saved with the rest of the decision."""
        self._agregats[agregat.id] = agregat
        return agregat

    def mission_locale(self) -> MissionLocale | None:
        return self.optionnel(MissionLocale, MissionLocale.create_id(self.acteur.code_ml))

    def modifies(self) -> list[Aggregate]:
        """The aggregates the decision changed, in the order they were first touched."""
        return [a for a in self._agregats.values() if a.pending_events]

    def effacer(self, dossier_id: UUID) -> None:
        """R20: once the deletion is saved, the dossier's personal data is erased."""
        self.effets.append(lambda: self._effacer(dossier_id))

    def evaluer_entree(self, dossier: Dossier) -> None:
        """R8: after a change of the dossier, its open PPAE may now start."""
        if dossier.ppae_ouvert is not None:
            ppae = self.charger(PPAE, dossier.ppae_ouvert)
            ppae.evaluer_entree(dossier.justifie, dossier.entretiens())


@dataclass(frozen=True)
class Commande(ABC):
    nom_commande: ClassVar[str]
    """Persisted (idempotency keys are scoped by it): frozen."""
    capacite: ClassVar[Capacite]
    version: ClassVar[int] = 1
    """Of the content: bump it when a field changes meaning."""

    @abstractmethod
    def decider(self, monde: Monde) -> Resultat:
        """Checks and changes aggregates in ``monde``; raises a business refusal otherwise."""

    def empreinte(self) -> str:
        """The whole content, hashed: the same key with any other content is refused."""
        contenu = {f.name: getattr(self, f.name) for f in fields(self)}
        texte = json.dumps(
            {"commande": self.nom_commande, "version": self.version, "contenu": contenu},
            default=en_json,
            sort_keys=True,
        )
        return f"{VERSION_EMPREINTE}:{hashlib.sha256(texte.encode()).hexdigest()}"

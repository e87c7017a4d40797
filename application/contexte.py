"""What every command carries besides its input: the actor, a correlation id, an idempotency key."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from uuid import UUID, uuid4

from domain.erreurs import NonAutorise
from domain.valeurs import Acteur, Avertissement, Role

ROLES_GESTION = frozenset({Role.GESTIONNAIRE, Role.ADMIN, Role.SYSTEME})
ROLES_SUIVI = frozenset({Role.GESTIONNAIRE, Role.CONSEILLER, Role.ADMIN, Role.SYSTEME})
ROLES_AUDIT = frozenset({Role.AUDITEUR, Role.ADMIN})
ROLES_REFERENTIEL = frozenset({Role.ADMIN, Role.SYSTEME})


@dataclass(frozen=True)
class Contexte:
    acteur: Acteur
    correlation_id: str = field(default_factory=lambda: uuid4().hex)
    cle_idempotence: str | None = None

    def exiger(self, roles: frozenset[Role]) -> None:
        if self.acteur.role not in roles:
            raise NonAutorise(f"Le rôle {self.acteur.role.value} ne permet pas cette action.")

    def metadonnees(self) -> dict[str, Any]:
        meta: dict[str, Any] = {
            "acteur": self.acteur.sub,
            "role": self.acteur.role.value,
            "ml": self.acteur.code_ml,
            "correlation": self.correlation_id,
        }
        if self.cle_idempotence:
            meta["cle"] = self.cle_idempotence
        return meta


@dataclass(frozen=True)
class Resultat:
    """What a command returns: ids and warnings, replayed as is for a repeated idempotency key."""

    dossier_id: UUID | None = None
    ppae_id: UUID | None = None
    affectation_id: UUID | None = None
    evenement_id: str | None = None
    rendez_vous_id: str | None = None
    avertissements: list[Avertissement] = field(default_factory=list)
    issue: str | None = None
    """For intake and reference data: 'creee', 'modifiee', 'inchangee', 'conflit'…"""


def systeme(code_ml: str, sub: str = "systeme") -> Contexte:
    return Contexte(Acteur(sub=sub, role=Role.SYSTEME, code_ml=code_ml))

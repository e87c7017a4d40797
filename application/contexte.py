"""What every command carries besides its input (the actor, a correlation id, an idempotency
key), and what it returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from uuid import UUID, uuid4

from domain.valeurs import Acteur, Avertissement, Role

VERSION_ENREGISTREMENT = 1


@dataclass(frozen=True)
class Contexte:
    acteur: Acteur
    correlation_id: str = field(default_factory=lambda: uuid4().hex)
    cle_idempotence: str | None = None

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
    """What a command returns: ids and warnings, replayed for a repeated idempotency key."""

    dossier_id: UUID | None = None
    ppae_id: UUID | None = None
    affectation_id: UUID | None = None
    evenement_id: str | None = None
    rendez_vous_id: str | None = None
    avertissements: list[Avertissement] = field(default_factory=list)
    issue: str | None = None
    """For intake and reference data: 'creee', 'modifiee', 'inchangee', 'conflit'…"""
    nombre: int | None = None
    """How many items a command over many went through (R5's re-examination); not kept by
    an idempotency key."""

    def enregistrement(self) -> dict[str, Any]:
        """What an idempotency key keeps of this result: a small versioned record of ids and
        warnings, decoupled from this class (which may grow)."""
        ids = {
            "dossier": self.dossier_id,
            "ppae": self.ppae_id,
            "affectation": self.affectation_id,
            "evenement": self.evenement_id,
            "rendezVous": self.rendez_vous_id,
        }
        return {
            "version": VERSION_ENREGISTREMENT,
            "ids": {k: str(v) for k, v in ids.items() if v is not None},
            "avertissements": [[a.code, a.message] for a in self.avertissements],
        }

    @classmethod
    def rejoue(cls, enregistre: Any) -> Resultat:
        """The result as an idempotency key recorded it (this version's record, or the whole
        result that keys recorded before records were versioned)."""
        if isinstance(enregistre, dict) and enregistre.get("version") == VERSION_ENREGISTREMENT:
            ids: dict[str, str] = enregistre["ids"]
            return cls(
                dossier_id=_uuid(ids.get("dossier")),
                ppae_id=_uuid(ids.get("ppae")),
                affectation_id=_uuid(ids.get("affectation")),
                evenement_id=ids.get("evenement"),
                rendez_vous_id=ids.get("rendezVous"),
                avertissements=[Avertissement(c, m) for c, m in enregistre["avertissements"]],
            )
        return cls(
            dossier_id=enregistre.dossier_id,
            ppae_id=enregistre.ppae_id,
            affectation_id=enregistre.affectation_id,
            evenement_id=enregistre.evenement_id,
            rendez_vous_id=enregistre.rendez_vous_id,
            avertissements=list(enregistre.avertissements),
            issue=enregistre.issue,
        )


def _uuid(valeur: str | None) -> UUID | None:
    return UUID(valeur) if valeur else None


def systeme(code_ml: str, sub: str = "systeme") -> Contexte:
    return Contexte(Acteur(sub=sub, role=Role.SYSTEME, code_ml=code_ml))

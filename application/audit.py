"""R21: a dossier's full history as recorded, and its state as recorded at any instant."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID

from application.base import A, ApplicationBase
from application.contexte import Contexte
from application.magasin.adaptateur import CLE_META, MagasinEvenements
from domain.acces import Capacite, exiger
from domain.dossier import Dossier
from domain.erreurs import NonTrouve
from domain.ppae import PPAE

CHAMPS_DATE_EFFET = ("date_entree", "date_sortie", "date_evenement", "jour", "date_affectation")
CHAMPS_TECHNIQUES = {
    "originator_id",
    "originator_version",
    "timestamp",
    "originator_topic",
    CLE_META,
}


@dataclass(frozen=True)
class Fait:
    """One recorded fact: when it was recorded, when it takes effect, who recorded it."""

    position: int
    agregat_id: UUID
    version: int
    type: str
    enregistre_le: datetime
    date_effet: date | None
    acteur: str
    role: str | None
    correlation_id: str | None
    donnees: dict[str, Any]


def historique(app: ApplicationBase, ctx: Contexte, dossier_id: UUID) -> list[Fait]:
    """The dossier's events, its PPAE's and their affectations', in recorded order."""
    exiger(ctx.acteur, Capacite.AUDITER)
    dossier = app.charger(ctx, Dossier, dossier_id)
    ids: list[UUID] = [dossier_id]
    for ppae_id in dossier.ppae_ids:
        ids.append(ppae_id)
        ppae = app.charger(ctx, PPAE, ppae_id)
        if ppae.affectation_id is not None and ppae.affectation_id not in ids:
            ids.append(ppae.affectation_id)
    evenements: list[Any] = [e for i in ids for e in app.events.get(i)]
    evenements.sort(key=lambda e: (e.timestamp, ids.index(e.originator_id), e.originator_version))
    return [_fait(rang, e) for rang, e in enumerate(evenements, start=1)]


def etat_au(
    app: ApplicationBase, ctx: Contexte, type_agregat: type[A], agregat_id: UUID, instant: datetime
) -> A:
    """The aggregate replayed from the events recorded up to ``instant`` (inclusive)."""
    exiger(ctx.acteur, Capacite.AUDITER)
    app.charger(ctx, type_agregat, agregat_id)
    recorded: list[Any] = list(app.events.get(agregat_id))
    versions = [e.originator_version for e in recorded if e.timestamp <= instant]
    if not versions:
        raise NonTrouve("Cet objet n'existait pas encore à cet instant.", "instant")
    agregat: A = app.repository.get(agregat_id, version=max(versions))
    return agregat


def _fait(position: int, evenement: Any) -> Fait:
    etat = MagasinEvenements.attributs(evenement)
    meta = MagasinEvenements.metadonnees(evenement)
    return Fait(
        position=position,
        agregat_id=evenement.originator_id,
        version=evenement.originator_version,
        type=type(evenement).__qualname__,
        enregistre_le=evenement.timestamp,
        date_effet=next(
            (etat[c] for c in CHAMPS_DATE_EFFET if isinstance(etat.get(c), date)), None
        ),
        acteur=str(meta.get("acteur", "inconnu")),
        role=meta.get("role"),
        correlation_id=meta.get("correlation"),
        donnees={k: v for k, v in etat.items() if k not in CHAMPS_TECHNIQUES},
    )

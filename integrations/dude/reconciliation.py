"""R21: a dossier's DUDE flows re-derived from its history, against the flows recorded."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from application.base import ApplicationBase
from application.contexte import Contexte
from application.traitement.stockage import Curseur
from domain.acces import Capacite, exiger
from domain.dossier import Dossier
from domain.flux import EtatFluxDossier
from integrations.dude import registre


@dataclass(frozen=True)
class Reconciliation:
    attendus: list[str]
    enregistres: list[str]

    @property
    def manquants(self) -> list[str]:
        return sorted(set(self.attendus) - set(self.enregistres))

    @property
    def en_trop(self) -> list[str]:
        return sorted(set(self.enregistres) - set(self.attendus))


def attendus(app: ApplicationBase, ctx: Contexte, dossier_id: UUID) -> list[str]:
    """The keys the dossier's history owes the DUDE: the emitter's fold, replayed on the
    dossier's and its PPAE's events in recorded order."""
    dossier = app.charger(ctx, Dossier, dossier_id)
    ids: list[UUID] = [dossier_id, *dossier.ppae_ids]
    evenements: list[Any] = [e for i in ids for e in app.events.get(i)]
    evenements.sort(key=lambda e: (e.timestamp, ids.index(e.originator_id), e.originator_version))
    etat = EtatFluxDossier()
    return [f.cle for e in evenements for f in etat.prendre(dossier_id, e)]


def reconcilier(
    app: ApplicationBase,
    lecture: Callable[[], AbstractContextManager[Curseur]],
    ctx: Contexte,
    dossier_id: UUID,
) -> Reconciliation:
    exiger(ctx.acteur, Capacite.AUDITER)
    cles = attendus(app, ctx, dossier_id)
    with lecture() as cur:
        enregistres = [ligne["cle"] for ligne in registre.du_dossier(cur, str(dossier_id))]
    return Reconciliation(sorted(cles), sorted(enregistres))

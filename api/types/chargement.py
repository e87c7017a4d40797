"""Loading the aggregates behind nested fields, as recorded now or at an instant (etatAu)."""

from __future__ import annotations

from datetime import datetime
from typing import TypeVar
from uuid import UUID

from eventsourcing.domain import Aggregate
from strawberry.types import Info

from api.contexte import ContexteRequete, en_thread
from application import audit
from domain.erreurs import NonTrouve

A = TypeVar("A", bound=Aggregate)


async def charger_au(
    info: Info[ContexteRequete, None],
    type_agregat: type[A],
    agregat_id: UUID | None,
    instant: datetime | None,
) -> A | None:
    """R21: within etatAu, every nested object as recorded at the same instant."""
    ctx = info.context
    if instant is None or agregat_id is None:
        return await ctx.charger(type_agregat, agregat_id)
    try:
        return await en_thread(
            audit.etat_au, ctx.service.app, ctx.commande(), type_agregat, agregat_id, instant
        )
    except NonTrouve:
        return None

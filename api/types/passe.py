"""R21: inside ``etatAu``, what is not an aggregate answers as recorded at the same instant too
(the DUDE flows, the ML's counselors, the history), or is refused with ``INCONNU_A_CET_INSTANT``
where what was recorded cannot tell (docs/api.md, "State as of an instant")."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from graphql import GraphQLError

from api.contexte import ContexteRequete, en_thread
from api.erreurs import INCONNU_A_CET_INSTANT, erreur
from application.base import ApplicationBase
from domain.dossier import Dossier
from domain.flux import EtatFluxDossier, Flux, StatutFlux, TypeFlux
from domain.mission_locale import MissionLocale
from integrations.dude import registre


@dataclass(frozen=True)
class EtatFlux:
    """A flow's delivery state at one instant."""

    statut: StatutFlux
    envoye_le: datetime | None
    tentatives: int
    erreur: str | None


def inconnu(champ: str) -> GraphQLError:
    return erreur(
        INCONNU_A_CET_INSTANT,
        f"{champ} : le registre des flux ne garde pas l'heure de chaque tentative ni de chaque "
        "rejet ; l'état de ce flux à cet instant ne peut pas être affirmé.",
        champ=champ,
    )


def _instant(texte: str | None) -> datetime | None:
    return datetime.fromisoformat(texte) if texte else None


def etat_au(ligne: dict[str, Any], instant: datetime) -> EtatFlux | None:
    """The state the register implies at ``instant``, or None when it cannot tell: it keeps
    the last attempt's time and when the flow was acknowledged, not when it was rejected nor
    the time of earlier attempts."""
    acquitte = _instant(ligne["acquitte_le"])
    envoye = _instant(ligne["envoye_le"])
    tentatives = int(ligne["tentatives"])
    if acquitte is not None and acquitte <= instant:  # final: nothing happened after it
        return EtatFlux(StatutFlux.ACQUITTE, envoye, tentatives, None)
    if tentatives == 0 or (tentatives == 1 and envoye is not None and envoye > instant):
        return EtatFlux(StatutFlux.EN_ATTENTE, None, 0, None)  # not tried yet
    en_vol = ligne["statut"] == StatutFlux.ENVOYE.value
    if tentatives == 1 and en_vol and envoye is not None and envoye <= instant:
        return EtatFlux(StatutFlux.ENVOYE, envoye, 1, None)  # its one attempt, still out
    return None


def flux_derives(app: ApplicationBase, dossier_id: UUID, instant: datetime) -> list[Flux]:
    """R13, R21: the flows the dossier's history as recorded up to ``instant`` calls for (the
    emitter's fold, as the reconciliation replays it, on the events recorded by then). The
    caller has checked the dossier is the actor's; a PPAE opened later has no event by then."""
    dossier: Any = app.repository.get(dossier_id)
    assert isinstance(dossier, Dossier)
    ids: list[UUID] = [dossier_id, *dossier.ppae_ids]
    recorded: list[Any] = [e for i in ids for e in app.events.get(i)]
    evenements = [e for e in recorded if e.timestamp <= instant]
    evenements.sort(key=lambda e: (e.timestamp, ids.index(e.originator_id), e.originator_version))
    etat = EtatFluxDossier()
    return [f for e in evenements for f in etat.prendre(dossier_id, e)]


async def flux_du_dossier_au(
    ctx: ContexteRequete, dossier_id: UUID, instant: datetime
) -> list[dict[str, Any]]:
    """The register's rows of the flows history called for by then, in the register's order."""
    service = ctx.service

    def lire() -> list[dict[str, Any]]:
        cles = {f.cle for f in flux_derives(service.app, dossier_id, instant)}
        with service.lecture() as cur:
            lignes = registre.du_dossier(cur, str(dossier_id))
        return [ligne for ligne in lignes if ligne["cle"] in cles]

    return await en_thread(lire)


@dataclass
class Passe:
    """One dossier as of one instant, shared by its events: what flowed for them by then is
    derived once per request (the events' fields resolve concurrently: one task for all), and
    only if asked."""

    dossier_id: UUID
    instant: datetime
    derivation: asyncio.Future[registre.Transmissions] | None = None

    async def transmis(self, ctx: ContexteRequete) -> registre.Transmissions:
        """R13, R14: the events whose EVENEMENT flow history as of then called for and had not
        retracted (an ANNULATION), and those it had retracted."""
        if self.derivation is None:
            self.derivation = asyncio.ensure_future(self._deriver(ctx))
        return await self.derivation

    async def _deriver(self, ctx: ContexteRequete) -> registre.Transmissions:
        derives = await en_thread(flux_derives, ctx.service.app, self.dossier_id, self.instant)
        return registre.transmissions_de(
            (f.type.value, str(f.ppae_id), f.evenement_id)
            for f in derives
            if f.type in (TypeFlux.EVENEMENT, TypeFlux.ANNULATION) and f.evenement_id
        )


async def mission_locale_au(ctx: ContexteRequete, instant: datetime) -> MissionLocale | None:
    """The actor's ML as recorded at ``instant`` (its counselors then)."""
    app = ctx.service.app
    ml_id = MissionLocale.create_id(ctx.acteur.code_ml)

    def lire() -> MissionLocale | None:
        recorded: list[Any] = list(app.events.get(ml_id))
        versions = [e.originator_version for e in recorded if e.timestamp <= instant]
        if not versions:
            return None
        ml: Any = app.repository.get(ml_id, version=max(versions))
        return ml if isinstance(ml, MissionLocale) else None

    return await en_thread(lire)

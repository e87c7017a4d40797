"""What the DUDE's answer to a flow means (DESIGN §4, R15): ``2xx`` accepted (duplicates
included); ``401``/``403`` a credential problem, not a business decision (the sender stops, the
flows wait); ``429`` and ``503`` transient with ``Retry-After`` honoured (a ``429`` is meant for
the client as a whole: the sender pauses); other ``4xx`` a final business rejection with the
DUDE's ``{code, message}``; other ``5xx`` transient."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from domain.flux import StatutFlux
from integrations.json_externe import JsonIllisible, lire_json

IDENTIFIANTS = (401, 403)
PAUSE = (429, 503)
RAISON_MAX = 500


@dataclass(frozen=True)
class Verdict:
    statut: StatutFlux
    raison: str | None = None
    attente: float | None = None
    """Seconds the DUDE asked to wait (``Retry-After``, capped), when it said."""
    suspendre: bool = False
    """The whole sender stops sending for a while, not only this flow."""
    identifiants: bool = False
    """The DUDE refused the credentials: sending resumes only once it accepts them again."""


def juger(
    statut: int, retry_after: str | None, corps: bytes, maintenant: datetime, plafond: float
) -> Verdict:
    if 200 <= statut < 300:
        return Verdict(StatutFlux.ACQUITTE)
    if statut in IDENTIFIANTS:
        quoi = "identifiants refusés" if statut == 401 else "accès refusé"
        raison = f"HTTP {statut} : {quoi} par le DUDE (les flux attendent)"
        return Verdict(StatutFlux.EN_ATTENTE, raison, suspendre=True, identifiants=True)
    if statut in PAUSE:
        attente = attente_demandee(retry_after, maintenant, plafond)
        # a 429 is for the client whatever it says; a 503 that says when is the whole DUDE
        suspendre = statut == 429 or attente is not None
        raison = f"HTTP {statut}"
        if attente is not None:
            raison += f" (Retry-After {attente:.0f} s)"
        return Verdict(StatutFlux.EN_ATTENTE, raison, attente, suspendre)
    if 400 <= statut < 500 and statut != 408:
        return Verdict(StatutFlux.REJETE, raison_rejet(statut, corps))
    return Verdict(StatutFlux.EN_ATTENTE, f"HTTP {statut}")


def attente_demandee(valeur: str | None, maintenant: datetime, plafond: float) -> float | None:
    """``Retry-After`` in seconds, either form (``120`` or an HTTP-date), at most ``plafond``
    (a value past it is taken for a mistake, not for a week's silence); ``None`` when absent or
    unreadable."""
    if valeur is None or not (texte := valeur.strip()):
        return None
    if re.fullmatch(r"[0-9]+", texte):
        return plafond if len(texte) > 9 else min(float(texte), plafond)
    try:
        instant = parsedate_to_datetime(texte)
    except (TypeError, ValueError, IndexError):
        return None
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=UTC)
    return min(max((instant - maintenant).total_seconds(), 0.0), plafond)


def raison_rejet(statut: int, corps: bytes) -> str:
    """The DUDE's ``{code, message}``, kept on the rejected flow (bounded); the status alone
    when the body is not that."""
    try:
        valeur = lire_json(corps)
    except JsonIllisible:
        return f"HTTP {statut}"
    if isinstance(valeur, dict) and valeur.get("code"):
        return f"{valeur.get('code')} : {valeur.get('message', '')}"[:RAISON_MAX]
    return f"HTTP {statut}"

"""What the DUDE simulator takes from its clients, checked: a body bounded while it is read
(``413``, never held whole), JSON that the process can hold (``400``), faults of the right types
and ranges (``422``, with the field). Each refusal is the DUDE's ``{code, message}`` in French;
none is a 500, and a refused request changes nothing."""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields
from typing import Any

from starlette.requests import Request

from integrations.json_externe import JsonIllisible, lire_json


@dataclass
class Fautes:
    latence_ms: int = 0
    taux_5xx: float = 0.0
    taux_timeout: float = 0.0
    duree_timeout_s: float = 30.0
    """How long a "timeout" answer waits: longer than the sender's own timeout."""
    rejets: dict[str, dict[str, str]] = field(default_factory=dict)
    """Flow type (or key) → the DUDE's ``{code, message}``, answered with a 422."""
    graine: int | None = None


class EntreeRefusee(Exception):
    def __init__(self, statut: int, code: str, message: str) -> None:
        super().__init__(message)
        self.statut = statut
        self.code = code
        self.message = message


async def corps_json(request: Request, taille_max: int) -> Any:
    """The body as JSON, read up to ``taille_max`` bytes and no further."""
    try:
        return lire_json(await _corps(request, taille_max))
    except JsonIllisible as exc:
        raise EntreeRefusee(400, "JSON_INVALIDE", f"Le corps n'est pas lisible : {exc}.") from None


async def _corps(request: Request, taille_max: int) -> bytes:
    trop = EntreeRefusee(
        413, "CORPS_TROP_GROS", f"Le corps dépasse la taille admise (plus de {taille_max} octets)."
    )
    annonce = request.headers.get("content-length", "")
    if annonce.isdigit() and (len(annonce) > 15 or int(annonce) > taille_max):
        raise trop
    lu = bytearray()
    async for morceau in request.stream():
        lu += morceau
        if len(lu) > taille_max:
            raise trop
    return bytes(lu)


_ENTIERS = {"latence_ms": 60_000}
_NOMBRES = {"taux_5xx": 1.0, "taux_timeout": 1.0, "duree_timeout_s": 600.0}
_REJETS = "rejets : objet {type de flux ou clé : {code, message}} attendu"


def fautes(valeur: Any) -> Fautes:
    """``POST /fautes``'s body: the faults to inject from now on (an absent field is reset)."""
    if not isinstance(valeur, dict):
        raise _faute("un objet JSON est attendu")
    connus = {f.name for f in fields(Fautes)}
    for nom in valeur:
        if nom not in connus:
            raise _faute(
                f"champ inconnu : {str(nom)[:40]} (attendus : {', '.join(sorted(connus))})"
            )
    for nom, borne in _ENTIERS.items():
        if nom in valeur and not _entier(valeur[nom], borne):
            raise _faute(f"{nom} : nombre entier de 0 à {borne} attendu")
    for nom, plafond in _NOMBRES.items():
        if nom in valeur and not _nombre(valeur[nom], plafond):
            raise _faute(f"{nom} : nombre de 0 à {plafond:g} attendu")
    graine = valeur.get("graine")
    if graine is not None and not (type(graine) is int and abs(graine) < 2**63):
        raise _faute("graine : nombre entier ou null attendu")
    if "rejets" in valeur and not _rejets(valeur["rejets"]):
        raise _faute(_REJETS)
    reglees: dict[str, Any] = {
        nom: valeur[nom] for nom in ("latence_ms", "rejets", "graine") if nom in valeur
    }
    reglees.update({nom: float(valeur[nom]) for nom in _NOMBRES if nom in valeur})
    return Fautes(**reglees)


def affectations(valeur: Any) -> list[Any]:
    """``POST /affectations``'s body: one record or a list of them, served as they are (a
    malformed record inside is what the intake must reject); anything else is no record."""
    if isinstance(valeur, dict):
        return [valeur]
    if isinstance(valeur, list):
        return valeur
    raise EntreeRefusee(
        422,
        "AFFECTATIONS_INVALIDES",
        "une affectation (objet JSON) ou une liste d'affectations est attendue",
    )


def _faute(message: str) -> EntreeRefusee:
    return EntreeRefusee(422, "FAUTES_INVALIDES", message)


def _entier(valeur: Any, borne: int) -> bool:
    return type(valeur) is int and 0 <= valeur <= borne


def _nombre(valeur: Any, plafond: float) -> bool:
    return type(valeur) in (int, float) and math.isfinite(valeur) and 0 <= valeur <= plafond


def _rejets(valeur: Any) -> bool:
    return isinstance(valeur, dict) and all(
        isinstance(regle, dict)
        and set(regle) <= {"code", "message"}
        and all(isinstance(texte, str) and len(texte) <= 200 for texte in regle.values())
        for regle in valeur.values()
    )

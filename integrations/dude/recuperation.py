"""Pulling the affectations from the DUDE over HTTP (``dude pull``): page after page for one
Mission Locale, ``GET <url>?codeMissionLocale=X&limite=N&apres=CURSOR`` answering
``{"affectations": [...], "suivant": CURSOR or null}``. Each record is checked like a file's row
and reported by its position (``ML001 page 2, enregistrement 5``)."""

from __future__ import annotations

import json
from collections.abc import Container, Iterator
from typing import Any

import httpx2

from integrations.dude.intake import TAILLE_MAX, AffectationLue, affectation
from integrations.referentiel.lignes import LigneRejetee

LIMITE = 500


class RecuperationImpossible(Exception):
    """The DUDE did not answer, or not in the expected format: pulling cannot go on."""


def recuperer(
    client: httpx2.Client,
    url: str,
    code_ml: str,
    connues: Container[str],
    limite: int = LIMITE,
) -> Iterator[AffectationLue | LigneRejetee]:
    """Every record the DUDE holds for that ML, in order; raises ``RecuperationImpossible``
    when a page cannot be had (what was yielded before stays good)."""
    apres: str | None = None
    numero = 0
    page = 0
    while True:
        page += 1
        corps = _page(client, url, code_ml, limite, apres, page)
        for rang, enregistrement in enumerate(corps["affectations"], start=1):
            numero += 1
            yield _lu(
                enregistrement,
                code_ml,
                connues,
                numero,
                f"{code_ml} page {page}, enregistrement {rang}",
            )
        suivant = corps["suivant"]
        if suivant is None:
            return
        if suivant == apres:
            raise RecuperationImpossible(f"page {page} : le curseur du DUDE n'avance plus")
        apres = suivant


def _page(
    client: httpx2.Client, url: str, code_ml: str, limite: int, apres: str | None, page: int
) -> dict[str, Any]:
    params: dict[str, str | int] = {"codeMissionLocale": code_ml, "limite": limite}
    if apres is not None:
        params["apres"] = apres
    try:
        reponse = client.get(url, params=params)
    except httpx2.TimeoutException:
        raise RecuperationImpossible(f"page {page} : délai dépassé") from None
    except httpx2.HTTPError as exc:
        raise RecuperationImpossible(
            f"page {page} : DUDE injoignable à {url} ({type(exc).__name__})"
        ) from None
    if reponse.status_code != 200:
        raise RecuperationImpossible(
            f"page {page} : le DUDE a répondu {reponse.status_code} {reponse.text[:200]}"
        )
    try:
        corps = reponse.json()
    except ValueError:
        corps = None
    if (
        not isinstance(corps, dict)
        or not isinstance(corps.get("affectations"), list)
        or not isinstance(corps.get("suivant"), str | None)
    ):
        raise RecuperationImpossible(
            f"page {page} : réponse illisible (attendu {{affectations: [...], suivant}})"
        )
    return corps


def _lu(
    enregistrement: Any, code_ml: str, connues: Container[str], numero: int, lieu: str
) -> AffectationLue | LigneRejetee:
    if not isinstance(enregistrement, dict):
        return LigneRejetee(numero, "un objet JSON est attendu", lieu)
    taille = len(json.dumps(enregistrement, ensure_ascii=False).encode())
    if taille > TAILLE_MAX:
        return LigneRejetee(numero, f"enregistrement trop long (plus de {TAILLE_MAX} octets)", lieu)
    lu = affectation(enregistrement, connues, numero, lieu)
    if isinstance(lu, AffectationLue) and lu.donnees.code_ml != code_ml:
        return LigneRejetee(
            numero, f"affectation d'une autre Mission Locale ({lu.donnees.code_ml})", lieu
        )
    return lu

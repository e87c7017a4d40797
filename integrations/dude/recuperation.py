"""Pulling the affectations from the DUDE over HTTP (``dude pull``): page after page for one
Mission Locale, ``GET <url>?codeMissionLocale=X&limite=N&apres=CURSOR`` answering
``{"affectations": [...], "suivant": CURSOR or null}``. Each record is checked like a file's row
and reported by its position (``ML001 page 2, enregistrement 5``): a record that cannot be
stored (a lone surrogate, too deep) is rejected there and the page goes on.

Whatever the DUDE does, the pull ends (``Bornes``): every cursor already seen is remembered (a
loop a → b → a stops), pages per ML are capped, a response's bytes are counted as they come
(after decompression: a gzip bomb stops at the bound, not after), and each request has an
overall deadline besides its timeout per read, the whole run one more."""

from __future__ import annotations

import itertools
import json
from collections.abc import Container, Iterator
from typing import Any

from integrations.dude.client_borne import ClientDUDE, RecuperationImpossible
from integrations.dude.intake import TAILLE_MAX, AffectationLue, affectation
from integrations.json_externe import JsonIllisible, decoder_json, verifier
from integrations.referentiel.lignes import LigneRejetee

__all__ = ["LIMITE", "RecuperationImpossible", "recuperer"]

LIMITE = 500
MARGE = 1_000_000
"""Bytes a page may hold beyond ``limite`` records of the largest size taken."""
CURSEUR_MAX = 1_000
FORME = "attendu {affectations: [...], suivant}"


def recuperer(
    client: ClientDUDE,
    url: str,
    code_ml: str,
    connues: Container[str],
    limite: int = LIMITE,
) -> Iterator[AffectationLue | LigneRejetee]:
    """Every record the DUDE holds for that ML, in order; raises ``RecuperationImpossible``
    when a page cannot be had or a bound is reached (what was yielded before stays good)."""
    apres: str | None = None
    vus: set[str] = set()
    numero = 0
    for page in itertools.count(1):
        if page > client.bornes.pages:
            raise RecuperationImpossible(
                f"page {page} : plus de {client.bornes.pages} pages pour une Mission Locale "
                "(--pages-max), la suite n'est pas lue"
            )
        enregistrements, suivant = _page(client, url, code_ml, limite, apres, page)
        for rang, enregistrement in enumerate(enregistrements, start=1):
            numero += 1
            lieu = f"{code_ml} page {page}, enregistrement {rang}"
            yield _lu(enregistrement, code_ml, connues, numero, lieu)
        if suivant is None:
            return
        if suivant in vus:
            raise RecuperationImpossible(
                f"page {page} : le DUDE renvoie un curseur déjà rendu, les pages tourneraient "
                "en rond"
            )
        vus.add(suivant)
        apres = suivant


def _page(
    client: ClientDUDE, url: str, code_ml: str, limite: int, apres: str | None, page: int
) -> tuple[list[Any], str | None]:
    params: dict[str, str | int] = {"codeMissionLocale": code_ml, "limite": limite}
    if apres is not None:
        params["apres"] = apres
    try:
        corps = decoder_json(client.lire(url, params, limite * TAILLE_MAX + MARGE))
    except RecuperationImpossible as exc:
        raise RecuperationImpossible(f"page {page} : {exc}") from None
    except JsonIllisible as exc:
        raise RecuperationImpossible(f"page {page} : réponse illisible ({exc})") from None
    if not isinstance(corps, dict) or not isinstance(corps.get("affectations"), list):
        raise RecuperationImpossible(f"page {page} : réponse illisible ({FORME})")
    suivant = corps.get("suivant")
    if suivant is not None and not _curseur(suivant):
        raise RecuperationImpossible(f"page {page} : réponse illisible ({FORME})")
    return corps["affectations"], suivant


def _curseur(suivant: Any) -> bool:
    if not isinstance(suivant, str) or not 0 < len(suivant) <= CURSEUR_MAX:
        return False
    try:
        verifier(suivant)
    except JsonIllisible:
        return False
    return True


def _lu(
    enregistrement: Any, code_ml: str, connues: Container[str], numero: int, lieu: str
) -> AffectationLue | LigneRejetee:
    if not isinstance(enregistrement, dict):
        return LigneRejetee(numero, "un objet JSON est attendu", lieu)
    try:
        verifier(enregistrement)
    except JsonIllisible as exc:
        return LigneRejetee(numero, str(exc), lieu)
    taille = len(json.dumps(enregistrement, ensure_ascii=False).encode())
    if taille > TAILLE_MAX:
        return LigneRejetee(numero, f"enregistrement trop long (plus de {TAILLE_MAX} octets)", lieu)
    lu = affectation(enregistrement, connues, numero, lieu)
    if isinstance(lu, AffectationLue) and lu.donnees.code_ml != code_ml:
        return LigneRejetee(
            numero, f"affectation d'une autre Mission Locale ({lu.donnees.code_ml})", lieu
        )
    return lu

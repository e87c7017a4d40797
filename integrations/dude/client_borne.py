"""The HTTP client of ``dude pull``: one GET at a time, its answer read within bounds — a deadline
for the whole answer (not only a timeout per read), one for the whole run, a cap on the bytes
of a body counted as they arrive and after decompression — or a French reason why not."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from types import TracebackType

import httpx2

from integrations.dude.echeance import Echeance, transport_borne
from integrations.json_externe import JsonIllisible, lire_json

CORPS_ERREUR_MAX = 4096
"""Bytes of an error answer read to find the DUDE's ``code`` (never shown: it may hold anything)."""
CODE_ERREUR = re.compile(r"[A-Z][A-Z0-9_]{0,39}")


class RecuperationImpossible(Exception):
    """The DUDE did not answer, or not in the expected format, or a bound was reached: pulling
    that Mission Locale cannot go on."""


@dataclass(frozen=True)
class Bornes:
    pages: int = 10_000
    """Pages for one ML: 5 million records at 500 a page, far past any ML's portfolio."""
    delai_page_s: float = 60.0
    """The whole of one answer, from connecting to its last byte."""
    duree_s: float = 3600.0
    """The whole run, every ML."""
    lecture_s: float = 10.0
    """The longest silence between two reads (``COTRAITANCE_DUDE_DELAI``)."""


class ClientDUDE:
    """Not shared between threads (one deadline at a time); the run's clock starts here."""

    def __init__(self, bornes: Bornes | None = None) -> None:
        self.bornes = bornes or Bornes()
        self._echeance = Echeance()
        self._fin = time.monotonic() + self.bornes.duree_s
        self._http = httpx2.Client(
            transport=transport_borne(self._echeance), timeout=self.bornes.lecture_s
        )

    def __enter__(self) -> ClientDUDE:
        return self

    def __exit__(
        self, exc: type[BaseException] | None, val: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._http.close()

    def lire(self, url: str, params: dict[str, str | int], octets_max: int) -> bytes:
        """The body of a 200 answer, whole; ``RecuperationImpossible`` otherwise."""
        debut = time.monotonic()
        if debut >= self._fin:
            raise RecuperationImpossible(self._duree_atteinte())
        self._echeance.instant = min(debut + self.bornes.delai_page_s, self._fin)
        try:
            with self._http.stream("GET", url, params=params) as reponse:
                if reponse.status_code != 200:
                    raise RecuperationImpossible(
                        f"le DUDE a répondu {reponse.status_code}{_code(reponse)}"
                    )
                return _corps(reponse, octets_max)
        except httpx2.TimeoutException:
            raise RecuperationImpossible(self._delai_depasse(debut)) from None
        except httpx2.DecodingError:
            raise RecuperationImpossible("réponse illisible (compression invalide)") from None
        except httpx2.HTTPError as exc:
            raise RecuperationImpossible(
                f"DUDE injoignable à {url} ({type(exc).__name__})"
            ) from None
        finally:
            self._echeance.instant = None

    def _delai_depasse(self, debut: float) -> str:
        maintenant = time.monotonic()
        if maintenant >= self._fin:
            return self._duree_atteinte()
        if maintenant - debut >= self.bornes.delai_page_s:
            return f"délai dépassé (la page n'est pas arrivée en {self.bornes.delai_page_s:g} s)"
        return f"délai dépassé (le DUDE n'a rien envoyé pendant {self.bornes.lecture_s:g} s)"

    def _duree_atteinte(self) -> str:
        return f"durée maximale de la commande atteinte ({self.bornes.duree_s:g} s)"


def _corps(reponse: httpx2.Response, octets_max: int) -> bytes:
    trop = f"réponse trop grosse (plus de {octets_max / 1e6:g} Mo)"
    annonce = reponse.headers.get("content-length", "")
    if annonce.isdigit() and (len(annonce) > 15 or int(annonce) > octets_max):
        raise RecuperationImpossible(trop)
    corps = bytearray()
    for morceau in reponse.iter_bytes():  # inflated by pieces of at most 1 MiB
        corps += morceau
        if len(corps) > octets_max:
            raise RecuperationImpossible(trop)
    return bytes(corps)


def _code(reponse: httpx2.Response) -> str:
    """`` (CODE)`` when the error answer is the DUDE's ``{code, message}``; the message and
    anything else stay unread: an error page may echo a youth's record."""
    corps = bytearray()
    try:
        for morceau in reponse.iter_bytes():
            corps += morceau
            if len(corps) > CORPS_ERREUR_MAX:
                return ""
        valeur = lire_json(bytes(corps))
    except (httpx2.HTTPError, JsonIllisible):
        return ""
    code = valeur.get("code") if isinstance(valeur, dict) else None
    return f" ({code})" if isinstance(code, str) and CODE_ERREUR.fullmatch(code) else ""

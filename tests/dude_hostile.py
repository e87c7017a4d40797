"""A DUDE that misbehaves on purpose, a real HTTP server on 127.0.0.1 (``http.server`` in a
thread, so that it can write a body byte by byte, without end, or compressed): the example ML
(ML001) gets its three example affectations in one page; every other ML gets the behaviour the
test set for it in ``comportements``."""

from __future__ import annotations

import contextlib
import json
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.import_outils import exemples_json

NOM_SECRET = "Zébulonne-Quelquechose"
"""A name given to the hostile records: it must appear in no output and no log."""
MEGA = 1024 * 1024
TAILLE_BOMBE = 200 * MEGA
COMPORTEMENTS = (
    "cycle",
    "sans_fin",
    "goutte",
    "goutte_entetes",
    "enorme",
    "annonce_enorme",
    "bombe",
    "surrogate",
    "profond",
    "enregistrement_profond",
    "pas_json",
    "mauvaise_forme",
    "5xx",
    "4xx_code",
)


def enregistrement(code_ml: str, ident: str, **modifs: Any) -> dict[str, Any]:
    """A good affectation of that ML (the first example's content, another id)."""
    return {
        **exemples_json()[0],
        "idAffectation": ident,
        "codeMissionLocale": code_ml,
        "nom": NOM_SECRET,
        **modifs,
    }


def page(affectations: list[Any], suivant: str | None) -> bytes:
    return json.dumps({"affectations": affectations, "suivant": suivant}).encode()


@cache
def bombe() -> bytes:
    """A gzip body of about 200 kB that inflates to 200 MB (a page of spaces), made without
    ever holding the 200 MB."""
    compresseur = zlib.compressobj(9, zlib.DEFLATED, 31)
    morceaux = [compresseur.compress(b'{"affectations": [')]
    blancs = b" " * MEGA
    morceaux += [compresseur.compress(blancs) for _ in range(TAILLE_BOMBE // MEGA)]
    morceaux.append(compresseur.compress(b'], "suivant": null}'))
    morceaux.append(compresseur.flush())
    return b"".join(morceaux)


class DUDEHostile:
    def __init__(self) -> None:
        self.comportements: dict[str, str] = {}
        self.octets_envoyes = 0
        """Body bytes written to ``enorme`` requests before the client went away."""
        self._serveur = _Serveur(("127.0.0.1", 0), _gestionnaire(self))
        self._serveur.daemon_threads = True
        self._serveur.block_on_close = False
        self._fil = threading.Thread(target=self._serveur.serve_forever, daemon=True)

    def demarrer(self) -> str:
        self._fil.start()
        hote, port = self._serveur.server_address[:2]
        return f"http://{hote!s}:{port}/affectations"

    def arreter(self) -> None:
        self._serveur.shutdown()
        self._serveur.server_close()


class _Serveur(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hangs up on a hostile answer is what the tests do: not an error."""


def _gestionnaire(dude: DUDEHostile) -> type[BaseHTTPRequestHandler]:
    class Gestionnaire(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            params = {k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items()}
            code = params.get("codeMissionLocale", "")
            if code == "ML001":
                self._json(page(exemples_json(), None))
                return
            comportement = dude.comportements.get(code, "vide")
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                _REPONSES[comportement](self, code, params.get("apres"))

        def _json(self, corps: bytes, statut: int = 200, **entetes: str) -> None:
            self.send_response(statut)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(corps)))
            for nom, valeur in entetes.items():
                self.send_header(nom.replace("_", "-"), valeur)
            self.end_headers()
            self.wfile.write(corps)

        def _sans_longueur(self, morceaux: Iterator[bytes]) -> None:
            """A body ended by closing the connection, written piece by piece."""
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True
            for morceau in morceaux:
                self.wfile.write(morceau)
                self.wfile.flush()
                dude.octets_envoyes += len(morceau)

    return Gestionnaire


Reponse = Callable[[Any, str, str | None], None]


def _vide(g: Any, code: str, apres: str | None) -> None:
    g._json(page([], None))


def _cycle(g: Any, code: str, apres: str | None) -> None:
    suivant = {None: "a", "a": "b", "b": "a"}[apres]
    g._json(page([enregistrement(code, f"CYCLE-{apres}")], suivant))


def _sans_fin(g: Any, code: str, apres: str | None) -> None:
    rang = int(apres or "0") + 1
    g._json(page([enregistrement(code, f"PAGE-{rang}")], str(rang)))


def _goutte(g: Any, code: str, apres: str | None) -> None:
    def octets() -> Iterator[bytes]:
        fin = time.monotonic() + 60
        while time.monotonic() < fin:
            yield b" "
            time.sleep(0.2)

    g._sans_longueur(octets())


def _goutte_entetes(g: Any, code: str, apres: str | None) -> None:
    """The status line, then a header that never ends, a byte at a time."""
    g.wfile.write(b"HTTP/1.1 200 OK\r\nX-Lent: ")
    fin = time.monotonic() + 60
    while time.monotonic() < fin:
        g.wfile.write(b"a")
        g.wfile.flush()
        time.sleep(0.2)


def _enorme(g: Any, code: str, apres: str | None) -> None:
    def octets() -> Iterator[bytes]:
        yield b'{"affectations": ['
        for _ in range(200):
            yield b" " * MEGA

    g._sans_longueur(octets())


def _annonce_enorme(g: Any, code: str, apres: str | None) -> None:
    """200 MB announced, then nothing: waiting for them would last the whole page deadline."""
    g.send_response(200)
    g.send_header("Content-Length", str(TAILLE_BOMBE))
    g.end_headers()
    g.wfile.flush()
    time.sleep(30)


def _bombe(g: Any, code: str, apres: str | None) -> None:
    g._json(bombe(), Content_Encoding="gzip")


def _surrogate(g: Any, code: str, apres: str | None) -> None:
    mauvais = json.dumps(enregistrement(code, "SUR-2"), ensure_ascii=False)
    mauvais = mauvais.replace(NOM_SECRET, "Z\\ud800e")
    bons = [json.dumps(enregistrement(code, f"SUR-{n}")) for n in (1, 3)]
    corps = f'{{"affectations": [{bons[0]}, {mauvais}, {bons[1]}], "suivant": null}}'
    g._json(corps.encode())


def _profond(g: Any, code: str, apres: str | None) -> None:
    bon = json.dumps(enregistrement(code, "P-1"))
    g._json(f'{{"affectations": [{bon}, {"[" * 1000}{"]" * 1000}], "suivant": null}}'.encode())


def _enregistrement_profond(g: Any, code: str, apres: str | None) -> None:
    profond = enregistrement(code, "EP-2", periodesRadiation=_imbrique(40))
    bons = [enregistrement(code, "EP-1"), enregistrement(code, "EP-3")]
    g._json(page([bons[0], profond, bons[1]], None))


def _pas_json(g: Any, code: str, apres: str | None) -> None:
    g._json(f"<html>Maintenance {NOM_SECRET}</html>".encode())


def _mauvaise_forme(g: Any, code: str, apres: str | None) -> None:
    g._json(json.dumps({"resultats": [enregistrement(code, "F-1")]}).encode())


def _5xx(g: Any, code: str, apres: str | None) -> None:
    erreur = {"erreur": "base indisponible", "dernier": NOM_SECRET}
    corps = json.dumps(erreur, ensure_ascii=False).encode()
    g._json(corps, statut=503)


def _4xx_code(g: Any, code: str, apres: str | None) -> None:
    erreur = {"code": "ML_INCONNUE", "message": f"inconnue, dernier dossier : {NOM_SECRET}"}
    g._json(json.dumps(erreur, ensure_ascii=False).encode(), statut=404)


def _imbrique(niveaux: int) -> Any:
    valeur: Any = []
    for _ in range(niveaux - 1):
        valeur = [valeur]
    return valeur


_REPONSES: dict[str, Reponse] = {
    "vide": _vide,
    "cycle": _cycle,
    "sans_fin": _sans_fin,
    "goutte": _goutte,
    "goutte_entetes": _goutte_entetes,
    "enorme": _enorme,
    "bombe": _bombe,
    "surrogate": _surrogate,
    "profond": _profond,
    "enregistrement_profond": _enregistrement_profond,
    "pas_json": _pas_json,
    "mauvaise_forme": _mauvaise_forme,
    "5xx": _5xx,
    "4xx_code": _4xx_code,
    "annonce_enorme": _annonce_enorme,
}

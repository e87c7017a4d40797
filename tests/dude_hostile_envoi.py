"""A hostile DUDE for the sender's tests: a real HTTP/1.1 server on 127.0.0.1 (raw sockets, one
thread per connection) whose answer to each request is scripted by the test, down to an answer
dribbled one byte at a time. It records when each request arrived, with its key."""

from __future__ import annotations

import socket
import socketserver
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import BinaryIO


@dataclass(frozen=True)
class Reponse:
    statut: int = 200
    entetes: dict[str, str] = field(default_factory=dict)
    corps: bytes = b"{}"
    goutte: float | None = None
    """Seconds between two bytes of the body, for a DUDE that dribbles its answer."""


@dataclass(frozen=True)
class Recu:
    instant: float
    """``time.monotonic()`` when the request was read."""
    cle: str


Script = Callable[[int, str], Reponse]
"""(the request's rank from 0, its Idempotency-Key) → the answer."""

RAISONS = {200: "OK", 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden"}


class DudeHostile:
    def __init__(self, script: Script) -> None:
        self.script = script
        self.recus: list[Recu] = []
        self._verrou = threading.Lock()
        hote = self

        class Gestionnaire(socketserver.StreamRequestHandler):
            def handle(self) -> None:
                hote._servir(self.connection)

        self._serveur = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Gestionnaire)
        self._serveur.daemon_threads = True
        self._fil = threading.Thread(target=self._serveur.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._serveur.server_address[1]}/flux"

    def demarrer(self) -> DudeHostile:
        self._fil.start()
        return self

    def arreter(self) -> None:
        self._serveur.shutdown()
        self._serveur.server_close()

    def cles(self) -> list[str]:
        with self._verrou:
            return [r.cle for r in self.recus]

    def _servir(self, connexion: socket.socket) -> None:
        lecteur = connexion.makefile("rb")
        try:
            while (cle := self._lire(lecteur)) is not None:
                with self._verrou:
                    rang = len(self.recus)
                    self.recus.append(Recu(time.monotonic(), cle))
                self._repondre(connexion, self.script(rang, cle))
        except OSError:  # the client gave up (its deadline): nothing more to say
            pass
        finally:
            lecteur.close()

    def _lire(self, lecteur: BinaryIO) -> str | None:
        ligne = lecteur.readline()
        if not ligne:
            return None
        entetes: dict[str, str] = {}
        while (ligne := lecteur.readline()) not in (b"\r\n", b"\n", b""):
            nom, _, valeur = ligne.decode("latin-1").partition(":")
            entetes[nom.strip().lower()] = valeur.strip()
        lecteur.read(int(entetes.get("content-length", "0")))
        return entetes.get("idempotency-key", "")

    def _repondre(self, connexion: socket.socket, reponse: Reponse) -> None:
        raison = RAISONS.get(reponse.statut, "Status")
        entetes = {
            "Content-Type": "application/json",
            "Content-Length": str(len(reponse.corps)),
            **reponse.entetes,
        }
        tete = f"HTTP/1.1 {reponse.statut} {raison}\r\n" + "".join(
            f"{k}: {v}\r\n" for k, v in entetes.items()
        )
        connexion.sendall(tete.encode("latin-1") + b"\r\n")
        if reponse.goutte is None:
            connexion.sendall(reponse.corps)
            return
        for octet in reponse.corps:
            connexion.sendall(bytes([octet]))
            time.sleep(reponse.goutte)

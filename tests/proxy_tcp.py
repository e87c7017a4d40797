"""A TCP proxy in front of the test PostgreSQL: cutting it is a database outage for whoever
connects through it (connections dropped, new ones refused), without touching the shared
server; restoring it is the database coming back on the same address. ``rompre_apres`` drops
one connection just after it sent a given request (a commit whose answer is lost)."""

from __future__ import annotations

import contextlib
import socket
import threading
import time


class ProxyTCP:
    def __init__(self, hote: str, port: int) -> None:
        self.cible = (hote, port)
        self._verrou = threading.Lock()
        self._connexions: list[socket.socket] = []
        self._ecoute: socket.socket | None = None
        self._coupe = False
        self._rupture: tuple[bytes, bytes] | None = None
        self.rompues = 0
        self.port = self._ouvrir(0)

    def _ouvrir(self, port: int) -> int:
        ecoute = socket.socket()
        ecoute.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        ecoute.bind(("127.0.0.1", port))
        ecoute.listen(64)
        self._ecoute = ecoute
        threading.Thread(target=self._accepter, args=(ecoute,), daemon=True).start()
        port_ouvert: int = ecoute.getsockname()[1]
        return port_ouvert

    def _accepter(self, ecoute: socket.socket) -> None:
        while True:
            try:
                client, _ = ecoute.accept()
            except OSError:
                return  # closed
            if self._coupe:  # the outage: a new connection is dropped at once
                client.close()
                continue
            try:
                serveur = socket.create_connection(self.cible, timeout=5)
            except OSError:
                client.close()
                continue
            serveur.settimeout(None)
            with self._verrou:
                # Cut while this one was being connected: it must not outlive the outage.
                if self._coupe:
                    client.close()
                    serveur.close()
                    continue
                self._connexions += [client, serveur]
            for a, b, guet in ((client, serveur, True), (serveur, client, False)):
                threading.Thread(target=self._relayer, args=(a, b, guet), daemon=True).start()

    def _relayer(self, source: socket.socket, destination: socket.socket, guet: bool) -> None:
        arme = False
        try:
            while donnees := source.recv(65536):
                rupture = self._rupture if guet else None
                arme = arme or (rupture is not None and rupture[0] in donnees)
                if arme and rupture is not None and rupture[1] in donnees and self._rompre():
                    source.shutdown(socket.SHUT_WR)  # no answer reaches the client any more
                    destination.sendall(donnees)  # while the server gets the request
                    time.sleep(0.5)
                    return
                destination.sendall(donnees)
        except OSError:
            pass
        finally:
            for s in (source, destination):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)

    def _rompre(self) -> bool:
        with self._verrou:
            if self._rupture is None:
                return False  # another connection took it
            self._rupture = None
            self.rompues += 1
            return True

    def couper(self) -> None:
        """The outage: every connection dropped, new ones dropped at once. The port stays
        this proxy's (released, another socket of the machine could take it meanwhile)."""
        with self._verrou:
            self._coupe = True
            connexions, self._connexions = self._connexions, []
        for s in connexions:
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)
            s.close()

    def rompre_apres(self, requete: bytes, puis: bytes) -> None:
        """Once: the first connection that sends ``requete`` and later ``puis`` is dropped right
        after ``puis`` reached the server (its answer never comes back); others go on."""
        self._rupture = (requete, puis)

    def retablir(self) -> None:
        self._coupe = False

    def fermer(self) -> None:
        self.couper()
        if self._ecoute is not None:
            self._ecoute.close()
            self._ecoute = None

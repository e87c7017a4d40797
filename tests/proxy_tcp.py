"""A TCP proxy in front of the test PostgreSQL: cutting it is a database outage for whoever
connects through it (connections dropped, new ones refused), without touching the shared
server; restoring it is the database coming back on the same address."""

from __future__ import annotations

import contextlib
import socket
import threading


class ProxyTCP:
    def __init__(self, hote: str, port: int) -> None:
        self.cible = (hote, port)
        self._verrou = threading.Lock()
        self._connexions: list[socket.socket] = []
        self._ecoute: socket.socket | None = None
        self._coupe = False
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
            for a, b in ((client, serveur), (serveur, client)):
                threading.Thread(target=self._relayer, args=(a, b), daemon=True).start()

    @staticmethod
    def _relayer(source: socket.socket, destination: socket.socket) -> None:
        try:
            while donnees := source.recv(65536):
                destination.sendall(donnees)
        except OSError:
            pass
        finally:
            for s in (source, destination):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)

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

    def retablir(self) -> None:
        self._coupe = False

    def fermer(self) -> None:
        self.couper()
        if self._ecoute is not None:
            self._ecoute.close()
            self._ecoute = None

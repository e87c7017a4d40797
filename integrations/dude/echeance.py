"""An HTTP transport whose requests each have an overall deadline, on top of the timeout per
read: a server that sends one byte just before every read timeout would otherwise hold a
request for ever. The deadline is enforced on every socket operation — connecting, sending,
the headers and the body — so that it holds whatever part of the answer is slow."""

from __future__ import annotations

import ssl
import time
from collections.abc import Iterable
from typing import Any

import httpcore2
import httpx2

OptionsSocket = Iterable[Any]
_SANS_BORNE = 24 * 3600.0
"""A socket operation's timeout when neither the request nor the deadline gives one."""


class Echeance:
    """The instant (``time.monotonic()``) the request under way must be over by, ``None`` for
    none. One request at a time: the client that holds it is not shared between threads."""

    def __init__(self) -> None:
        self.instant: float | None = None

    def borner(self, delai: float | None, depasse: type[httpcore2.TimeoutException]) -> float:
        """The timeout one socket operation may have: the smaller of its own and what is left
        of the request's; raises ``depasse`` once nothing is left."""
        if self.instant is None:
            return delai if delai is not None else _SANS_BORNE
        restant = self.instant - time.monotonic()
        if restant <= 0:
            raise depasse("échéance de la requête dépassée")
        return restant if delai is None else min(delai, restant)


class _Flux(httpcore2.NetworkStream):
    def __init__(self, flux: httpcore2.NetworkStream, echeance: Echeance) -> None:
        self._flux = flux
        self._echeance = echeance

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._flux.read(max_bytes, self._echeance.borner(timeout, httpcore2.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._flux.write(buffer, self._echeance.borner(timeout, httpcore2.WriteTimeout))

    def close(self) -> None:
        self._flux.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore2.NetworkStream:
        delai = self._echeance.borner(timeout, httpcore2.ConnectTimeout)
        return _Flux(self._flux.start_tls(ssl_context, server_hostname, delai), self._echeance)

    def get_extra_info(self, info: str) -> Any:
        return self._flux.get_extra_info(info)


class _Reseau(httpcore2.NetworkBackend):
    def __init__(self, echeance: Echeance) -> None:
        self._reseau = httpcore2.SyncBackend()
        self._echeance = echeance

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: OptionsSocket | None = None,
    ) -> httpcore2.NetworkStream:
        delai = self._echeance.borner(timeout, httpcore2.ConnectTimeout)
        flux = self._reseau.connect_tcp(host, port, delai, local_address, socket_options)
        return _Flux(flux, self._echeance)

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: OptionsSocket | None = None
    ) -> httpcore2.NetworkStream:
        delai = self._echeance.borner(timeout, httpcore2.ConnectTimeout)
        return _Flux(self._reseau.connect_unix_socket(path, delai, socket_options), self._echeance)

    def sleep(self, seconds: float) -> None:
        self._reseau.sleep(seconds)


def transport_borne(echeance: Echeance) -> httpx2.HTTPTransport:
    """httpx2's own transport (its error mapping, its streams), over a connection pool whose
    sockets keep to ``echeance``. The transport has no hook for a network backend: its pool
    is replaced, the one attribute this depends on (httpx2 is pinned below 3)."""
    transport = httpx2.HTTPTransport()
    transport._pool = httpcore2.ConnectionPool(
        ssl_context=httpx2.create_ssl_context(),
        network_backend=_Reseau(echeance),
    )
    return transport

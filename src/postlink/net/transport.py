"""The httpx transport that connects only to addresses the guard has checked.

httpx (through httpcore) resolves a host name when it opens a socket. If we checked the name
ourselves beforehand, a second lookup could return a different address (DNS rebinding: public
at check time, 127.0.0.1 at connect time). So the check happens inside the connection: our
network backend resolves the name once, refuses non-public answers, and opens the socket to one
of the checked IPs. TLS still uses the host name for SNI and certificate checks, because
httpcore passes the origin's name as ``server_hostname``, not the address we dialled.
"""

from __future__ import annotations

import socket
import ssl
from collections.abc import Iterable, Sequence

import httpcore
import httpx

from postlink.config import NetworkConfig
from postlink.net import guard


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """httpcore network backend: resolve once, check every address, dial a checked one."""

    def __init__(self, allow_hosts: Sequence[str] = (), resolver: guard.Resolver | None = None
                 ) -> None:
        self._allow_hosts = tuple(allow_hosts)
        self._resolver = resolver
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                          local_address: str | None = None,
                          socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
                          ) -> httpcore.AsyncNetworkStream:
        try:
            addresses = await guard.checked_addresses(host, port, self._allow_hosts,
                                                      self._resolver)
        except socket.gaierror as exc:  # temporary DNS failure: retried like a connect error
            raise httpcore.ConnectError(f"{host}: {exc}") from exc
        last: Exception | None = None
        for address in addresses:
            try:
                return await self._inner.connect_tcp(str(address), port, timeout=timeout,
                                                     local_address=local_address,
                                                     socket_options=socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last = exc
        assert last is not None  # checked_addresses never returns an empty list
        raise last

    async def connect_unix_socket(self, path: str, timeout: float | None = None,
                                  socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
                                  ) -> httpcore.AsyncNetworkStream:
        raise httpcore.ConnectError("unix sockets are not used by postlink")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


class PerHostTransport(httpx.AsyncBaseTransport):
    """One small connection pool per host instead of one big pool.

    httpcore's pool rescans every connection for every queued request, so one pool of a few
    hundred connections spends more CPU than the requests themselves (bench/unshorten.py:
    about 240 requests/s). Per-host pools hold at most ``per_host_concurrency`` connections,
    which is all the limiter lets a host use anyway.
    """

    def __init__(self, network: NetworkConfig, backend: GuardedBackend) -> None:
        self._network = network
        self._backend = backend
        self._pools: dict[tuple[bytes, bytes, int | None], httpx.AsyncHTTPTransport] = {}
        self._ssl: ssl.SSLContext | None = None  # loading the CA bundle takes ~20 ms: once

    def _pool(self, url: httpx.URL) -> httpx.AsyncHTTPTransport:
        key = (url.raw_scheme, url.raw_host, url.port)
        pool = self._pools.get(key)
        if pool is None:
            if self._ssl is None:
                self._ssl = httpx.create_ssl_context(trust_env=False)
            pool = self._pools[key] = _pinned_pool(self._network.per_host_concurrency,
                                                   self._backend, self._ssl)
        return pool

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return await self._pool(request.url).handle_async_request(request)

    async def aclose(self) -> None:
        for pool in self._pools.values():
            await pool.aclose()
        self._pools.clear()


def _pinned_pool(size: int, backend: GuardedBackend, ssl_context: ssl.SSLContext
                 ) -> httpx.AsyncHTTPTransport:
    """An httpx transport whose connections all go through ``backend``.

    ``trust_env=False``: an HTTP(S)_PROXY from the environment would make the proxy resolve
    and connect, out of the guard's reach.
    """
    limits = httpx.Limits(max_connections=size, max_keepalive_connections=size)
    transport = httpx.AsyncHTTPTransport(verify=ssl_context, limits=limits, trust_env=False)
    # httpx has no public hook for the network backend, so the pool is rebuilt with the same
    # settings and ours. Covered by tests/test_guard.py (a name only our resolver knows).
    transport._pool = httpcore.AsyncConnectionPool(
        ssl_context=ssl_context,
        max_connections=limits.max_connections,
        max_keepalive_connections=limits.max_keepalive_connections,
        keepalive_expiry=limits.keepalive_expiry,
        network_backend=backend,
    )
    return transport


def guarded_transport(network: NetworkConfig, resolver: guard.Resolver | None = None
                      ) -> PerHostTransport:
    """The transport for real connections: per-host pools, every socket through the guard."""
    return PerHostTransport(network, GuardedBackend(network.allow_hosts, resolver))

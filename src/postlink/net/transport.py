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


def guarded_transport(network: NetworkConfig, resolver: guard.Resolver | None = None
                      ) -> httpx.AsyncHTTPTransport:
    """An httpx transport whose every connection goes through GuardedBackend.

    ``trust_env=False``: an HTTP(S)_PROXY from the environment would make the proxy resolve
    and connect, out of the guard's reach.
    """
    limits = httpx.Limits(max_connections=network.concurrency,
                          max_keepalive_connections=network.concurrency)
    transport = httpx.AsyncHTTPTransport(limits=limits, trust_env=False)
    # httpx has no public hook for the network backend, so the pool is rebuilt with the same
    # settings and ours. Covered by tests/test_client.py (a rebinding resolver is refused).
    transport._pool = httpcore.AsyncConnectionPool(
        ssl_context=httpx.create_ssl_context(trust_env=False),
        max_connections=limits.max_connections,
        max_keepalive_connections=limits.max_keepalive_connections,
        keepalive_expiry=limits.keepalive_expiry,
        network_backend=GuardedBackend(network.allow_hosts, resolver),
    )
    return transport

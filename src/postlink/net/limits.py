"""Politeness limits shared by every request: global and per-host concurrency, per-host delay.

``LimitedTransport`` wraps any httpx transport, so every caller of the one client (short-link
resolution, article fetching, the scheduler) shares the same limits without doing anything.
A request holds its host slot until its response is closed, so a slow body still counts.

    limiter = HostLimiter(concurrency=16, per_host=2, delay=0.5)
    async with limiter.slot("example.org"):
        ...  # at most 2 of these run at once for example.org, starts >= 0.5 s apart
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import httpx

from postlink.config import NetworkConfig


class HostLimiter:
    """At most ``concurrency`` slots overall and ``per_host`` per host; starts to one host at
    least ``delay`` seconds apart."""

    def __init__(self, concurrency: int, per_host: int, delay: float = 0.0) -> None:
        self.concurrency = concurrency
        self.per_host = per_host
        self.delay = delay
        self._global = asyncio.Semaphore(concurrency)
        self._hosts: dict[str, asyncio.Semaphore] = {}
        self._next_start: dict[str, float] = {}

    @classmethod
    def from_config(cls, network: NetworkConfig) -> HostLimiter:
        return cls(network.concurrency, network.per_host_concurrency, network.per_host_delay)

    async def acquire(self, host: str) -> None:
        """Wait for a slot for ``host``; pair with ``release(host)``."""
        host_sem = self._hosts.setdefault(host, asyncio.Semaphore(self.per_host))
        # Host first, then the global slot: a request waiting for a busy host must not hold
        # one of the global slots that requests to idle hosts could use.
        await host_sem.acquire()
        try:
            if self.delay > 0:
                now = time.monotonic()
                start = max(now, self._next_start.get(host, now))
                self._next_start[host] = start + self.delay  # reserved before sleeping
                await asyncio.sleep(start - now)
            await self._global.acquire()
        except BaseException:  # cancelled while waiting: give the host slot back
            host_sem.release()
            raise

    def release(self, host: str) -> None:
        self._global.release()
        self._hosts[host].release()

    @asynccontextmanager
    async def slot(self, host: str) -> AsyncIterator[None]:
        await self.acquire(host)
        try:
            yield
        finally:
            self.release(host)


class _ReleasingStream(httpx.AsyncByteStream):
    """A response body that gives the host slot back when it is closed (once)."""

    def __init__(self, inner: httpx.AsyncByteStream, release: Callable[[], None]) -> None:
        self._inner = inner
        self._release: Callable[[], None] | None = release

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._inner:
            yield chunk

    async def aclose(self) -> None:
        try:
            await self._inner.aclose()
        finally:
            if self._release is not None:
                self._release()
                self._release = None


class LimitedTransport(httpx.AsyncBaseTransport):
    """Apply a HostLimiter to every request sent through ``inner``.

    Adds ``queued_ms`` to the response extensions: time spent waiting for a slot, so callers
    can report a hop's own duration.
    """

    def __init__(self, inner: httpx.AsyncBaseTransport, limiter: HostLimiter) -> None:
        self.inner = inner
        self.limiter = limiter

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        host = request.url.host.lower()
        queued = time.monotonic()
        await self.limiter.acquire(host)
        queued_ms = (time.monotonic() - queued) * 1000
        try:
            response = await self.inner.handle_async_request(request)
        except BaseException:
            self.limiter.release(host)
            raise
        assert isinstance(response.stream, httpx.AsyncByteStream)
        return httpx.Response(
            response.status_code, headers=response.headers,
            stream=_ReleasingStream(response.stream, lambda: self.limiter.release(host)),
            extensions={**response.extensions, "queued_ms": queued_ms},
        )

    async def aclose(self) -> None:
        await self.inner.aclose()

"""The one HTTP client: honest user agent, timeouts, size caps, manual redirects through the guard.

``build_client`` makes the httpx.AsyncClient every network call uses (tests pass a
``transport``); ``fetch`` reads one URL, following redirects itself so each hop is checked by
the address guard, and translates every httpx failure into FetchError.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urljoin

import httpx

from postlink.config import NetworkConfig
from postlink.errors import FetchError
from postlink.net import guard

REDIRECT_CODES = (301, 302, 303, 307, 308)


@dataclass(frozen=True)
class Response:
    url: str  # the URL asked for
    final_url: str  # after redirects
    status: int
    headers: dict[str, str]
    body: bytes
    elapsed_ms: float
    redirects: tuple[str, ...] = field(default=())

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    @property
    def charset(self) -> str | None:
        for part in self.headers.get("content-type", "").split(";")[1:]:
            name, _, value = part.strip().partition("=")
            if name.lower() == "charset":
                return value.strip("\"' ") or None
        return None


RequestLogger = Callable[[str, int | None, int, float, str | None], None]


def build_client(network: NetworkConfig, *, transport: httpx.AsyncBaseTransport | None = None
                 ) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        headers={"User-Agent": network.user_agent, "Accept-Encoding": "gzip, deflate"},
        timeout=httpx.Timeout(network.timeout),
        follow_redirects=False,
        limits=httpx.Limits(max_connections=network.concurrency,
                            max_keepalive_connections=network.concurrency),
        transport=transport,
    )


async def fetch(client: httpx.AsyncClient, url: str, network: NetworkConfig, *,
                headers: dict[str, str] | None = None, log: RequestLogger | None = None
                ) -> Response:
    """GET ``url`` (following up to ``max_hops`` redirects); raise FetchError on any failure."""
    started = time.monotonic()
    current = url
    seen: list[str] = []
    for _ in range(network.max_hops + 1):
        if current in seen:
            raise FetchError(url, f"redirect loop at {current}")
        seen.append(current)
        await guard.check_url(current, network.allow_hosts)
        status, resp_headers, body = await _get(client, current, network, headers, log)
        if status in REDIRECT_CODES and "location" in resp_headers:
            current = urljoin(current, resp_headers["location"])
            continue
        if status >= 400:
            raise FetchError(url, f"HTTP {status}")
        return Response(url, current, status, resp_headers, body,
                        (time.monotonic() - started) * 1000, tuple(seen[1:]))
    raise FetchError(url, f"more than {network.max_hops} redirects")


async def _get(client: httpx.AsyncClient, url: str, network: NetworkConfig,
               headers: dict[str, str] | None, log: RequestLogger | None
               ) -> tuple[int, dict[str, str], bytes]:
    started = time.monotonic()
    status: int | None = None
    size = 0
    error: str | None = None
    try:
        async with client.stream("GET", url, headers=headers) as resp:
            status = resp.status_code
            declared = resp.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > network.max_bytes:
                raise FetchError(url, f"response too large ({declared} bytes; limit "
                                      f"[network] max_bytes = {network.max_bytes})")
            chunks = []
            # aiter_bytes decompresses: the cap applies to decoded bytes (no gzip bombs)
            async for chunk in resp.aiter_bytes():
                size += len(chunk)
                if size > network.max_bytes:
                    raise FetchError(url, f"response too large (over {network.max_bytes} bytes;"
                                          " raise [network] max_bytes)")
                chunks.append(chunk)
            return status, {k.lower(): v for k, v in resp.headers.items()}, b"".join(chunks)
    except FetchError as exc:
        error = exc.reason
        raise
    except httpx.TimeoutException as exc:
        error = "timeout"
        raise FetchError(url, f"timed out after {network.timeout:g}s") from exc
    except httpx.HTTPError as exc:
        error = type(exc).__name__
        raise FetchError(url, f"cannot connect ({type(exc).__name__}: {exc})") from exc
    finally:
        if log is not None:
            log(url, status, size, (time.monotonic() - started) * 1000, error)


def fetch_sync(url: str, network: NetworkConfig, *,
               transport: httpx.AsyncBaseTransport | None = None,
               log: RequestLogger | None = None) -> Response:
    """Fetch one URL from synchronous code (the ``add`` command)."""

    async def run() -> Response:
        async with build_client(network, transport=transport) as client:
            return await fetch(client, url, network, log=log)

    return asyncio.run(run())

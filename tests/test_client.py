"""The shared client: retries, size caps and bounded decoding, politeness limits."""

from __future__ import annotations

import asyncio
import gzip
import time
import zlib
from dataclasses import replace
from datetime import UTC, datetime

import httpx
import pytest

from postlink.config import NetworkConfig
from postlink.errors import FetchError
from postlink.net import retry
from postlink.net.body import read_limited
from postlink.net.client import build_client, fetch, get
from postlink.net.limits import HostLimiter
from tests import netns
from tests.servers import HostServer, Reply, host_server


@pytest.fixture(autouse=True)
def fast_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(retry, "BACKOFF_BASE", 0.01)


def scripted(*answers: httpx.Response) -> tuple[httpx.MockTransport, list[str]]:
    """A transport answering with ``answers`` in order (the last one repeats)."""
    asked: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        asked.append(str(request.url))
        return answers[min(len(asked), len(answers)) - 1]

    return httpx.MockTransport(handler), asked


def run_fetch(transport: httpx.AsyncBaseTransport, network: NetworkConfig,
              url: str = "https://news.example/a"):  # noqa: ANN201
    async def go():  # noqa: ANN202
        async with build_client(network, transport=transport) as client:
            return await fetch(client, url, network)
    return asyncio.run(go())


# -- retries --------------------------------------------------------------------------------

def test_fetch_retries_5xx_then_succeeds() -> None:
    transport, asked = scripted(httpx.Response(503), httpx.Response(502),
                                httpx.Response(200, text="ok"))
    response = run_fetch(transport, replace(NetworkConfig(), retries=2))
    assert (response.status, response.body, len(asked)) == (200, b"ok", 3)


def test_fetch_gives_up_after_retries() -> None:
    transport, asked = scripted(httpx.Response(500))
    with pytest.raises(FetchError, match="HTTP 500"):
        run_fetch(transport, replace(NetworkConfig(), retries=1))
    assert len(asked) == 2


@pytest.mark.parametrize("status", [404, 410, 403])
def test_client_errors_are_not_retried(status: int) -> None:
    transport, asked = scripted(httpx.Response(status))
    with pytest.raises(FetchError, match=f"HTTP {status}"):
        run_fetch(transport, replace(NetworkConfig(), retries=3))
    assert len(asked) == 1


def test_connect_errors_are_retried() -> None:
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        if len(calls) < 3:
            raise httpx.ConnectError("refused", request=request)
        return httpx.Response(200, text="up")

    response = run_fetch(httpx.MockTransport(handler), replace(NetworkConfig(), retries=2))
    assert response.body == b"up"


def test_retry_after_seconds_and_date() -> None:
    now = datetime(2026, 1, 1, 12, 0, 0, tzinfo=UTC)
    assert retry.retry_after("7") == 7.0
    assert retry.retry_after("Thu, 01 Jan 2026 12:00:30 GMT", now=now) == 30.0
    assert retry.retry_after("soon") is None


def test_backoff_is_capped_and_long_retry_after_stops() -> None:
    assert retry.backoff(30) <= retry.BACKOFF_CAP
    assert retry.backoff(1, asked=2.0) == 2.0
    assert retry.backoff(1, asked=retry.RETRY_AFTER_CAP + 1) is None


# -- size caps and decoding -----------------------------------------------------------------

def test_fetch_refuses_bodies_over_max_bytes() -> None:
    transport, _ = scripted(httpx.Response(200, content=b"x" * 5000))
    with pytest.raises(FetchError, match="too large"):
        run_fetch(transport, replace(NetworkConfig(), max_bytes=1000))


def test_gzip_bomb_is_cut_without_inflating_it_whole() -> None:
    bomb = gzip.compress(b"\0" * 50_000_000)
    transport, _ = scripted(httpx.Response(200, content=bomb,
                                           headers={"Content-Encoding": "gzip"}))
    started = time.monotonic()
    with pytest.raises(FetchError, match="too large"):
        run_fetch(transport, replace(NetworkConfig(), max_bytes=100_000))
    assert time.monotonic() - started < 0.5


@pytest.mark.parametrize(("encoding", "compress"), [
    ("gzip", gzip.compress), ("deflate", zlib.compress),
    ("deflate", lambda data: zlib.compress(data)[2:-4]),  # raw deflate, as some servers send
])
def test_read_limited_decodes_and_truncates(encoding: str, compress) -> None:  # noqa: ANN001
    text = b"<p>" + b"hello " * 1000

    async def go(limit: int) -> tuple[bytes, bool]:
        response = httpx.Response(200, stream=httpx.ByteStream(compress(text)),
                                  headers={"Content-Encoding": encoding})
        return await read_limited(response, limit)

    assert asyncio.run(go(10_000)) == (text, False)
    assert asyncio.run(go(100)) == (text[:100], True)


def test_get_truncate_keeps_the_head() -> None:
    transport, _ = scripted(httpx.Response(200, content=b"a" * 100_000,
                                           headers={"Content-Type": "text/html"}))
    network = NetworkConfig()

    async def go():  # noqa: ANN202
        async with build_client(network, transport=transport) as client:
            return await get(client, "https://x.example/", network, limit=1000, truncate=True)

    answer = asyncio.run(go())
    assert (len(answer.body), answer.truncated) == (1000, True)


# -- politeness limits ----------------------------------------------------------------------

def test_limiter_caps_per_host_and_globally() -> None:
    limiter = HostLimiter(concurrency=4, per_host=2)
    active: dict[str, int] = {}
    peak: dict[str, int] = {}
    total = {"now": 0, "max": 0}

    async def job(host: str) -> None:
        async with limiter.slot(host):
            active[host] = active.get(host, 0) + 1
            total["now"] += 1
            peak[host] = max(peak.get(host, 0), active[host])
            total["max"] = max(total["max"], total["now"])
            await asyncio.sleep(0.01)
            active[host] -= 1
            total["now"] -= 1

    async def go() -> None:
        await asyncio.gather(*(job(h) for h in ["a", "b", "c"] * 5))

    asyncio.run(go())
    assert max(peak.values()) == 2
    assert total["max"] == 4


def test_limiter_spaces_starts_to_one_host() -> None:
    limiter = HostLimiter(concurrency=10, per_host=10, delay=0.05)
    starts: list[float] = []

    async def job() -> None:
        async with limiter.slot("a"):
            starts.append(time.monotonic())

    async def go() -> None:
        await asyncio.gather(*(job() for _ in range(4)))

    asyncio.run(go())
    gaps = [b - a for a, b in zip(starts, starts[1:], strict=False)]
    assert all(gap >= 0.045 for gap in gaps), gaps


def test_slot_is_released_when_the_response_is_closed() -> None:
    # per-host concurrency 1: a slot that leaked would hang the second request
    transport, asked = scripted(httpx.Response(200, text="x"))
    network = replace(NetworkConfig(), per_host_concurrency=1, concurrency=1)

    async def go() -> None:
        async with build_client(network, transport=transport) as client:
            for _ in range(3):
                await asyncio.wait_for(get(client, "https://a.example/", network), 1)

    asyncio.run(go())
    assert len(asked) == 3


# -- live ------------------------------------------------------------------------------------

def test_live_tests_in_loopback_namespace() -> None:
    netns.run_in_netns(__file__)


@netns.live
def test_live_fetch_follows_redirects_through_the_guard() -> None:
    netns.assert_isolated()
    with host_server() as server:
        server.redirect("news.example", "/old", "/new", status=308)
        server.route("news.example", "/new", Reply(200, "<p>new</p>"))
        network = replace(NetworkConfig(retries=0), allow_hosts=("news.example",))

        async def go():  # noqa: ANN202
            async with build_client(network, resolver=server.resolver()) as client:
                return await fetch(client, "http://news.example/old", network)

        response = asyncio.run(go())
    assert (response.final_url, response.body) == ("http://news.example/new", b"<p>new</p>")


@netns.live
def test_live_proxy_environment_is_ignored(monkeypatch: pytest.MonkeyPatch) -> None:
    # A proxy would resolve and connect for us, out of the guard's reach.
    netns.assert_isolated()
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")
    monkeypatch.setenv("ALL_PROXY", "http://127.0.0.1:9")
    server: HostServer
    with host_server() as server:
        server.page("direct.example", "/")
        network = replace(NetworkConfig(retries=0), allow_hosts=("direct.example",))

        async def go():  # noqa: ANN202
            async with build_client(network, resolver=server.resolver()) as client:
                return await get(client, "http://direct.example/", network)

        assert asyncio.run(go()).status == 200

"""The overall request deadline: headers and body must arrive within [network] deadline."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from postlink.cli import cli
from postlink.config import NetworkConfig
from postlink.errors import FetchError
from postlink.net.client import build_client, fetch

LOOPBACK = replace(NetworkConfig(), timeout=2.0, deadline=1.0, retries=0,
                   allow_hosts=("127.0.0.1",))
HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 5\r\n\r\n"


class Trickler:
    """A loopback server that sends ``prefix`` at once, then ``data`` one byte every ``gap``
    seconds. The gap is shorter than the read timeout, so only an overall deadline stops the
    client.
    """

    def __init__(self, data: bytes, gap: float, prefix: bytes = b"") -> None:
        self.data = data
        self.gap = gap
        self.prefix = prefix
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}/slow"
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)

    def _serve(self) -> None:
        self.sock.settimeout(10)
        try:
            conn, _ = self.sock.accept()
        except OSError:
            return
        with conn:
            conn.recv(65536)
            conn.sendall(self.prefix)
            for byte in self.data:
                if self.done.wait(self.gap):
                    return
                try:
                    conn.sendall(bytes([byte]))
                except OSError:  # the client gave up: what the test wants
                    return

    def __enter__(self) -> Trickler:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.done.set()
        self.sock.close()
        self.thread.join(5)


@pytest.fixture
def header_trickler() -> Iterator[Trickler]:
    # 60 bytes of headers at 0.3 s each: 18 s if nothing cut it short
    with Trickler(HEAD + b"<p>a</p>", gap=0.3) as server:
        yield server


def fetch_once(url: str, network: NetworkConfig) -> None:
    async def go() -> None:
        async with build_client(network) as client:
            await fetch(client, url, network)

    asyncio.run(go())


def test_headers_trickling_in_fail_at_the_deadline(header_trickler: Trickler) -> None:
    started = time.monotonic()
    with pytest.raises(FetchError) as info:
        fetch_once(header_trickler.url, LOOPBACK)
    took = time.monotonic() - started
    assert 0.9 < took < 1.8, took
    assert info.value.reason == ("timed out: the response headers did not arrive within 1s "
                                 "([network] deadline); raise it for slow servers")


def test_a_body_trickling_in_fails_at_the_deadline() -> None:
    body = b"<p>" + b"x" * 40 + b"</p>"
    head = f"HTTP/1.1 200 OK\r\nContent-Length: {len(body)}\r\n\r\n".encode()
    # the headers at once, then the body a byte every 0.1 s: 4.7 s if nothing cut it short
    with Trickler(body, gap=0.1, prefix=head) as server:
        started = time.monotonic()
        with pytest.raises(FetchError) as info:
            fetch_once(server.url, LOOPBACK)
    assert 0.9 < time.monotonic() - started < 1.8
    assert info.value.reason.startswith("timed out: the body did not arrive within 1s")


def test_waiting_for_a_politeness_slot_does_not_count() -> None:
    # One request per host at a time, each taking 0.6 s: the second waits 0.6 s for its
    # slot, then takes 0.6 s itself; 1.2 s in all, but only 0.6 s against its 1 s deadline.
    async def slow(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(0.6)
        return httpx.Response(200, text="ok")

    network = replace(LOOPBACK, per_host_concurrency=1)

    async def go() -> list[int]:
        async with build_client(network, transport=httpx.MockTransport(slow)) as client:
            pages = await asyncio.gather(*(fetch(client, f"https://a.example/{i}", network)
                                           for i in range(2)))
        return [page.status for page in pages]

    started = time.monotonic()
    assert asyncio.run(go()) == [200, 200]
    assert time.monotonic() - started >= 1.15


def test_add_gives_up_on_a_trickling_server(header_trickler: Trickler, tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[archive]\ndb = "archive.db"\n[network]\ntimeout = 2\ndeadline = 1\n'
                      'retries = 2\nallow_hosts = ["127.0.0.1"]\n', encoding="utf-8")
    started = time.monotonic()
    result = CliRunner().invoke(cli, ["--config", str(config), "add", header_trickler.url])
    # not retried: a server that trickles once trickles again
    assert time.monotonic() - started < 2.5
    assert result.exit_code == 1
    assert result.output == (f"Error: {header_trickler.url}: timed out: the response headers "
                             "did not arrive within 1s ([network] deadline); raise it for "
                             "slow servers\n")


def test_fetch_error_keeps_the_last_answer() -> None:
    def busy(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/old":
            return httpx.Response(301, headers={"Location": "/new"})
        return httpx.Response(503, headers={"Retry-After": "120", "ETag": '"v2"'})

    async def go() -> None:
        async with build_client(LOOPBACK, transport=httpx.MockTransport(busy)) as client:
            await fetch(client, "https://a.example/old", LOOPBACK)

    with pytest.raises(FetchError) as info:
        asyncio.run(go())
    assert (info.value.reason, info.value.status) == (
        "HTTP 503 (server busy or failing); try again later", 503)
    assert (info.value.headers["retry-after"], info.value.headers["etag"]) == ("120", '"v2"')

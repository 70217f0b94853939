"""A loopback HTTP server that plays many hosts at once, routing on the Host header.

Tests make names like ``t.co`` or ``bit.ly`` resolve to 127.0.0.1 with
``guard.static_resolver``, so one server on 127.0.0.1 answers as t.co, bit.ly and the news
sites behind them. Inside the test network namespace (tests/netns.py) it listens on port 80,
so test URLs look like real ones (``http://t.co/abc``).
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from postlink.net import guard


@dataclass
class Reply:
    status: int = 200
    body: bytes | str = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before the status line
    chunks: tuple[bytes, ...] = ()  # streamed after the body, one write each, with chunk_delay
    chunk_delay: float = 0.0


@dataclass(frozen=True)
class Seen:
    host: str
    path: str
    user_agent: str
    at: float


Handler = Callable[[Seen], Reply]


class HostServer:
    """Threaded HTTP server; ``route(host, path, reply)`` where reply is a Reply or a function."""

    def __init__(self, port: int = 0) -> None:
        self.routes: dict[tuple[str, str], Reply | Handler] = {}
        self.seen: list[Seen] = []
        server = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802 (the name http.server calls)
                host = (self.headers.get("Host") or "").rsplit(":", 1)[0].lower()
                seen = Seen(host, self.path, self.headers.get("User-Agent", ""), time.monotonic())
                server.seen.append(seen)
                route = server.routes.get((host, self.path)) or server.routes.get((host, "*"))
                reply = route(seen) if callable(route) else route or Reply(404, "not found")
                time.sleep(reply.delay)
                body = reply.body.encode() if isinstance(reply.body, str) else reply.body
                headers = {"Content-Type": "text/html; charset=utf-8", **reply.headers}
                if not reply.chunks and "Content-Length" not in headers:
                    headers["Content-Length"] = str(len(body))
                if reply.chunks:
                    headers["Connection"] = "close"
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.send_response(reply.status)
                    for name, value in headers.items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(body)
                    for chunk in reply.chunks:  # the client may hang up on purpose
                        self.wfile.write(chunk)
                        self.wfile.flush()
                        time.sleep(reply.chunk_delay)
                if reply.chunks:
                    self.close_connection = True

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), _Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def route(self, host: str, path: str, reply: Reply | Handler) -> None:
        self.routes[(host, path)] = reply

    def redirect(self, host: str, path: str, location: str, status: int = 301) -> None:
        self.route(host, path, Reply(status, "", {"Location": location}))

    def page(self, host: str, path: str, html: str = "<p>an article</p>") -> None:
        self.route(host, path, Reply(200, html))

    def hits(self, host: str) -> list[Seen]:
        return [s for s in self.seen if s.host == host]

    def hosts(self) -> tuple[str, ...]:
        """Every host with a route: the allow_hosts a test needs to reach its own server."""
        return tuple(sorted({h for h, _ in self.routes}))

    def resolver(self, *hosts: str) -> guard.Resolver:
        """Every named host, and every host with a route, resolves to 127.0.0.1."""
        names = {h for h, _ in self.routes} | set(hosts)
        return guard.static_resolver({name: "127.0.0.1" for name in names})

    def __enter__(self) -> HostServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


@contextlib.contextmanager
def host_server(port: int = 80) -> Iterator[HostServer]:
    with HostServer(port) as server:
        yield server

"""Shared fixtures: a loopback HTTP site, temp databases and configs, the shared corpus path."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
CORPUS = SHARED / "corpus" / "real" / "dev"
DATA = Path(__file__).resolve().parent / "data"


@dataclass
class Route:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


class LoopbackSite:
    """A threaded HTTP server on 127.0.0.1 answering from a dict of routes."""

    def __init__(self) -> None:
        self.routes: dict[str, Route | Callable[[BaseHTTPRequestHandler], Route]] = {}
        self.requests: list[str] = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                site.requests.append(self.path)
                route = site.routes.get(self.path.split("?", 1)[0])
                if callable(route):
                    route = route(self)
                if route is None:
                    route = Route(404, b"not found")
                if route.delay:
                    time.sleep(route.delay)
                self.send_response(route.status)
                headers = {"Content-Type": "text/html; charset=utf-8", **route.headers}
                for name, value in headers.items():
                    self.send_header(name, value)
                if "Content-Length" not in headers:
                    self.send_header("Content-Length", str(len(route.body)))
                self.end_headers()
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(route.body)  # the client may hang up on purpose

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        return self.base + path

    def add(self, path: str, body: bytes | str = b"", status: int = 200, **headers: str) -> str:
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.routes[path] = Route(status, data, {k.replace("_", "-"): v for k, v in headers.items()})
        return self.url(path)


@pytest.fixture
def site() -> Iterator[LoopbackSite]:
    s = LoopbackSite()
    s.thread.start()
    yield s
    s.server.shutdown()
    s.server.server_close()


@pytest.fixture
def loopback_config(tmp_path: Path) -> Path:
    """A config.toml that lets the guard reach 127.0.0.1 and keeps timeouts short."""
    path = tmp_path / "config.toml"
    path.write_text(
        '[archive]\ndb = "archive.db"\n\n[network]\ntimeout = 2\nmax_bytes = 200000\n'
        'retries = 0\nallow_hosts = ["127.0.0.1"]\n',
        encoding="utf-8",
    )
    return path


def corpus_or_skip() -> Path:
    if not CORPUS.is_dir():
        pytest.skip(f"the shared corpus is not here ({CORPUS}); it ships with CI, not with a clone")
    return CORPUS

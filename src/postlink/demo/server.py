"""The demo site: a threaded HTTP server on 127.0.0.1 serving the files in site/."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources

SITE = resources.files("postlink.demo") / "site"
ROUTES = {
    "/feed.xml": ("feed.xml", "application/rss+xml"),
    "/articles/harbour-bridge.html": ("harbour-bridge.html", "text/html; charset=utf-8"),
    "/articles/river-flood.html": ("river-flood.html", "text/html; charset=utf-8"),
    "/articles/library-hours.html": ("library-hours.html", "text/html; charset=utf-8"),
}


# The demo's t.co: code -> target path on the demo site (tracking parameter included, as
# real shorteners pass them on; postlink strips it from the canonical URL).
SHORT_LINKS = {"dEmO1bRdg": "/articles/river-flood.html?utm_source=twitter&utm_medium=social"}
_BROWSER_PAGE = (
    '<head><meta name="referrer" content="always"><noscript><META http-equiv="refresh" '
    'content="0;URL={target}"></noscript><title>{target}</title></head><script>window.opener '
    '= null; location.replace("{escaped}")</script>'
)


class _Handler(BaseHTTPRequestHandler):
    server_version = "postlink-demo"

    def do_GET(self) -> None:  # noqa: N802 (the name http.server calls)
        path = self.path.split("?", 1)[0]
        # an (ip, port) pair: the server is AF_INET (typeshed also allows AF_UNIX's str)
        host, port = self.server.server_address[:2]  # type: ignore[index, str-unpack]
        base = f"http://{host!s}:{port}"
        if path.startswith("/t/"):
            self._short_link(path[3:], base)
            return
        route = ROUTES.get(path)
        if route is None:
            self.send_error(404)
            return
        name, content_type = route
        body = (SITE / name).read_text(encoding="utf-8").replace("{base}", base).encode()
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _short_link(self, code: str, base: str) -> None:
        """Answer like t.co: a 301 for honest clients, a 200 redirect page for browsers."""
        target = SHORT_LINKS.get(code)
        if target is None:
            self.send_error(404)
            return
        target = base + target
        if "Mozilla" in self.headers.get("User-Agent", ""):
            page = _BROWSER_PAGE.format(target=target, escaped=target.replace("/", "\\/"))
            body = page.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        self.send_response(301)
        self.send_header("Location", target)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass  # the demo prints its own summary


DEFAULT_PORT = 8765  # fixed, so article URLs (and so the archive) are the same on every run


@contextmanager
def serve_demo_site(port: int = DEFAULT_PORT) -> Iterator[str]:
    """Serve the demo site on loopback; yields its base URL. Falls back to any free port."""
    try:
        server = ThreadingHTTPServer(("127.0.0.1", port), _Handler)
    except OSError:
        server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        host, bound = server.server_address[:2]
        yield f"http://{host!s}:{bound}"
    finally:
        server.shutdown()
        server.server_close()

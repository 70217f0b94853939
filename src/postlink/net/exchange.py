"""One HTTP exchange as postlink made it: the request it sent and the response it read.

Every attempt of every request (an article, each redirect hop, each short-link hop, each
post-capture call, robots.txt and feeds) is handed to the run's ``RequestLogger`` as one
``Exchange``; the archive keeps it whole (``fetch_log`` plus a content-addressed body), which is
what ``postlink export --format warc`` writes out. A pure value: no I/O here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

Headers = tuple[tuple[str, str], ...]  # (name, value) pairs in the order sent, names as sent


@dataclass(frozen=True)
class Exchange:
    """A request and what came back; ``status`` is None when no response arrived.

    ``body`` is the body as postlink read it: after the transfer and content encodings were
    undone (gzip, deflate), at most the read limit (then ``truncated``). ``response_headers``
    are the server's own, Content-Encoding included, so a reader knows what was on the wire.

    >>> Exchange("https://news.example/a", at="2024-10-16T09:00:00+00:00", status=200,
    ...          body=b"<html>...</html>")
    """

    url: str
    at: str  # ISO 8601 UTC time the attempt started
    method: str = "GET"
    request_headers: Headers = ()
    status: int | None = None
    reason: str | None = None
    http_version: str | None = None  # "HTTP/1.1"
    response_headers: Headers = field(default=())
    body: bytes = b""
    truncated: bool = False  # the body was cut at the read limit or not read (not HTML)
    ms: float = 0.0
    error: str | None = None  # why no (complete) response: "timeout", "too large", …


# Called once per attempt; the archive's Store.log_fetch is one.
RequestLogger = Callable[[Exchange], None]

"""Post URLs to canonical keys, and post ids to creation times.

A canonical key names one post whatever URL form pointed at it: ``x:1740000000000000000``.
Each platform is one entry in ``PLATFORMS``; adding a platform adds one parser function.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

X_EPOCH_MS = 1288834974657  # twitter snowflake epoch, 2010-11-04T01:42:54.657Z


@dataclass(frozen=True)
class PostRef:
    """What a post URL tells us: ``PostRef("x", "x:20", "https://twitter.com/jack/status/20", "jack")``."""

    platform: str
    key: str
    permalink: str
    handle: str | None = None


X_HOSTS = frozenset({
    "twitter.com", "www.twitter.com", "mobile.twitter.com", "m.twitter.com",
    "x.com", "www.x.com", "mobile.x.com",
    "fxtwitter.com", "vxtwitter.com", "fixupx.com", "fixvx.com",
})
_X_PATH = re.compile(
    r"^/(?:(?P<handle>[A-Za-z0-9_]{1,15})/status(?:es)?|i/web/status|i/status)/(?P<id>\d{1,20})(?:/|$)"
)
_X_RESERVED = frozenset({"i", "home", "search", "hashtag", "intent", "share", "explore", "settings"})


def _parse_x(host: str, path: str) -> PostRef | None:
    if host not in X_HOSTS:
        return None
    m = _X_PATH.match(path)
    if not m:
        return None
    handle = m.group("handle")
    if handle and handle.lower() in _X_RESERVED:
        handle = None
    status_id = m.group("id")
    if handle:
        permalink = f"https://twitter.com/{handle}/status/{status_id}"
    else:
        permalink = f"https://twitter.com/i/web/status/{status_id}"
    return PostRef("x", f"x:{status_id}", permalink, handle)


_PARSERS: list[Callable[[str, str], PostRef | None]] = [_parse_x]


def parse_post_url(url: str) -> PostRef | None:
    """The post a URL points at, or None if it is not a single-post URL we know."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme not in ("http", "https", ""):
        return None
    host = (parts.hostname or "").lower()
    for parser in _PARSERS:
        ref = parser(host, parts.path)
        if ref is not None:
            return ref
    return None


def x_created_at(status_id: int | str) -> datetime | None:
    """Creation time encoded in an X snowflake id; None for pre-snowflake (sequential) ids."""
    value = int(status_id)
    if value < 2**22 * 1000:  # ids before Nov 2010 were sequential and decode to nonsense
        return None
    return datetime.fromtimestamp(((value >> 22) + X_EPOCH_MS) / 1000, tz=UTC)


def created_at(key: str) -> datetime | None:
    """Creation time for a canonical key, where the platform encodes it in the id."""
    platform, _, ident = key.partition(":")
    if platform == "x" and ident.isdigit():
        return x_created_at(ident)
    return None

"""RSS and Atom feeds (feedparser) to article URLs."""

from __future__ import annotations

import feedparser

from postlink.errors import FetchError


def feed_urls(body: bytes, *, feed_url: str) -> list[str]:
    """Article links of a feed, in feed order; FetchError if the body is not a feed."""
    parsed = feedparser.parse(body, response_headers={"content-location": feed_url})
    if parsed.bozo and not parsed.entries:
        raise FetchError(feed_url, f"not a readable feed ({parsed.get('bozo_exception')})")
    urls = []
    for entry in parsed.entries:
        link = entry.get("link")
        if link and link not in urls:
            urls.append(link)
    return urls

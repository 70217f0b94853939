"""RSS 0.9x/1.0 (RDF)/2.0 and Atom feeds (feedparser) to article items."""

from __future__ import annotations

from urllib.parse import urlsplit

import feedparser

from postlink.errors import FetchError
from postlink.sources import Item

# Feed proxies rewrite item links to go through their own redirector; the entry carries the
# real address elsewhere (diffengine #17: the same story stored twice under two URLs).
_PROXY_HOSTS = ("feedproxy.google.com", "feeds.feedburner.com", "feeds.feedblitz.com")


def parse_feed(body: bytes, *, feed_url: str) -> list[Item]:
    """Article items of a feed, in feed order, duplicates dropped.

    Raise FetchError (one line, naming the feed) when the body is not a feed at all, e.g. an
    HTML page served at the feed address.
    """
    parsed = feedparser.parse(body, response_headers={"content-location": feed_url})
    items = _items(parsed.entries)
    # Slightly broken XML that still yields articles is common and worth reading; a document
    # that yields nothing and is broken (or is no feed at all) is an error, never "0 new".
    broken = parsed.bozo and not isinstance(parsed.get("bozo_exception"),
                                            feedparser.ThingsNobodyCaresAboutButMe)
    if not items and (broken or not parsed.get("version")):
        head = body[:512].lstrip().lower()
        if head.startswith((b"<!doctype html", b"<html")):
            raise FetchError(feed_url, "returned an HTML page, not a feed; check the feed URL")
        reason = parsed.get("bozo_exception") or "no RSS, RDF or Atom root element"
        raise FetchError(feed_url, f"not a readable feed ({reason}); check the feed URL, or "
                                   "set kind to what the address serves (sitemap, list)")
    return items


def _items(entries: list[feedparser.FeedParserDict]) -> list[Item]:
    items: list[Item] = []
    seen: set[str] = set()
    for entry in entries:
        url = entry_url(entry)
        if url is None or url in seen:
            continue
        seen.add(url)
        # dict.get: FeedParserDict.get("updated") falls back to "published" with a warning
        stamp = dict.get(entry, "updated") or dict.get(entry, "published")
        items.append(Item(url, stamp=stamp, title=entry.get("title")))
    return items


def entry_url(entry: feedparser.FeedParserDict) -> str | None:
    """The article address of an entry: the proxy's original link if any, else its link."""
    original = entry.get("feedburner_origlink")
    if _is_http(original):
        return str(original)
    link = entry.get("link")
    guid = entry.get("id")
    # Behind a proxy link, an http(s) guid is the publisher's own address (tag: URIs and
    # opaque ids are not http, so they never match).
    if _is_http(link) and _is_proxy(str(link)) and _is_http(guid) and not _is_proxy(str(guid)):
        return str(guid)
    if _is_http(link):
        return str(link)
    # No link: feedparser sets guidislink when the guid is a permalink (isPermaLink="true").
    return str(guid) if _is_http(guid) and entry.get("guidislink", False) else None


def feed_urls(body: bytes, *, feed_url: str) -> list[str]:
    """Article links of a feed, in feed order (the demo's one-shot reader)."""
    return [item.url for item in parse_feed(body, feed_url=feed_url)]


def _is_proxy(url: str) -> bool:
    parts = urlsplit(url)
    return (parts.hostname or "") in _PROXY_HOSTS or "/~r/" in parts.path


def _is_http(value: object) -> bool:
    return isinstance(value, str) and value.startswith(("http://", "https://"))

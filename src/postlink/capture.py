"""Capture the authoritative post from the platform and tell live / deleted / gated / unavailable.

The archive first knows a post from the article's embed: the publisher's copy. ``check-posts``
asks the platform itself through its no-login endpoints (reference/platforms.md §1.4, 2.4,
3.4, 9), each configurable in ``[capture]``:

    x          oEmbed JSON; ``html`` is the twitter-tweet blockquote, read by extract/embeds
    youtube    oEmbed JSON; the title is the text
    bluesky    AppView ``app.bsky.feed.getPosts``; a missing post is simply left out
    mastodon   ``/api/v1/statuses/<id>`` on the post's own server; ``content`` is HTML

Outcomes (``Capture.status``): ``live`` (with text), ``deleted`` (the platform says it is
gone), ``gated`` (protected, login- or embed-walled), ``unavailable`` (errors, rate limits,
malformed answers: retry later) and ``not_checked`` (no endpoint for the platform, or no
permalink). Every request goes through the one client (``net.client.follow``: address guard,
limits, retries, deadline); nothing here raises for a single post, the reason is in ``Capture.error``.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

import httpx
import lxml.html
from lxml.etree import ParserError

from postlink.config import CaptureConfig, Config, NetworkConfig
from postlink.errors import BlockedAddress, FetchError, NotFound
from postlink.extract.embeds import find_embeds
from postlink.extract.embeds.markup import paragraphs_text, text_with_breaks, tidy
from postlink.net import guard
from postlink.net.client import build_client, follow
from postlink.net.exchange import RequestLogger
from postlink.platforms import parse_post_url
from postlink.store import Store

STATUSES = ("live", "deleted", "gated", "unavailable", "not_checked")
# The platform name of each key prefix, for messages ("bsky:" keys are Bluesky posts).
PLATFORM_NAMES = {"bsky": "bluesky"}
# HTTP answers that say something about the post itself; any other non-2xx is "unavailable".
HTTP_OUTCOMES: dict[str, dict[int, str]] = {
    "x": {404: "deleted", 410: "deleted", 403: "gated"},
    "youtube": {404: "deleted", 410: "deleted", 401: "gated", 403: "gated"},
    "bluesky": {},  # getPosts answers 200 and leaves missing posts out
    # Deleted, private and blocked posts all answer 404 (mastodon#35869, feditext#204); 401
    # comes from servers that require login for the API (DISALLOW_UNAUTHENTICATED_API_ACCESS).
    "mastodon": {404: "deleted", 410: "deleted", 401: "gated", 403: "gated"},
}
# X's oEmbed says this (HTTP status unconfirmed) for posts of suspended accounts: gone for us.
X_SUSPENDED = b"has been suspended"
# YouTube once answered private videos with 200 and this bare body (ruby-oembed#79).
YOUTUBE_FORBIDDEN = b"Forbidden"
# A Bluesky author's self-label asking that logged-out viewers not be shown their posts.
BSKY_NO_UNAUTHENTICATED = "!no-unauthenticated"
JSON_HEADERS = {"Accept": "application/json"}


@dataclass(frozen=True)
class Capture:
    """What the platform said about one post.

    >>> Capture("x:20", "live", text="just setting up my twttr", author_handle="jack",
    ...         source="oembed")
    """

    key: str
    status: str  # one of STATUSES
    text: str | None = None  # only when live
    truncated: bool = False
    author_name: str | None = None
    author_handle: str | None = None
    source: str | None = None  # oembed | api: the post_versions.source of the text
    error: str | None = None  # why it is not live ("HTTP 404", "no public endpoint …")
    endpoint: str | None = None  # the URL asked


@dataclass(frozen=True)
class Checked:
    """One post of a ``check-posts`` run: the capture and what it changed in the archive."""

    capture: Capture
    old_status: str
    status: str
    new_version: bool  # the text differs from every archived version of the post
    gone_since: str | None

    @property
    def key(self) -> str:
        return self.capture.key

    @property
    def failed(self) -> bool:
        return self.status == "unavailable"

    @property
    def brings_text(self) -> bool:
        """The platform gave a text that pages lacking the post's text should be checked
        against: a new one, or, at a post's first check, one the archive already held from
        another page (read after the pages that lacked it, perhaps)."""
        live = self.status == "live" and bool(self.capture.text)
        return live and (self.new_version or self.old_status == "not_checked")

    def as_json(self) -> dict[str, Any]:
        c = self.capture
        return {"key": c.key, "old_status": self.old_status, "status": self.status,
                "new_version": self.new_version, "text": c.text, "author_name": c.author_name,
                "author_handle": c.author_handle, "source": c.source, "error": c.error,
                "gone_since": self.gone_since, "endpoint": c.endpoint}


def platform_of(key: str) -> str:
    prefix = key.partition(":")[0]
    return PLATFORM_NAMES.get(prefix, prefix)


def endpoint_for(key: str, permalink: str | None, settings: CaptureConfig) -> str | None:
    """The URL that answers for this post, or None when its platform has no endpoint set."""
    platform = platform_of(key)
    ident = key.partition(":")[2]
    if platform == "x" and settings.x_oembed and ident.isdigit():
        post_url = permalink or f"https://twitter.com/i/web/status/{ident}"
        return _with_query(settings.x_oembed, {"url": post_url, "omit_script": "1", "dnt": "1"})
    if platform == "youtube" and settings.youtube_oembed:
        post_url = f"https://www.youtube.com/watch?v={ident}"
        return _with_query(settings.youtube_oembed, {"url": post_url, "format": "json"})
    if platform == "bluesky" and settings.bluesky_api and "/" in ident:
        actor, rkey = ident.rsplit("/", 1)
        return _with_query(settings.bluesky_api,
                           {"uris": f"at://{actor}/app.bsky.feed.post/{rkey}"})
    if platform == "mastodon" and settings.mastodon_api and "/" in ident:
        host, status_id = ident.rsplit("/", 1)
        return settings.mastodon_api.format(host=host, id=status_id)
    return None


def _with_query(base: str, params: Mapping[str, str]) -> str:
    return base + ("&" if "?" in base else "?") + urlencode(params)


# -- one post --------------------------------------------------------------------------------

async def capture_post(client: httpx.AsyncClient, key: str, permalink: str | None,
                       network: NetworkConfig, settings: CaptureConfig, *,
                       log: RequestLogger | None = None) -> Capture:
    """Ask the platform about one post; never raises for a failure of this post."""
    platform = platform_of(key)
    if key.partition(":")[2].startswith("@"):  # x:@handle/<hash>: a flattened post
        return Capture(key, "not_checked", error="no permalink known (a post copied as text)")
    url = endpoint_for(key, permalink, settings)
    if url is None:
        return Capture(key, "not_checked",
                       error=f"no public endpoint configured for {platform}")
    try:
        answer = await follow(client, url, network, headers=JSON_HEADERS, log=log)
    except BlockedAddress as exc:
        return Capture(key, "unavailable", error=f"refused by the address guard: {exc.reason}",
                       endpoint=url)
    except FetchError as exc:
        return Capture(key, "unavailable", error=exc.reason, endpoint=url)
    status, body = answer.status, answer.body
    if not 200 <= status < 300:
        outcome = HTTP_OUTCOMES.get(platform, {}).get(status, "unavailable")
        reason = f"HTTP {status}"
        if status == 429:
            reason += ", rate-limited: retry later"
        if platform == "x" and X_SUSPENDED in body:
            outcome, reason = "deleted", f"HTTP {status}, account suspended"
        return Capture(key, outcome, error=reason, endpoint=url)
    if platform == "youtube" and body.strip() == YOUTUBE_FORBIDDEN:
        return Capture(key, "gated", error="HTTP 200 'Forbidden', a private video", endpoint=url)
    try:
        data = json.loads(body)
        result = READERS[platform](key, data, url)
    except (ValueError, TypeError, KeyError, AttributeError, ParserError) as exc:
        # a 200 we cannot read (an HTML error page, a changed format): ask again later
        return Capture(key, "unavailable", endpoint=url,
                       error=f"malformed answer ({type(exc).__name__}: {str(exc)[:80]})")
    return result


def _read_x(key: str, data: Any, url: str) -> Capture:
    html = data["html"]
    if not isinstance(html, str) or not html.strip():
        raise ValueError("no html in the oEmbed answer")
    tree = lxml.html.document_fromstring(f"<html><body>{html}</body></html>")
    embeds = [f.embed for f in find_embeds(tree) if f.embed.platform == "x"]
    embed = next((e for e in embeds if e.key == key), embeds[0] if embeds else None)
    if embed is None or not embed.text:
        raise ValueError("no post blockquote in the oEmbed html")
    handle = embed.author_handle or _last_segment(data.get("author_url"))
    return Capture(key, "live", text=embed.text, truncated=embed.truncated,
                   author_name=embed.author_name or data.get("author_name"),
                   author_handle=handle, source="oembed", endpoint=url)


def _read_youtube(key: str, data: Any, url: str) -> Capture:
    title = data["title"]
    if not isinstance(title, str):
        raise ValueError("no title in the oEmbed answer")
    handle = _last_segment(data.get("author_url"))
    return Capture(key, "live", text=title.strip(), author_name=data.get("author_name"),
                   author_handle=handle.lstrip("@") if handle else None, source="oembed",
                   endpoint=url)


def _read_bluesky(key: str, data: Any, url: str) -> Capture:
    posts = data["posts"]
    if not isinstance(posts, list):
        raise ValueError("posts is not a list")
    if not posts:
        return Capture(key, "deleted", endpoint=url,
                       error="not returned by the AppView (deleted, or hidden by a block)")
    post = posts[0]
    author = post.get("author") or {}
    labels = {label.get("val") for label in author.get("labels") or ()}
    name = author.get("displayName") or None
    if BSKY_NO_UNAUTHENTICATED in labels:  # the author asked not to be shown logged out
        return Capture(key, "gated", author_name=name, author_handle=author.get("handle"),
                       error="the author hides posts from logged-out viewers", endpoint=url)
    text = post["record"]["text"]
    if not isinstance(text, str):
        raise ValueError("record.text is not a string")
    return Capture(key, "live", text=text.strip(), author_name=name,
                   author_handle=author.get("handle"), source="api", endpoint=url)


def _read_mastodon(key: str, data: Any, url: str) -> Capture:
    content = data["content"]
    if not isinstance(content, str):
        raise ValueError("content is not a string")
    account = data.get("account") or {}
    acct = account.get("acct") or None
    host = key.partition(":")[2].rsplit("/", 1)[0]
    if acct and "@" not in acct:  # a local account: name its server, as embeds do
        acct = f"{acct}@{host}"
    return Capture(key, "live", text=html_text(content), author_name=account.get("display_name")
                   or None, author_handle=acct, source="api", endpoint=url)


READERS = {"x": _read_x, "youtube": _read_youtube, "bluesky": _read_bluesky,
           "mastodon": _read_mastodon}


def html_text(content: str) -> str:
    """Mastodon's HTML ``content`` as text: one line per paragraph, <br> kept as a newline."""
    if not content.strip():
        return ""
    root = lxml.html.fragment_fromstring(content, create_parent="div")
    paragraphs = root.findall("p")
    return paragraphs_text(paragraphs) if paragraphs else tidy(text_with_breaks(root))


def _last_segment(url: object) -> str | None:
    if not isinstance(url, str):
        return None
    return urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1] or None


# -- many posts, with the archive ------------------------------------------------------------

@dataclass(frozen=True)
class CheckRun:
    checked: tuple[Checked, ...]
    seconds: float

    @property
    def failed(self) -> list[Checked]:
        return [c for c in self.checked if c.failed]

    @property
    def exit_code(self) -> int:
        return 1 if self.failed else 0

    def summary(self) -> str:
        counts = {s: sum(1 for c in self.checked if c.status == s) for s in STATUSES}
        versions = sum(1 for c in self.checked if c.new_version)
        states = ", ".join(f"{n} {s.replace('_', ' ')}" for s, n in counts.items())
        return (f"checked {len(self.checked)} posts in {self.seconds:.2f}s: {states}; "
                f"{versions} new text version(s)")


def posts_to_check(store: Store, settings: CaptureConfig, refs: Sequence[str], *,
                   everything: bool = False) -> list[dict[str, Any]]:
    """The posts rows named by ``refs`` (keys or URLs), else every post or the due ones."""
    if refs:
        rows = []
        for ref in refs:
            parsed = parse_post_url(ref) if "://" in ref else None
            key = parsed.key if parsed else ref
            row = store.post(key)
            if row is None:
                raise NotFound.post(key)
            rows.append(row)
        return list({r["key"]: r for r in rows}.values())
    return store.posts_due_for_check(None if everything else settings.recheck_after)


async def check_posts(store: Store, config: Config, rows: Sequence[Mapping[str, Any]], *,
                      transport: httpx.AsyncBaseTransport | None = None,
                      resolver: guard.Resolver | None = None) -> CheckRun:
    """Capture every post concurrently (the client's limits apply) and record each answer as
    it arrives, so an interrupted run keeps what it finished."""
    started = time.monotonic()

    async def one(client: httpx.AsyncClient, row: Mapping[str, Any]) -> Checked:
        capture = await capture_post(client, row["key"], row.get("permalink"), config.network,
                                     config.capture, log=store.log_fetch)
        recorded = store.record_capture(
            row["key"], status=capture.status, text=capture.text, truncated=capture.truncated,
            source=capture.source, author_handle=capture.author_handle,
            author_name=capture.author_name, endpoint=capture.endpoint)
        return Checked(capture, recorded.old_status, recorded.status, recorded.new_version,
                       recorded.gone_since)

    async with build_client(config.network, transport=transport, resolver=resolver) as client:
        checked = await asyncio.gather(*(one(client, row) for row in rows))
    return CheckRun(tuple(checked), time.monotonic() - started)


def check_posts_sync(store: Store, config: Config, rows: Sequence[Mapping[str, Any]], *,
                     transport: httpx.AsyncBaseTransport | None = None,
                     resolver: guard.Resolver | None = None) -> CheckRun:
    """``check_posts`` from synchronous code (the CLI)."""
    return asyncio.run(check_posts(store, config, rows, transport=transport, resolver=resolver))

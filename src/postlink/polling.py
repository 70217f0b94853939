"""Polling one source: its document fetched politely and conditionally, its items listed.

- robots.txt is asked first (net/robots.py); a disallowed document is a failed poll.
- Conditional GET (If-None-Match / If-Modified-Since from the last answer) spares the
  transfer; a 304 means "unchanged".
- The body's sha256 spares the parse when a server ignores validators or sends new ones for
  the same bytes; once a day the validators are left out, in case a server answers 304 to
  everything (Media Cloud turned conditional GET off for that reason; we keep it, checked).
- 429 and 503 raise ``Busy`` with the Retry-After the server asked for, so the runner can
  leave the source alone that long (short waits were already retried by net/client.py).
- A sitemap index is followed one level down: children whose lastmod changed, and undated
  children (a news sitemap under a static index), each with its own validators and hash.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from postlink.config import NetworkConfig, SourceConfig
from postlink.errors import Busy, FetchError
from postlink.net.client import Response, fetch
from postlink.net.exchange import RequestLogger
from postlink.net.retry import retry_after
from postlink.net.robots import RobotsCache
from postlink.sources import Item
from postlink.sources.feeds import parse_feed
from postlink.sources.folders import scan_folder
from postlink.sources.lists import parse_list
from postlink.sources.sitemaps import parse_sitemap
from postlink.store import now, sha256

FULL_REFETCH_AFTER = 24 * 3600.0  # seconds between polls sent without validators
MAX_CHILD_SITEMAPS = 100  # child sitemaps read per poll of an index; the rest next time
DEFERRING = (429, 503)  # "come back later": honour Retry-After for the whole source


@dataclass(frozen=True)
class Discovery:
    """A poll's result: the items listed, or None when nothing changed since the last poll."""

    items: list[Item] | None
    validators: dict[str, Any] = field(default_factory=dict)  # sources columns to update
    errors: list[str] = field(default_factory=list)  # child sitemaps that failed



class Poller:
    """Reads source documents for one run, through the run's client and robots cache.

    >>> found = await Poller(client, network, robots).discover(source, row)
    >>> found.items  # None: unchanged
    """

    def __init__(self, client: httpx.AsyncClient, network: NetworkConfig, robots: RobotsCache,
                 log: RequestLogger | None = None) -> None:
        self.client = client
        self.network = network
        self.robots = robots
        self.log = log

    async def discover(self, src: SourceConfig, row: Mapping[str, Any]) -> Discovery:
        """The items of ``src`` if its document changed; ``row`` is its sources row."""
        if src.kind == "folder":
            assert src.path is not None  # config.py requires it for folders
            items = scan_folder(src.path)
            digest = sha256(json.dumps([(i.url, i.stamp) for i in items]))
            if digest == row["content_sha256"]:
                return Discovery(None)
            return Discovery(items, {"content_sha256": digest})
        body, where, validators = await self._read(src, row)
        if body is not None:
            digest = sha256(body)
            if digest == row["content_sha256"]:
                body = None
            else:
                validators["content_sha256"] = digest
        if src.kind == "sitemap":
            return await self._sitemap(body, where, row, validators)
        if body is None:
            return Discovery(None, validators)
        if src.kind == "feed":
            return Discovery(parse_feed(body, feed_url=where), validators)
        return Discovery(parse_list(body, url=where), validators)

    async def document(self, url: str, validators: Mapping[str, Any] | None = None
                       ) -> Response:
        """GET a source document (conditionally with ``validators``); 304 is returned."""
        if not await self.robots.allowed(self.client, url, log=self.log):
            raise FetchError(url, self.robots.refusal(url))
        try:
            return await fetch(self.client, url, self.network,
                               headers=conditional(validators or {}), log=self.log)
        except FetchError as exc:
            if exc.status not in DEFERRING:
                raise
            wait = retry_after(exc.headers.get("retry-after"))
            hint = f"; asked to retry after {wait:g}s" if wait else ""
            raise Busy(url, f"HTTP {exc.status}{hint}", wait, status=exc.status,
                       headers=exc.headers) from exc

    async def _read(self, src: SourceConfig, row: Mapping[str, Any]
                    ) -> tuple[bytes | None, str, dict[str, Any]]:
        """The document's body (None after a 304), its name, and the validators to keep."""
        if src.url:
            answer = await self.document(src.url, row)
            if answer.status == 304:
                return None, src.url, {}
            return answer.body, src.url, {
                "etag": answer.headers.get("etag"), "last_full": now(),
                "last_modified": answer.headers.get("last-modified")}
        assert src.path is not None  # config.py requires url or path
        try:
            return src.path.read_bytes(), str(src.path), {}
        except OSError as exc:
            raise FetchError(str(src.path), f"cannot read ({exc.strerror}); check the path in "
                                            "config.toml") from exc

    async def _sitemap(self, body: bytes | None, where: str, row: Mapping[str, Any],
                       validators: dict[str, Any]) -> Discovery:
        """A urlset's items, or an index's changed children's items (``body`` None: the
        document itself is unchanged, but its undated children may not be)."""
        known: dict[str, dict[str, Any]] = json.loads(row["children"] or "{}")
        items: list[Item] = []
        if body is None:
            todo = [Item(url) for url, state in known.items() if state.get("stamp") is None]
        else:
            sitemap = parse_sitemap(body, url=where, max_bytes=self.network.max_bytes)
            items = list(sitemap.items)
            listed = {child.url for child in sitemap.children}
            known = {url: state for url, state in known.items() if url in listed}
            todo = [c for c in sitemap.children
                    if c.stamp is None or known.get(c.url, {}).get("stamp") != c.stamp]
        todo.sort(key=lambda c: c.stamp or "", reverse=True)  # newest first
        todo = todo[:MAX_CHILD_SITEMAPS]
        results = await asyncio.gather(*(self._child(c.url, known.get(c.url, {}))
                                         for c in todo), return_exceptions=True)
        errors: list[str] = []
        changed = False
        for child, result in zip(todo, results, strict=True):
            if isinstance(result, FetchError):
                errors.append(f"child sitemap {result}")  # state kept: retried next poll
                continue
            if isinstance(result, BaseException):
                raise result
            child_items, state = result
            known[child.url] = {**state, "stamp": child.stamp}
            if child_items is not None:
                items.extend(child_items)
                changed = True
        validators["children"] = json.dumps(known)
        if body is None and not changed:
            return Discovery(None, validators, errors)
        return Discovery(items, validators, errors)

    async def _child(self, url: str, state: dict[str, Any]
                     ) -> tuple[list[Item] | None, dict[str, Any]]:
        """A child sitemap's items, or None if unchanged, and its new validators."""
        answer = await self.document(url, state)
        if answer.status == 304:
            return None, state
        new_state = {"etag": answer.headers.get("etag"), "sha256": sha256(answer.body),
                     "last_modified": answer.headers.get("last-modified"), "last_full": now()}
        if new_state["sha256"] == state.get("sha256"):
            return None, new_state
        sitemap = parse_sitemap(answer.body, url=url, max_bytes=self.network.max_bytes)
        return list(sitemap.items), new_state


def conditional(validators: Mapping[str, Any]) -> dict[str, str]:
    """If-None-Match / If-Modified-Since from stored validators, unless due a full fetch."""
    last_full = validators.get("last_full")
    if last_full and datetime.fromisoformat(last_full) < \
            datetime.now(UTC) - timedelta(seconds=FULL_REFETCH_AFTER):
        return {}
    headers = {}
    if validators.get("etag"):
        headers["If-None-Match"] = validators["etag"]
    if validators.get("last_modified"):
        headers["If-Modified-Since"] = validators["last_modified"]
    return headers

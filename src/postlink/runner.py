"""`postlink run --once`: poll the due sources, queue what they list, archive every queued article.

The database is the queue, so a run can be killed anywhere and the next one continues:
1. each due source is polled (robots.txt, conditional GET, a content hash for servers whose
   validators lie) and, in one transaction, its new or changed items are queued as `pending`
   with the source's validators, adaptive interval and next due time;
2. every pending item of each source goes through the pipeline (fetch → extract → store → cite,
   one transaction per article) and is then marked done, failed or skipped.
A kill before step 1 commits re-polls the source; a kill after an article is stored but before
it is marked done fetches it once more and finds it unchanged (add_article is idempotent by
content hash). Nothing is stored twice and nothing pending is forgotten.

``postlink schedule`` (schedule.py) runs the same Runner for one source per job.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import functools
import os
import signal
import sqlite3
import threading
import time
from collections.abc import AsyncIterator, Callable, Collection, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import FrameType
from typing import Any, Protocol, TypeVar
from urllib.parse import urlsplit

import httpx

from postlink.config import Config, SourceConfig
from postlink.errors import ArchiveLocked, Busy, FetchError, PostlinkError, StoreError
from postlink.extract.links import canonical_url
from postlink.net.client import build_client, fetch
from postlink.net.exchange import Exchange
from postlink.net.robots import RobotsCache
from postlink.pipeline import ArticleInput, add_article, article_from_response, read_input
from postlink.polling import Discovery, Poller, conditional
from postlink.store import Store, now

MAX_ATTEMPTS = 3  # a failing article is tried on this many runs, then left as failed
BUSY, QUIET = 0.75, 1.5  # adaptive interval: x0.75 after a poll with news, x1.5 without
T = TypeVar("T")


@dataclass(frozen=True)
class SourceEvent:
    name: str
    status: str  # polled | not_modified | failed
    new: int = 0
    changed: int = 0
    ms: float = 0.0
    error: str | None = None


@dataclass(frozen=True)
class ArticleEvent:
    url: str
    status: str  # new | changed | unchanged | failed | skipped
    posts: int = 0
    links: int = 0
    links_resolved: int = 0
    ms: float = 0.0
    error: str | None = None


class Reporter(Protocol):
    """Receives progress; the CLI draws a progress bar or prints one line per event."""

    def source(self, event: SourceEvent) -> None: ...
    def queued(self, count: int) -> None: ...
    def article(self, event: ArticleEvent) -> None: ...


class _Silent:
    def source(self, event: SourceEvent) -> None:
        pass

    def queued(self, count: int) -> None:
        pass

    def article(self, event: ArticleEvent) -> None:
        pass


@dataclass
class Summary:
    """What a run did; ``exit_code`` is 1 if anything failed."""

    polled: int = 0
    not_modified: int = 0
    sources_failed: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    failed: int = 0
    skipped: int = 0
    posts: int = 0
    links_resolved: int = 0
    seconds: float = 0.0
    interrupted: bool = False
    failures: list[str] = field(default_factory=list)

    def add(self, event: SourceEvent | ArticleEvent) -> None:
        if isinstance(event, SourceEvent):
            self.polled += 1
            self.not_modified += event.status == "not_modified"
            if event.status == "failed":
                self.sources_failed += 1
                self.failures.append(f"source {event.name}: {event.error}")
            return
        setattr(self, event.status, getattr(self, event.status) + 1)
        self.posts += event.posts
        self.links_resolved += event.links_resolved
        if event.status == "failed":
            self.failures.append(f"article {event.url}: {event.error}")

    @property
    def exit_code(self) -> int:
        return 1 if self.failures or self.interrupted else 0

    def lines(self) -> list[str]:
        out = [
            f"sources: {self.polled} polled ({self.not_modified} not modified, "
            f"{self.sources_failed} failed)",
            f"articles: {self.new} new, {self.changed} changed, {self.unchanged} unchanged, "
            f"{self.failed} failed, {self.skipped} skipped (robots.txt)",
            f"posts found: {self.posts}; links resolved: {self.links_resolved}; "
            f"{self.seconds:.1f}s",
        ]
        if self.interrupted:
            out.append("interrupted: unfinished articles stay queued for the next run")
        if self.failures:
            out.append(f"{len(self.failures)} failed:")
            out.extend(f"  {line}" for line in self.failures)
        return out


@dataclass(frozen=True)
class _Archived:
    """What the writer thread reports back about one archived article."""

    url: str
    status: str  # new | changed | unchanged
    posts: int
    links: int
    short_links: list[str]
    ms: float  # time spent extracting and storing


class Runner:
    """Polls sources and archives their articles; one instance per run (or scheduled job).

    Network work runs concurrently on an asyncio loop; everything that touches the archive
    (queue, extraction, storage) runs in one writer thread with its own connection, so a
    page being extracted never holds up the responses of other hosts.

    >>> summary = Runner(config, store).run()
    >>> summary.exit_code
    0
    """

    def __init__(self, config: Config, store: Store, *,
                 transport: httpx.AsyncBaseTransport | None = None,
                 reporter: Reporter | None = None, stop: threading.Event | None = None,
                 robots: RobotsCache | None = None) -> None:
        self.config = config
        self.network = config.network
        self.store = store  # the caller's connection: only the short-link cache uses it
        self.transport = transport
        self.reporter = reporter or _Silent()
        self.stop = stop or threading.Event()
        self.robots = robots or RobotsCache(config.network)
        self.summary = Summary()
        self._gates: dict[str, asyncio.Semaphore] = {}
        self._next_start: dict[str, float] = {}  # per host, for robots.txt Crawl-delay
        self._pool: ThreadPoolExecutor | None = None
        self._db: Store | None = None
        self._poller: Poller | None = None

    def run(self, *, force: bool = False, names: Collection[str] | None = None) -> Summary:
        """Poll due sources (all of them with ``force``), then archive everything queued."""
        return asyncio.run(self.run_async(force=force, names=names))

    async def run_async(self, *, force: bool = False, names: Collection[str] | None = None
                        ) -> Summary:
        started = time.monotonic()
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="postlink-writer") as pool:
            self._pool = pool
            self._db = await self._w(Store, self.store.path)
            try:
                ids = await self._w(self._db.sync_sources, self.config.sources)
                chosen = [s for s in self.config.sources
                          if s.enabled and (names is None or s.name in names)]
                async with build_client(self.network, transport=self.transport) as client:
                    self._poller = Poller(client, self.network, self.robots, self._log)
                    await asyncio.gather(*(self._source(s, ids[s.name], force)
                                           for s in chosen))
            finally:
                await self._w(self._db.close)
        self.summary.seconds = time.monotonic() - started
        self.summary.interrupted = self.stop.is_set()
        return self.summary

    async def _w(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run ``fn`` in the writer thread (the only thread that uses ``self._db``)."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, functools.partial(fn, *args, **kwargs))

    def _log(self, exchange: Exchange) -> None:
        """The client's per-request logger: queued to the writer, never waited for. The
        writer runs in order, so an article's exchanges are committed before the article."""
        assert self._pool is not None and self._db is not None
        self._pool.submit(self._db.log_fetch, exchange)

    @property
    def db(self) -> Store:
        assert self._db is not None, "only inside run_async"
        return self._db

    @property
    def poller(self) -> Poller:
        assert self._poller is not None, "only inside run_async"
        return self._poller

    async def _source(self, src: SourceConfig, source_id: int, force: bool) -> None:
        if self.stop.is_set():
            return
        row = await self._w(self.db.source_row, source_id)
        if force or _is_due(row):
            await self._poll(src, row)
        # Pending items are archived even when the poll failed or was not due: they are
        # what a killed run left behind.
        items = await self._w(self.db.pending_items, source_id, max_attempts=MAX_ATTEMPTS)
        if not items or self.stop.is_set():
            return
        self.reporter.queued(len(items))
        await asyncio.gather(*(self._item(item, source_id) for item in items))

    # -- polling -------------------------------------------------------------------------
    async def _poll(self, src: SourceConfig, row: dict[str, Any]) -> None:
        started = time.monotonic()
        try:
            found = await self.poller.discover(src, row)
        except FetchError as exc:
            await self._w(self._record_failure, src, row, exc)
            self._report(SourceEvent(row["name"], "failed", ms=_ms(started), error=exc.reason))
            return
        new, changed = await self._w(self._record_poll, src, row, found)
        status = "failed" if found.errors else "polled" if found.items is not None \
            else "not_modified"
        self._report(SourceEvent(row["name"], status, new, changed, _ms(started),
                                 "; ".join(found.errors) or None))

    def _record_poll(self, src: SourceConfig, row: dict[str, Any], found: Discovery
                     ) -> tuple[int, int]:
        """Queue the items and move the source's schedule, in one transaction (writer)."""
        new = changed = 0
        low, high = src.interval_bounds
        with self.db.transaction() as conn:
            if found.items is not None:
                new, changed = self.db.enqueue(conn, row["id"], (
                    (_queue_key(item.url), item.url, item.stamp) for item in found.items))
            factor = BUSY if new + changed else QUIET
            interval = min(max((row["interval"] or src.interval) * factor, low), high)
            self.db.update_source(
                conn, row["id"], last_polled=now(), next_due=_after(interval),
                interval=interval, failures=0,
                status="not_modified" if found.items is None else "ok",
                error="; ".join(found.errors) or None, **found.validators)
        return new, changed

    def _record_failure(self, src: SourceConfig, row: dict[str, Any], exc: FetchError) -> None:
        # Linear backoff, kinder to a struggling server than doubling (Media Cloud's choice);
        # a Retry-After asking for longer wins.
        failures = int(row["failures"] or 0) + 1
        delay = min(float(row["interval"] or src.interval) * failures, src.interval_bounds[1])
        if isinstance(exc, Busy) and exc.retry_after:
            delay = max(delay, exc.retry_after)
        with self.db.transaction() as conn:
            self.db.update_source(conn, row["id"], last_polled=now(), failures=failures,
                                  next_due=_after(delay), status="failed", error=exc.reason)

    # -- articles ------------------------------------------------------------------------
    async def _item(self, item: dict[str, Any], source_id: int) -> None:
        # ms in the log is the article's own time (its request and its archiving), not the
        # time it queued behind other articles for a politeness slot or for the writer.
        started = time.monotonic()
        url = item["fetch_url"]
        article: ArticleInput | None = None
        validators: dict[str, str | None] = {}
        network_ms = 0.0
        try:
            if url.startswith(("http://", "https://")):
                async with self._gate(url):
                    started = time.monotonic()
                    if self.stop.is_set():
                        return
                    if not await self.robots.allowed(self.poller.client, url, log=self._log):
                        reason = self.robots.refusal(url)
                        await self._w(self.db.finish_item, item["id"], state="skipped",
                                      error=reason)
                        self._report(ArticleEvent(url, "skipped", ms=_ms(started), error=reason))
                        return
                    await self._crawl_delay(url)
                    # Conditional only for an article we already have: a changed stamp in
                    # the feed does not always mean a changed page.
                    headers = conditional(item) if item["article_id"] else {}
                    response = await fetch(self.poller.client, url, self.network,
                                           headers=headers, log=self._log)
                network_ms = response.elapsed_ms
                if response.status == 304:
                    chain = tuple(dict.fromkeys((response.url, *response.redirects,
                                                 response.final_url)))
                    await self._w(self.db.link_not_modified, item["article_id"], chain)
                    await self._w(self.db.finish_item, item["id"], state="done")
                    self._report(ArticleEvent(url, "unchanged", ms=network_ms))
                    return
                article = article_from_response(response)
                validators = {"etag": response.headers.get("etag"),
                              "last_modified": response.headers.get("last-modified")}
            elif self.stop.is_set():
                return
            done = await self._w(self._archive, item, article, source_id, validators)
        except sqlite3.Error:
            raise  # the archive itself is broken: stop the run, do not mark items failed
        except PostlinkError as exc:
            reason = exc.reason if isinstance(exc, FetchError) else str(exc)
            await self._item_failed(item, reason, started)
            return
        except Exception as exc:  # one page that breaks extraction must not end the run
            await self._item_failed(item, f"{type(exc).__name__}: {exc}", started)
            return
        resolved = await self._resolve_links(done.short_links)
        self._report(ArticleEvent(done.url, done.status, posts=done.posts, links=done.links,
                                  links_resolved=resolved, ms=network_ms + done.ms))

    def _archive(self, item: dict[str, Any], article: ArticleInput | None, source_id: int,
                 validators: dict[str, str | None]) -> _Archived:
        """Extract, store and cite one article, then mark its queue row done (writer)."""
        started = time.monotonic()
        if article is None:  # a file from a folder source
            article = read_input(item["fetch_url"], url=None, offline=True, config=self.config)
        result = add_article(self.db, article, source_id=source_id)
        self.db.finish_item(item["id"], state="done", article_id=result.article_id,
                            **validators)
        status = "new" if result.created and result.version == 1 else \
            "changed" if result.created else "unchanged"
        hrefs = self.db.version_hrefs(result.article_id, result.version)
        short = [h for h in hrefs if result.created and _is_short_link(h)]
        return _Archived(result.url, status, result.posts, len(hrefs), short, _ms(started))

    @contextlib.asynccontextmanager
    async def _gate(self, url: str) -> AsyncIterator[None]:
        """At most per_host_concurrency articles of one host on the wire; after a stop, the
        articles still waiting here are left pending."""
        host = urlsplit(url).hostname or ""
        gate = self._gates.setdefault(host, asyncio.Semaphore(self.network.per_host_concurrency))
        async with gate:
            yield

    async def _crawl_delay(self, url: str) -> None:
        """Space a host's articles by its robots.txt Crawl-delay when that is longer than
        [network] per_host_delay (which the client's limiter already applies)."""
        delay = self.robots.crawl_delay(url)
        if not delay or delay <= self.network.per_host_delay:
            return
        host = urlsplit(url).hostname or ""
        now_ = time.monotonic()
        start = max(now_, self._next_start.get(host, now_))
        self._next_start[host] = start + delay  # reserved before sleeping
        await asyncio.sleep(start - now_)

    async def _resolve_links(self, hrefs: list[str]) -> int:
        """Expand a new version's short links (cached; shares the run's polite client)."""
        if not hrefs:
            return 0
        from postlink.unshorten import resolve_many

        try:
            results = await resolve_many(hrefs, self.network, store=self.store,
                                         client=self.poller.client)
        except PostlinkError:  # the article is archived; its links are re-checked later
            return 0
        return sum(1 for r in results if r.status == "resolved")

    async def _item_failed(self, item: dict[str, Any], reason: str, started: float) -> None:
        await self._w(self.db.finish_item, item["id"], state="failed", error=reason)
        self._report(ArticleEvent(item["fetch_url"], "failed", ms=_ms(started), error=reason))

    def _report(self, event: SourceEvent | ArticleEvent) -> None:
        self.summary.add(event)
        if isinstance(event, SourceEvent):
            self.reporter.source(event)
        else:
            self.reporter.article(event)


def _is_due(row: dict[str, Any]) -> bool:
    return row["next_due"] is None or row["next_due"] <= now()


def _after(seconds: float) -> str:
    return (datetime.now(UTC) + timedelta(seconds=seconds)).isoformat(timespec="seconds")


def _queue_key(url: str) -> str:
    """One queue row per article: tracking parameters and case differences do not count."""
    return canonical_url(url) if url.startswith(("http://", "https://")) else url


def _is_short_link(href: str) -> bool:
    from postlink.unshorten import is_shortener

    return href.lower().startswith(("http://", "https://")) and is_shortener(href)


def _ms(started: float) -> float:
    return (time.monotonic() - started) * 1000


# -- the archive lock and signals ---------------------------------------------------------

class ArchiveLock:
    """An exclusive lock on ``<db>.lock`` beside the database, held for a run or a schedule.

    flock(2) is released by the kernel when the holder dies, even by SIGKILL, so a crash never
    leaves a stale lock. The file holds the holder's pid for the message. POSIX only.
    """

    def __init__(self, db: Path) -> None:
        self.path = Path(f"{db}.lock")
        self._file: Any = None

    def acquire(self, *, wait: bool = False,
                on_wait: Callable[[str], None] | None = None) -> None:
        try:
            self._file = open(self.path, "a+")  # noqa: SIM115 (held open while locked)
        except OSError as exc:
            raise StoreError(f"{self.path}: cannot create the archive lock ({exc.strerror}); "
                             "check the folder's permissions or pass --db") from exc
        try:
            fcntl.flock(self._file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            message = (f"another postlink run/schedule holds the archive lock on {self.path} "
                       f"(pid {self._holder()})")
            if not wait:
                self._file.close()
                raise ArchiveLocked(f"{message}; exiting. Wait for it, stop it, or pass "
                                    "--wait") from None
            if on_wait:
                on_wait(f"{message}; waiting for it to finish")
            fcntl.flock(self._file, fcntl.LOCK_EX)
        self._file.seek(0)
        self._file.truncate()
        self._file.write(f"{os.getpid()}\n")
        self._file.flush()

    def release(self) -> None:
        if self._file is not None:
            self._file.close()  # closing releases the flock
            self._file = None

    def _holder(self) -> str:
        self._file.seek(0)
        return self._file.read().strip() or "unknown"


@contextmanager
def stop_on_signals(stop: threading.Event,
                    notify: Callable[[str], None] | None = None) -> Iterator[None]:
    """SIGINT/SIGTERM set ``stop``: the articles in flight finish, nothing new starts.

    A second SIGINT stops at once (KeyboardInterrupt); the database is still consistent,
    because every article is written in one transaction.
    """

    def handle(signum: int, frame: FrameType | None) -> None:
        if stop.is_set() and signum == signal.SIGINT:
            raise KeyboardInterrupt
        stop.set()
        if notify:
            notify(f"{signal.Signals(signum).name}: finishing the articles in flight, then "
                   "exiting (Ctrl-C again to stop now)")

    previous = {sig: signal.signal(sig, handle) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


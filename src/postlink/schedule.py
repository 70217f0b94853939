"""`postlink schedule`: APScheduler jobs built from config, running the same Runner as run --once.

One job per enabled source (``max_instances=1``, ``coalesce=True``, ``misfire_grace_time``,
jitter), plus a job that re-checks expired short links and, unless ``[capture] enabled`` is
false, a ``check-posts`` job: it captures the posts due (never checked, or last checked
``[capture] recheck_after`` ago) and cites again the article versions that lacked the text
of a post whose captured text is new. It first runs at start-up, then every
``recheck_after`` seconds or every hour, whichever is shorter, so the posts of articles
archived meanwhile do not wait a whole ``recheck_after`` for their first capture. The jobs keep no state of their own:
when a job ends it is re-armed from the source's ``next_due`` and adaptive ``interval`` in the
database, so a restarted scheduler carries on where the last one stopped (a source polled ten
minutes ago is not polled again at start-up; articles a killed run left pending are archived
by the source's first job).

Jobs run one at a time (a single worker thread): one writer on the archive, and a per-host
politeness limit that holds across jobs because only one job talks to the network at once.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger

from postlink.config import Config
from postlink.errors import ConfigError, PostlinkError
from postlink.net.robots import RobotsCache
from postlink.runner import Reporter, Runner
from postlink.store import Store

MISFIRE_GRACE = 3600  # a job late by up to an hour (laptop asleep) still runs, once
MAX_JITTER = 300.0  # seconds; spreads sources that share an interval
SHORT_LINK_RECHECK = 3600.0  # how often expired short links are looked at
PENDING_PER_RUN = 500  # never-resolved short links taken by one run of that job
POST_CHECK_MAX_INTERVAL = 3600.0  # the check-posts job runs at least this often


def jitter(interval: float) -> float:
    """Up to 10% of the interval, at most five minutes."""
    return min(MAX_JITTER, interval * 0.1)


class Schedule:
    """The scheduler for one archive; ``run()`` blocks until ``stop`` is set.

    >>> Schedule(config, reporter=LogReporter(), stop=threading.Event()).run()
    """

    def __init__(self, config: Config, *, reporter: Reporter, stop: threading.Event,
                 notify: Callable[[str], None] = print) -> None:
        if not any(s.enabled for s in config.sources):
            raise ConfigError(f"{config.path or 'config'}: no enabled [[sources]] to schedule;"
                              " add one (kind = \"feed\", url = \"...\")")
        self.config = config
        self.reporter = reporter
        self.stop = stop
        self.notify = notify
        # robots.txt answers outlive a job: one fetch per host per day, not per poll
        self.robots = RobotsCache(config.network)
        self.scheduler = BackgroundScheduler(
            timezone=UTC, executors={"default": ThreadPoolExecutor(max_workers=1)},
            job_defaults={"max_instances": 1, "coalesce": True,
                          "misfire_grace_time": MISFIRE_GRACE})

    def run(self) -> None:
        store = Store(self.config.archive.db)
        try:
            ids = store.sync_sources(self.config.sources)
            for src in self.config.sources:
                if src.enabled:
                    # First run now (staggered): polls only if due, archives leftovers.
                    self._arm(src.name, store.source_row(ids[src.name]),
                              first=datetime.now(UTC) + timedelta(seconds=random.uniform(0, 2)))
        finally:
            store.close()
        self.scheduler.add_job(self._recheck_links, IntervalTrigger(
            seconds=SHORT_LINK_RECHECK, jitter=jitter(SHORT_LINK_RECHECK), timezone=UTC),
            id="short-links", name="re-check expired short links")
        every = self.post_check_interval
        if every is not None:
            self.scheduler.add_job(
                self._check_posts, IntervalTrigger(seconds=every, jitter=jitter(every),
                                                   timezone=UTC),
                id="check-posts", name="capture the posts due for a check",
                next_run_time=datetime.now(UTC) + timedelta(seconds=random.uniform(1, 3)))
        self.scheduler.start()
        self.notify(f"scheduling {sum(s.enabled for s in self.config.sources)} sources; "
                    "Ctrl-C or SIGTERM to stop")
        try:
            while not self.stop.wait(0.5):
                pass
        finally:
            self.notify("stopping: finishing the current articles")
            self.scheduler.shutdown(wait=True)

    def _poll(self, name: str) -> None:
        """One source's job: the same Runner as `run --once`, limited to this source."""
        if self.stop.is_set():
            return
        store = Store(self.config.archive.db)  # SQLite connections stay in their thread
        try:
            runner = Runner(self.config, store, reporter=self.reporter, stop=self.stop,
                            robots=self.robots)
            summary = runner.run(names={name})
            row = store.source_row(name)
        finally:
            store.close()
        done = f"{summary.new} new, {summary.changed} changed, {summary.failed} failed"
        self.notify(f"job {name}: {done}; next poll after {row['next_due']}")
        if not self.stop.is_set():
            self._arm(name, row)

    def _arm(self, name: str, row: dict[str, Any], first: datetime | None = None) -> None:
        """(Re)schedule a source's job from its row: adaptive interval and next due time."""
        interval = float(row["interval"] or row["base_interval"] or 3600.0)
        due = datetime.fromisoformat(row["next_due"]) if row["next_due"] else None
        start = max(due or datetime.now(UTC), datetime.now(UTC) + timedelta(seconds=1))
        trigger = IntervalTrigger(seconds=interval, start_date=start, jitter=jitter(interval),
                                  timezone=UTC)
        # Called from inside the job too: APScheduler updates a job under its job store lock,
        # the same lock add_job takes, so this replacement is never overwritten. Without
        # next_run_time the trigger picks start + jitter.
        extra: dict[str, Any] = {"next_run_time": first} if first else {}
        self.scheduler.add_job(self._poll, trigger, args=[name], id=name, name=name,
                               replace_existing=True, **extra)

    def _recheck_links(self) -> None:
        """Resolve expired short links again (a dead link may come back, a live one die), and
        short links never resolved (recorded by `add --offline` or `batch`)."""
        from itertools import islice

        from postlink.unshorten import pending_short_links, resolve_sync

        if self.stop.is_set():
            return
        store = Store(self.config.archive.db)
        try:
            urls = store.expired_short_links()
            urls += islice(pending_short_links(store), PENDING_PER_RUN)
            if urls:
                results = resolve_sync(urls, self.config.network, store=store, refresh=True)
                changed = sum(1 for r in results if r.status == "resolved")
                self.notify(f"job short-links: {len(urls)} re-checked, {changed} resolved")
        except PostlinkError as exc:
            self.notify(f"job short-links failed: {exc}")
        finally:
            store.close()

    @property
    def post_check_interval(self) -> float | None:
        """Seconds between two runs of the check-posts job; None when captures are off."""
        if not self.config.capture.enabled:
            return None
        return min(self.config.capture.recheck_after, POST_CHECK_MAX_INTERVAL)

    def _check_posts(self) -> None:
        """Capture the posts due, as `postlink check-posts` does, and cite again the article
        versions that lacked a post's text when its captured text is new."""
        from postlink.capture import check_posts_sync
        from postlink.recite import recite_posts

        if self.stop.is_set():
            return
        store = Store(self.config.archive.db)
        try:
            rows = store.posts_due_for_check(self.config.capture.recheck_after)
            if not rows:
                return
            run = check_posts_sync(store, self.config, rows)
            recited = recite_posts(store, [c.key for c in run.checked if c.brings_text])
            again = sum(1 for r in recited if r.skipped is None)
            self.notify(f"job check-posts: {run.summary()}; {again} article version(s) cited "
                        "again")
            for r in recited:
                if r.skipped:
                    self.notify(f"  article {r.article_id} v{r.version} not cited again: "
                                f"{r.skipped}")
        except PostlinkError as exc:
            self.notify(f"job check-posts failed: {exc}")
        finally:
            store.close()

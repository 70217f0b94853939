"""How a run shows its progress: a rich progress bar on a terminal, log lines otherwise.

Log lines are logfmt, one per source polled and one per article, so cron mail and
``grep status=failed`` both work:

    source name=feed:https://example.org/feed.xml status=polled new=3 changed=0
    article url=https://example.org/a status=new posts=2 links=3 ms=120
"""

from __future__ import annotations

import sys
from types import TracebackType
from typing import TextIO

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from postlink.runner import ArticleEvent, SourceEvent


def logfmt(kind: str, **fields: object) -> str:
    parts = [kind]
    for key, value in fields.items():
        if value is None:
            continue
        text = f"{value:.0f}" if isinstance(value, float) else str(value)
        if not text or any(c in text for c in ' "=\t\n'):
            text = '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
        parts.append(f"{key}={text}")
    return " ".join(parts)


class LogReporter:
    """One logfmt line per source and per article."""

    def __init__(self, out: TextIO | None = None) -> None:
        self.out = out or sys.stdout

    def source(self, event: SourceEvent) -> None:
        # no ms: a poll's wall time is mostly its wait for a politeness slot
        if event.status == "polled":
            line = logfmt("source", name=event.name, status=event.status, new=event.new,
                          changed=event.changed)
        else:
            line = logfmt("source", name=event.name, status=event.status, error=event.error)
        self._line(line)

    def queued(self, count: int) -> None:
        pass

    def article(self, event: ArticleEvent) -> None:
        if event.status in ("failed", "skipped"):
            line = logfmt("article", url=event.url, status=event.status, ms=event.ms,
                          error=event.error)
        else:
            line = logfmt("article", url=event.url, status=event.status, posts=event.posts,
                          links=event.links, ms=event.ms)
        self._line(line)

    def _line(self, line: str) -> None:
        print(line, file=self.out, flush=True)

    def __enter__(self) -> LogReporter:
        return self

    def __exit__(self, *exc: object) -> None:
        pass


class BarReporter:
    """A progress bar over queued articles; failures are printed above it as they happen."""

    def __init__(self, console: Console | None = None) -> None:
        self.console = console or Console(stderr=True)
        self.progress = Progress(
            TextColumn("[bold]archiving"), BarColumn(), MofNCompleteColumn(),
            TextColumn("{task.fields[detail]}"), TimeElapsedColumn(),
            console=self.console, transient=True)
        self.task = self.progress.add_task("articles", total=0, detail="")
        self.counts = {"new": 0, "changed": 0, "unchanged": 0, "failed": 0, "skipped": 0}

    def source(self, event: SourceEvent) -> None:
        if event.status == "failed":
            self.progress.console.print(f"[red]source failed[/] {event.name}: {event.error}")

    def queued(self, count: int) -> None:
        total = self.progress.tasks[0].total or 0
        self.progress.update(self.task, total=total + count)

    def article(self, event: ArticleEvent) -> None:
        self.counts[event.status] += 1
        if event.status == "failed":
            self.progress.console.print(f"[red]failed[/] {event.url}: {event.error}")
        detail = ", ".join(f"{n} {k}" for k, n in self.counts.items() if n)
        self.progress.update(self.task, advance=1, detail=detail)

    def __enter__(self) -> BarReporter:
        self.progress.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.progress.stop()


def make_reporter(*, bar: bool | None = None) -> LogReporter | BarReporter:
    """A bar when stderr is a terminal (unless ``bar`` says otherwise), else log lines."""
    if bar is None:
        bar = sys.stderr.isatty()
    return BarReporter() if bar else LogReporter()


class BatchLog:
    """What ``postlink batch`` prints off a terminal: each failed page as it happens."""

    def __init__(self, out: TextIO | None = None) -> None:
        self.out = out or sys.stderr

    def started(self, total_bytes: int, workers: int, dashboard: str | None) -> None:
        if dashboard:
            print(f"Dask dashboard: {dashboard}", file=self.out, flush=True)

    def advance(self, size: int, *, status: str, where: str = "", error: str = "") -> None:
        if status == "failed":
            print(logfmt("page", at=where, status=status, error=error), file=self.out, flush=True)

    def __enter__(self) -> BatchLog:
        return self

    def __exit__(self, *exc: object) -> None:
        pass


class BatchBar(BatchLog):
    """A bar over the input's bytes with pages, pages/s and failures; failures printed above."""

    def __init__(self, console: Console | None = None) -> None:
        self.console = console or Console(stderr=True)
        self.progress = Progress(
            TextColumn("[bold]batch"), BarColumn(), TextColumn("{task.fields[detail]}"),
            TimeElapsedColumn(), console=self.console, transient=True)
        self.task = self.progress.add_task("batch", total=None, detail="")
        self.counts = {"pages": 0, "failed": 0, "skipped": 0, "done before": 0}

    def started(self, total_bytes: int, workers: int, dashboard: str | None) -> None:
        if dashboard:
            self.progress.console.print(f"Dask dashboard: {dashboard}")
        self.progress.update(self.task, total=total_bytes or None)

    def advance(self, size: int, *, status: str, where: str = "", error: str = "") -> None:
        if status == "failed":
            self.progress.console.print(f"[red]failed[/] {where}: {error}")
        key = status if status in self.counts else "pages"
        self.counts[key] += 1
        elapsed = self.progress.tasks[0].elapsed or 0.0
        rate = self.counts["pages"] / elapsed if elapsed > 0 else 0.0
        detail = f"{self.counts['pages']} pages, {rate:.1f} pages/s, {self.counts['failed']} failed"
        if self.counts["skipped"]:
            detail += f", {self.counts['skipped']} skipped"
        if self.counts["done before"]:
            detail += f", {self.counts['done before']} done before"
        self.progress.update(self.task, advance=size, detail=detail)

    def __enter__(self) -> BatchBar:
        self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.stop()


def make_batch_reporter(*, bar: bool | None = None) -> BatchLog:
    """A bar when stderr is a terminal (unless ``bar`` says otherwise), else failure lines."""
    if bar is None:
        bar = sys.stderr.isatty()
    return BatchBar() if bar else BatchLog()

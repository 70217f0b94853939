"""A batch run: read the inputs, analyse their pages on the cluster, write the results.

The client process reads the inputs (it decompresses the WARCs anyway to find the pages,
and so workers need no access to the files), leaves out pages a previous run stored, sends
the rest to the cluster in chunks, and gives the results, in input order, to one writer:
the archive (writer.py) or Parquet shards (shards.py). ``merge_shards`` is the writer's
half alone, for shards written earlier.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from postlink.analysis import Analysis
from postlink.batch.inputs import Broken, Item, Page, Skip, read_items
from postlink.batch.work import Failure, analyse_pages
from postlink.batch.writer import ArchiveWriter, Stored
from postlink.config import Config
from postlink.store import Store

if TYPE_CHECKING:
    from distributed import Client

CHUNK_PAGES = 16  # pages per task: enough to hide a task's ~1 ms of scheduling
CHUNK_BYTES = 8_000_000  # and at most this much page data in one task's arguments


class Writer(Protocol):
    def done(self, file: str) -> set[tuple[int, str]]: ...
    def write(self, entries: Iterable[tuple[Page, Analysis | Failure]]) -> list[Stored]: ...
    def close(self) -> None: ...


class Progress(Protocol):
    def started(self, total_bytes: int, workers: int, dashboard: str | None) -> None: ...
    def advance(self, size: int, *, status: str, where: str = "", error: str = "") -> None: ...


@dataclass
class BatchSummary:
    """Counts of one run; ``failed`` lists (file@offset, error)."""

    new: int = 0
    changed: int = 0
    unchanged: int = 0
    written: int = 0  # to shards
    already_done: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)
    skipped: Counter[str] = field(default_factory=Counter)
    posts: int = 0
    citations: int = 0
    interrupted: bool = False
    seconds: float = 0.0
    workers: int = 0

    @property
    def pages(self) -> int:
        return self.new + self.changed + self.unchanged + self.written

    @property
    def exit_code(self) -> int:
        return 1 if self.failed or self.interrupted else 0

    def lines(self, output: Path | None = None) -> list[str]:
        """The closing summary, as the CLI prints it."""
        rate = self.pages / self.seconds if self.seconds > 0 else 0.0
        on = f" on {self.workers} worker(s)" if self.workers else ""
        head = f"batch: {self.pages} pages in {self.seconds:.1f}s ({rate:.1f} pages/s){on}"
        if output is not None:
            out = [f"{head}: written to shards in {output}; store them with "
                   f"`postlink batch --merge {output}`"]
        else:
            out = [f"{head}: {self.new} new, {self.changed} changed, {self.unchanged} unchanged;"
                   f" {self.posts} posts, {self.citations} citations"]
        if self.already_done:
            out.append(f"{self.already_done} pages were done by an earlier run and left alone")
        if self.skipped:
            reasons = ", ".join(f"{n} {reason}" for reason, n in self.skipped.most_common())
            out.append(f"skipped {sum(self.skipped.values())} records that are not pages: {reasons}")
        if output is None and self.pages:
            out.append("short links are recorded, not resolved, and posts not captured: "
                       "`postlink resolve` and `postlink check-posts` do that")
        if self.interrupted:
            out.append("interrupted: run the same command again to resume; what was stored stays")
        if self.failed:
            out.append(f"{len(self.failed)} failed:")
            out += [f"  {where}: {error}" for where, error in self.failed]
        return out


def batch_inputs(inputs: Sequence[str], lists: Sequence[str], config: Config, *,
                 store: Callable[[], Store], output: Path | None, scheduler: str | None,
                 workers: int | None, progress: Progress) -> BatchSummary:
    """`postlink batch INPUT...`: into the archive (``store()``) or shards in ``output``."""
    from postlink.batch import require

    require("dask", "distributed", *(("pyarrow",) if output else ()))
    from postlink.batch.cluster import open_client
    from postlink.batch.inputs import expand_inputs

    files = expand_inputs(inputs, lists)
    writer: Writer
    if output is not None:
        from postlink.batch.shards import ShardWriter

        writer = ShardWriter(output)
    else:
        writer = ArchiveWriter(store())
    with open_client(scheduler, workers) as client:
        return run_batch(files, config, writer, client, progress=progress)


def batch_merge(folder: Path, *, store: Store, progress: Progress) -> BatchSummary:
    """`postlink batch --merge DIR`."""
    from postlink.batch import require

    require("pyarrow")
    return merge_shards(folder, ArchiveWriter(store), progress=progress)


def run_batch(files: Sequence[Path], config: Config, writer: Writer, client: Client, *,
              progress: Progress, chunk_pages: int = CHUNK_PAGES) -> BatchSummary:
    """Analyse every page of ``files`` on the Dask ``client``'s cluster into ``writer``."""
    from postlink.batch.cluster import dashboard, map_ordered, worker_count

    summary = BatchSummary(workers=worker_count(client))
    started = time.perf_counter()
    progress.started(sum(f.stat().st_size for f in files), summary.workers, dashboard(client))
    chunks = _chunks(read_items(files, config), writer, summary, progress, chunk_pages)
    results = map_ordered(client, analyse_pages, chunks,
                          lambda chunk: [page.article for page in chunk],
                          window=max(4, 3 * summary.workers))
    try:
        for chunk, outcome in results:
            if isinstance(outcome, BaseException):  # the cluster lost the whole chunk
                error = f"the cluster failed this page's task ({type(outcome).__name__}: {outcome})"
                outcome = [Failure(error)] * len(chunk)
            _record(writer.write(zip(chunk, outcome, strict=True)), chunk, summary, progress)
    except KeyboardInterrupt:
        summary.interrupted = True
    finally:
        results.close()
        writer.close()
        summary.seconds = time.perf_counter() - started
    return summary


def merge_shards(folder: Path, writer: Writer, *, progress: Progress,
                 chunk_pages: int = 64) -> BatchSummary:
    """Store the pages of the Parquet shards in ``folder`` (shards.py) through ``writer``."""
    from postlink.batch.shards import read_shards

    summary = BatchSummary()
    started = time.perf_counter()
    progress.started(0, 0, None)
    done: dict[str, set[tuple[int, str]]] = {}
    chunk: list[tuple[Page, Analysis]] = []
    try:
        for page, analysis in read_shards(folder):
            if page.key.file not in done:
                done[page.key.file] = writer.done(page.key.file)
            if (page.key.offset, page.key.digest) in done[page.key.file]:
                summary.already_done += 1
                progress.advance(0, status="done before")
                continue
            chunk.append((page, analysis))
            if len(chunk) >= chunk_pages:
                _record(writer.write(chunk), [p for p, _ in chunk], summary, progress)
                chunk = []
        if chunk:
            _record(writer.write(chunk), [p for p, _ in chunk], summary, progress)
    except KeyboardInterrupt:
        summary.interrupted = True
    finally:
        writer.close()
        summary.seconds = time.perf_counter() - started
    return summary


def _chunks(items: Iterator[Item], writer: Writer, summary: BatchSummary, progress: Progress,
            chunk_pages: int) -> Iterator[list[Page]]:
    """The pages still to do, in chunks; skipped and unreadable records are counted here."""
    done_file, done = "", set[tuple[int, str]]()
    chunk: list[Page] = []
    size = 0
    for item in items:
        if isinstance(item, Skip):
            summary.skipped[item.reason] += 1
            progress.advance(item.size, status="skipped")
            continue
        if isinstance(item, Broken):
            where = f"{item.file}@{item.offset}"
            summary.failed.append((where, item.error))
            progress.advance(item.size, status="failed", where=where, error=item.error)
            continue
        if item.key.file != done_file:
            done_file, done = item.key.file, writer.done(item.key.file)
        if (item.key.offset, item.key.digest) in done:
            summary.already_done += 1
            progress.advance(item.size, status="done before")
            continue
        chunk.append(item)
        size += len(item.article.body)
        if len(chunk) >= chunk_pages or size >= CHUNK_BYTES:
            yield chunk
            chunk, size = [], 0
    if chunk:
        yield chunk


def _record(stored: Sequence[Stored], pages: Sequence[Page], summary: BatchSummary,
            progress: Progress) -> None:
    for entry, page in zip(stored, pages, strict=True):
        if entry.error is not None:
            summary.failed.append((str(entry.key), entry.error))
            progress.advance(page.size, status="failed", where=str(entry.key), error=entry.error)
            continue
        result = entry.result
        if result is None:
            summary.written += 1
            status = "written"
        else:
            status = "new" if result.created and result.version == 1 else \
                "changed" if result.created else "unchanged"
            setattr(summary, status, getattr(summary, status) + 1)
            summary.posts += result.posts
            summary.citations += result.citations
        progress.advance(page.size, status=status)

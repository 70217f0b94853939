"""The one process that writes a batch into the archive (SQLite stays single-writer).

Results arrive in input order, a chunk at a time; each chunk is one transaction, and each
page in it a savepoint, so a page the store refuses fails alone. Before storing, a page's
analysis (made by a worker that never sees the archive) is revised against the archive as it
stands, exactly as ``postlink add`` would read it at that moment: with the pages before it
already stored, batch and add of the same pages in the same order store the same rows.
The page's row in ``batch_records`` is written in the same transaction as its rows, so a
kill at any point leaves each page either stored and marked, or neither.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass

from postlink.analysis import Analysis, revise
from postlink.batch.inputs import Page, RecordKey
from postlink.batch.work import Failure
from postlink.pipeline import AddResult, archive_view, store_analysis
from postlink.store import Store


@dataclass(frozen=True)
class Stored:
    """What became of one page: its AddResult, or the error that kept it out."""

    key: RecordKey
    url: str
    result: AddResult | None
    error: str | None = None


class ArchiveWriter:
    """Stores analysed pages into ``store`` and remembers which are done."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def done(self, file: str) -> set[tuple[int, str]]:
        return self.store.batch_done(file)

    def write(self, entries: Iterable[tuple[Page, Analysis | Failure]]) -> list[Stored]:
        with self.store.transaction() as conn:
            return [self._write_one(conn, page, outcome) for page, outcome in entries]

    def _write_one(self, conn: sqlite3.Connection, page: Page,
                   outcome: Analysis | Failure) -> Stored:
        key, url = page.key, page.article.url
        if isinstance(outcome, Failure):
            self._mark(conn, page, "failed", outcome.error)
            return Stored(key, url, None, outcome.error)
        conn.execute("SAVEPOINT page")
        try:
            analysis = revise(outcome, archive_view(self.store, outcome.doc))
            result = store_analysis(self.store, conn, page.article, analysis)
        except Exception as exc:  # one page's bad data must not cost the chunk
            conn.execute("ROLLBACK TO page")
            conn.execute("RELEASE page")
            error = f"{url}: cannot store ({type(exc).__name__}: {exc})"
            self._mark(conn, page, "failed", error)
            return Stored(key, url, None, error)
        conn.execute("RELEASE page")
        self._mark(conn, page, "done")
        return Stored(key, url, result)

    def _mark(self, conn: sqlite3.Connection, page: Page, state: str,
              error: str | None = None) -> None:
        key = page.key
        self.store.mark_batch_record(conn, file=key.file, offset=key.offset, digest=key.digest,
                                     state=state, url=page.article.url, error=error)

    def close(self) -> None:
        pass

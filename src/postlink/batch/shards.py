"""Parquet shards: ``batch --output DIR`` writes its results here instead of the archive, and
``batch --merge DIR`` stores them into the archive later (on another machine, say).

One row per analysed page: where it came from (file, offset, digest), the page as read (URL,
kind, status, headers, raw body: the archive keeps raw captures), a few columns to query
without decoding (title, counts), and the whole analysis as JSON (codec.py). Shards are
written to a temporary name and renamed, so a killed run leaves only whole shards; the pages
of a shard not yet written are done again on resume. Pages that failed are not in the shards
(the run reports them) and are tried again by the next run.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from postlink.analysis import Analysis, ArticleInput
from postlink.batch.codec import from_json, to_json
from postlink.batch.inputs import Page, RecordKey
from postlink.batch.work import Failure
from postlink.batch.writer import Stored
from postlink.errors import InputError

SCHEMA = pa.schema([
    ("file", pa.string()), ("offset", pa.int64()), ("digest", pa.string()),
    ("url", pa.string()), ("original_url", pa.string()), ("input_path", pa.string()),
    ("kind", pa.string()), ("status", pa.int32()), ("headers", pa.string()),
    ("charset", pa.string()), ("body", pa.binary()),
    ("title", pa.string()), ("sentences", pa.int32()), ("posts", pa.int32()),
    ("citations", pa.int32()), ("unmatched_quotes", pa.int32()),
    ("analysis", pa.string()),
])
PATTERN = "part-*.parquet"


class ShardWriter:
    """Writes analysed pages to ``folder`` as shards of ``rows_per_shard`` rows."""

    def __init__(self, folder: Path, *, rows_per_shard: int = 1000) -> None:
        self.folder = folder
        self.rows_per_shard = rows_per_shard
        folder.mkdir(parents=True, exist_ok=True)
        shards = sorted(folder.glob(PATTERN))
        self.next_index = len(shards)
        self._done: dict[str, set[tuple[int, str]]] = {}
        for shard in shards:
            keys = pq.read_table(shard, columns=["file", "offset", "digest"]).to_pylist()
            for row in keys:
                self._done.setdefault(row["file"], set()).add((row["offset"], row["digest"]))
        self.rows: list[dict[str, object]] = []

    def done(self, file: str) -> set[tuple[int, str]]:
        return self._done.get(file, set())

    def write(self, entries: Iterable[tuple[Page, Analysis | Failure]]) -> list[Stored]:
        out = []
        for page, outcome in entries:
            if isinstance(outcome, Failure):
                out.append(Stored(page.key, page.article.url, None, outcome.error))
                continue
            self.rows.append(_row(page, outcome))
            out.append(Stored(page.key, page.article.url, None))
        if len(self.rows) >= self.rows_per_shard:
            self.flush()
        return out

    def flush(self) -> None:
        if not self.rows:
            return
        final = self.folder / f"part-{self.next_index:05d}.parquet"
        temporary = final.with_suffix(".parquet.tmp")
        pq.write_table(pa.Table.from_pylist(self.rows, schema=SCHEMA), temporary,
                       compression="zstd")
        os.replace(temporary, final)
        self.next_index += 1
        self.rows = []

    def close(self) -> None:
        self.flush()


def _row(page: Page, analysis: Analysis) -> dict[str, object]:
    article, key = page.article, page.key
    return {
        "file": key.file, "offset": key.offset, "digest": key.digest,
        "url": article.url, "original_url": article.original_url,
        "input_path": article.input_path, "kind": article.kind, "status": article.status,
        "headers": json.dumps(article.headers) if article.headers is not None else None,
        "charset": article.charset, "body": article.body,
        "title": analysis.doc.title, "sentences": len(analysis.doc.sentences),
        "posts": len({p.key for p in analysis.posts}),
        "citations": len(analysis.cited.citations),
        "unmatched_quotes": len(analysis.cited.unmatched_quotes),
        "analysis": to_json(analysis),
    }


def read_shards(folder: Path) -> Iterator[tuple[Page, Analysis]]:
    """Every page of the shards in ``folder``, in the order they were written."""
    shards = sorted(folder.glob(PATTERN)) if folder.is_dir() else []
    if not shards:
        raise InputError(f"{folder}: no Parquet shards ({PATTERN}) here; give the folder "
                         "that `postlink batch --output` wrote")
    for shard in shards:
        rows = (row for batch in pq.ParquetFile(shard).iter_batches(batch_size=64)
                for row in batch.to_pylist())  # a shard's bodies are not all held at once
        for row in rows:
            article = ArticleInput(
                row["url"], row["body"], row["kind"], original_url=row["original_url"],
                input_path=row["input_path"], status=row["status"],
                headers=json.loads(row["headers"]) if row["headers"] is not None else None,
                charset=row["charset"])
            key = RecordKey(row["file"], row["offset"], row["digest"])
            yield Page(key, article, len(row["body"])), from_json(row["analysis"])

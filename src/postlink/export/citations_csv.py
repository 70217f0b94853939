"""Citations as CSV (RFC 4180, a header row): one row per sentence citing a post."""

from __future__ import annotations

import csv
from typing import TextIO

import postlink.export.selection as selection  # not `from postlink.export`: the package imports us
from postlink.export.selection import Selection
from postlink.store import Store

COLUMNS = ("article_id", "article_url", "version", "sentence_index", "sentence", "post_key",
           "post_url", "kind", "score", "quote", "article_start", "article_end", "post_start",
           "post_end", "beyond_truncation", "diff")


def write_citations_csv(store: Store, sel: Selection, out: TextIO) -> int:
    """Write the selection's citations; return how many rows."""
    writer = csv.DictWriter(out, COLUMNS, extrasaction="ignore", lineterminator="\r\n")
    writer.writeheader()
    rows = 0
    for c in selection.citations(store, sel):
        writer.writerow({**c, "beyond_truncation": int(c["beyond_truncation"])})
        rows += 1
    return rows

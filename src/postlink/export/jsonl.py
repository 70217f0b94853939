"""Articles, posts and citations as JSON Lines: one object a line, its kind in ``type``.

``{"type": "article", …}`` is one article version (its text included); ``{"type": "post", …}``
a post with every version of its text; ``{"type": "citation", …}`` one sentence citing one
post, with the spans and diff of ``postlink audit --format json``.
"""

from __future__ import annotations

import json
from typing import Any, TextIO

import postlink.export.selection as selection  # not `from postlink.export`: the package imports us
from postlink.export.selection import Selection
from postlink.store import Store


def write_jsonl(store: Store, sel: Selection, out: TextIO) -> dict[str, int]:
    """Write the selection; return how many lines of each type."""
    counts = {"article": 0, "post": 0, "citation": 0}

    def line(kind: str, row: dict[str, Any]) -> None:
        out.write(json.dumps({"type": kind, **row}, ensure_ascii=False) + "\n")
        counts[kind] += 1

    for v in selection.versions(store, sel):
        text = store.query("SELECT text FROM article_versions WHERE id = ?", (v["id"],))[0]
        line("article", {"id": v["article_id"], "url": v["url"], "original_url": v["original_url"],
                         "input_path": v["input_path"], "version": v["version"],
                         "title": v["title"], "fetched_at": v["fetched_at"],
                         "sha256": v["sha256"], "postlink_version": v["postlink_version"],
                         "text": text["text"]})
    for post in selection.posts(store, sel):
        line("post", {**post, "provisional": bool(post["provisional"]),
                      "versions": [{**pv, "truncated": bool(pv["truncated"])}
                                   for pv in selection.post_versions(store, post["key"])]})
    for c in selection.citations(store, sel):
        line("citation", {**c, "beyond_truncation": bool(c["beyond_truncation"])})
    return counts

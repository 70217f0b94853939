"""What an export covers, and the archive rows it reads, streamed in id order.

Every query runs through ``Store.iter_query`` (store.py owns the connection) and reads rows as
the writer consumes them, so an export of a million articles holds one article at a time.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from postlink.errors import InputError
from postlink.store import Store


@dataclass(frozen=True)
class Selection:
    """Every article (``article_ids`` None) or the ones named, fetched ``since`` a time.

    >>> Selection.build(store, articles=["1"], since="2024-10-01")
    """

    article_ids: tuple[int, ...] | None = None
    since: str = ""  # ISO date or time; "" means from the beginning

    @classmethod
    def build(cls, store: Store, *, articles: Sequence[str] = (), since: str | None = None
              ) -> Selection:
        """Resolve article references (id, URL or path) and check ``since``."""
        if since:
            try:
                datetime.fromisoformat(since)
            except ValueError:
                raise InputError(f"--since {since!r}: not a date; give YYYY-MM-DD or an ISO "
                                 "date and time such as 2024-10-16T09:00:00+00:00") from None
        ids = tuple(dict.fromkeys(int(store.find_article(ref)["id"]) for ref in articles))
        return cls(ids or None, since or "")

    def _articles(self, column: str) -> tuple[str, list[Any]]:
        if self.article_ids is None:
            return "1", []
        return f"{column} IN ({', '.join('?' * len(self.article_ids))})", list(self.article_ids)


def exchange_filter(sel: Selection) -> tuple[str, list[Any]]:
    """SQL over fetch_log rows saying which exchanges an export holds: every kept exchange
    since ``since``; for named articles, those that produced one of their versions, their
    posts' captures and the hops of their short links."""
    where = "method IS NOT NULL AND at >= ?"  # method: rows from before raw captures are bare
    if sel.article_ids is None:
        return where, [sel.since]
    articles, ids = sel._articles("article_id")
    mine = f"SELECT id FROM article_versions WHERE {articles}"
    return (f"{where} AND (article_version_id IN ({mine})"
            f" OR post_key IN (SELECT post_key FROM embeds WHERE version_id IN ({mine})"
            f" UNION SELECT post_key FROM links WHERE version_id IN ({mine}))"
            " OR url IN (SELECT r.from_url FROM redirects r JOIN links l ON l.href ="
            f" r.short_url WHERE l.version_id IN ({mine})))", [sel.since, *ids * 4])


def exchanges(store: Store, sel: Selection) -> Iterator[dict[str, Any]]:
    """The exchanges of an export in the order they were made."""
    where, params = exchange_filter(sel)
    return store.iter_query(f"SELECT * FROM fetch_log WHERE {where} ORDER BY id", params)


def first_page(store: Store, sel: Selection, exchange: dict[str, Any]) -> dict[str, Any] | None:
    """The version an exchange produced, if this is the first exported page that did."""
    version_id = exchange["article_version_id"]
    if version_id is None or exchange["status"] is None or not 200 <= exchange["status"] < 300:
        return None
    where, params = exchange_filter(sel)
    first = store.query(
        f"SELECT min(id) AS id FROM fetch_log WHERE article_version_id = ? AND status BETWEEN"
        f" 200 AND 299 AND {where}", [version_id, *params])
    if first[0]["id"] != exchange["id"]:
        return None
    return next(_versions(store, "v.id = ?", [version_id]))


def unfetched_versions(store: Store, sel: Selection) -> Iterator[dict[str, Any]]:
    """Versions stored since ``since`` that no kept exchange brought: files, stdin, pages
    archived before raw captures existed."""
    where, params = sel._articles("v.article_id")
    return _versions(store, f"{where} AND v.fetched_at >= ? AND NOT EXISTS (SELECT 1 FROM"
                            " fetch_log f WHERE f.article_version_id = v.id AND f.method IS NOT"
                            " NULL AND f.status BETWEEN 200 AND 299)", [*params, sel.since])


def versions(store: Store, sel: Selection) -> Iterator[dict[str, Any]]:
    """Article versions stored since ``since`` or re-fetched since then, oldest first."""
    where, params = sel._articles("v.article_id")
    return _versions(store, f"{where} AND (v.fetched_at >= ? OR EXISTS (SELECT 1 FROM fetch_log"
                            " f WHERE f.article_version_id = v.id AND f.at >= ?))",
                     [*params, sel.since, sel.since])


def _versions(store: Store, where: str, params: list[Any]) -> Iterator[dict[str, Any]]:
    return store.iter_query(
        "SELECT v.id, v.article_id, v.version, v.sha256, v.fetched_at, v.capture_id, v.title,"
        " v.postlink_version, a.url, a.original_url, a.input_path FROM article_versions v"
        f" JOIN articles a ON a.id = v.article_id WHERE {where} ORDER BY v.id", params)


def version_page(store: Store, sel: Selection, version_id: int) -> dict[str, Any] | None:
    """The first exported 2xx exchange that brought a version: what a 304 confirmed."""
    where, params = exchange_filter(sel)
    rows = store.query(
        "SELECT id, url, at, body_sha256 FROM fetch_log WHERE article_version_id = ? AND status"
        f" BETWEEN 200 AND 299 AND {where} ORDER BY id LIMIT 1", [version_id, *params])
    return rows[0] if rows else None


def earlier_copy(store: Store, sel: Selection, exchange: dict[str, Any]
                 ) -> dict[str, Any] | None:
    """The first exported 2xx exchange with the same non-empty body, if this one is not it:
    this one is then written as a revisit of that one (an unchanged re-fetch)."""
    if not exchange["body_sha256"] or not exchange["bytes"]:
        return None
    where, params = exchange_filter(sel)
    rows = store.query(
        "SELECT id, url, at FROM fetch_log INDEXED BY fetch_log_body WHERE body_sha256 = ?"
        f" AND status BETWEEN 200 AND 299 AND id < ? AND {where} ORDER BY id LIMIT 1",
        [exchange["body_sha256"], exchange["id"], *params])
    return rows[0] if rows else None


def body(store: Store, digest: str) -> bytes:
    """A stored response body by its sha256."""
    rows = store.query("SELECT body FROM bodies WHERE sha256 = ?", (digest,))
    return zlib.decompress(rows[0]["body"]) if rows else b""


def capture_body(store: Store, capture_id: int) -> tuple[bytes, str | None]:
    """The raw bytes an article version was extracted from, and their content type."""
    rows = store.query("SELECT body, content_type FROM captures WHERE id = ?", (capture_id,))
    return (zlib.decompress(rows[0]["body"]), rows[0]["content_type"]) if rows else (b"", None)


def headers(value: str | None) -> list[tuple[str, str]]:
    """A fetch_log headers column as (name, value) pairs."""
    return [(str(name), str(val)) for name, val in json.loads(value or "[]")]


def citations(store: Store, sel: Selection) -> Iterator[dict[str, Any]]:
    """Every citation of the selected versions with its article, sentence and post."""
    where, params = sel._articles("v.article_id")
    return store.iter_query(
        "SELECT a.id AS article_id, a.url AS article_url, v.version, c.sentence_idx"
        " AS sentence_index, s.text AS sentence, c.post_key, p.permalink AS post_url, c.kind,"
        " c.score, c.quote, c.article_start, c.article_end, c.post_start, c.post_end, c.diff,"
        " c.beyond_truncation FROM citations c JOIN article_versions v ON v.id = c.version_id"
        " JOIN articles a ON a.id = v.article_id LEFT JOIN sentences s ON s.version_id ="
        " c.version_id AND s.idx = c.sentence_idx LEFT JOIN posts p ON p.key = c.post_key"
        f" WHERE {where} AND v.fetched_at >= ? ORDER BY c.version_id, c.sentence_idx,"
        " c.article_start, c.id", [*params, sel.since])


def posts(store: Store, sel: Selection) -> Iterator[dict[str, Any]]:
    """The posts the selected versions embed, link or cite (every post for a whole export)."""
    if sel.article_ids is None and not sel.since:
        return store.iter_query("SELECT * FROM posts ORDER BY key")
    where, params = sel._articles("v.article_id")
    mine = f"SELECT v.id FROM article_versions v WHERE {where} AND v.fetched_at >= ?"
    return store.iter_query(
        "SELECT * FROM posts WHERE key IN (SELECT post_key FROM embeds WHERE version_id IN"
        f" ({mine}) UNION SELECT post_key FROM links WHERE version_id IN ({mine})"
        f" UNION SELECT post_key FROM citations WHERE version_id IN ({mine})) ORDER BY key",
        [*params, sel.since] * 3)


def post_versions(store: Store, key: str) -> list[dict[str, Any]]:
    return store.query("SELECT text, truncated, media, fetched_at, source, sha256"
                       " FROM post_versions WHERE post_key = ? ORDER BY id", (key,))

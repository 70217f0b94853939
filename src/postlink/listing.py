"""Archive-wide listings: the articles (`postlink list`) and the job state (`postlink status`).

Read-only queries that go through ``Store.query`` (store.py still is the only code that opens
SQLite). Each reads rows in proportion to the page it returns (issue 15): the page of articles
is chosen off an index first, and only then are its versions, posts and citations counted.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from postlink.errors import NotFound
from postlink.store import Store


@dataclass(frozen=True)
class ArticleFilter:
    """Which articles `postlink list` shows; every field is optional.

    >>> ArticleFilter(source="feed:https://news.example/rss", since="2024-10-01")
    """

    source: str | None = None  # a source's name (kind:url), url or path
    tag: str | None = None  # a tag of the source the article came from
    since: str | None = None  # ISO date: published (or first archived) on or after
    until: str | None = None  # ISO date: published (or first archived) on or before


# The counts of one article's latest version, computed only for the rows of the page.
_ARTICLE_PAGE = """
WITH page AS MATERIALIZED (
  SELECT id FROM articles a WHERE {where} ORDER BY id DESC LIMIT :limit OFFSET :offset),
latest AS MATERIALIZED (
  SELECT page.id AS article_id,
         (SELECT v.id FROM article_versions v WHERE v.article_id = page.id
          ORDER BY v.version DESC LIMIT 1) AS version_id
  FROM page)
SELECT a.id, a.url, COALESCE(v.title, a.title) AS title, a.published, a.first_seen,
       a.last_seen, s.name AS source, v.version AS versions,
       (SELECT count(*) FROM (SELECT post_key FROM embeds WHERE version_id = l.version_id
          UNION SELECT post_key FROM links WHERE version_id = l.version_id
          AND post_key IS NOT NULL AND in_post IS NULL)) AS posts,
       (SELECT count(*) FROM citations c WHERE c.version_id = l.version_id) AS citations,
       (SELECT count(*) FROM unmatched_quotes u WHERE u.version_id = l.version_id)
         AS unmatched_quotes
FROM latest l JOIN articles a ON a.id = l.article_id
LEFT JOIN article_versions v ON v.id = l.version_id
LEFT JOIN sources s ON s.id = a.source_id
ORDER BY a.id DESC
"""

# `date` of an article: when it was published, else when it was first archived. The same
# expression is indexed (articles_date), so a date range is a range of that index.
_DATE = "COALESCE(a.published, a.first_seen)"


def list_articles(store: Store, filters: ArticleFilter = ArticleFilter(), *, limit: int = 50,
                  offset: int = 0, before: int | None = None) -> list[dict[str, Any]]:
    """Articles newest first, with the counts of their latest version.

    ``before`` is a cursor (the last id of the previous page): the next page starts on the
    primary key there, however deep into the archive it is, where ``offset`` skips rows.
    """
    where = ["a.id < :before"]
    params: dict[str, Any] = {"limit": limit, "offset": offset,
                              "before": 2**63 - 1 if before is None else before}
    if filters.source is not None:
        where.append("a.source_id = :source_id")
        params["source_id"] = _source_id(store, filters.source)
    if filters.tag is not None:
        where.append("a.source_id IN (SELECT s.id FROM sources s, json_each(s.tags) t"
                     " WHERE t.value = :tag)")
        params["tag"] = filters.tag
    if filters.since is not None:
        where.append(f"{_DATE} >= :since")
        params["since"] = filters.since
    if filters.until is not None:
        # an ISO date bound takes in the whole day: '2024-10-16T09:00' > '2024-10-16'
        where.append(f"{_DATE} < :until")
        params["until"] = filters.until + "\uffff"
    return store.query(_ARTICLE_PAGE.format(where=" AND ".join(where)), params)


def _source_id(store: Store, ref: str) -> int:
    rows = store.query("SELECT id FROM sources WHERE name = ? OR url = ? OR path = ?"
                       " ORDER BY id LIMIT 1", (ref, ref, ref))
    if not rows:
        raise NotFound(f"source {ref!r}: not in the archive; `postlink status` lists the "
                       "sources")
    return int(rows[0]["id"])


def source_status(store: Store, *, limit: int = 50, offset: int = 0) -> list[dict[str, Any]]:
    """Configured sources, soonest due first, with their queue: pending and failed items
    (counted off the (source_id, state) index: the queue, not the archive)."""
    rows = store.query(
        "SELECT s.id, s.name, s.kind, s.enabled, s.status, s.error, s.last_polled,"
        " s.next_due, s.interval, s.failures,"
        " (SELECT count(*) FROM source_items i WHERE i.source_id = s.id"
        "  AND i.state = 'pending') AS pending,"
        " (SELECT count(*) FROM source_items i WHERE i.source_id = s.id"
        "  AND i.state = 'failed') AS failed"
        " FROM sources s ORDER BY s.enabled DESC, s.next_due IS NULL, s.next_due, s.id"
        " LIMIT ? OFFSET ?", (limit, offset))
    for row in rows:
        row["enabled"] = bool(row["enabled"])  # SQLite's 0/1; JSON says true/false
    return rows


def queue_totals(store: Store) -> dict[str, int]:
    """Items waiting (pending) and failed across every source: two ranges of an index."""
    row = store.query(
        "SELECT (SELECT count(*) FROM source_items WHERE state = 'pending') AS pending,"
        " (SELECT count(*) FROM source_items WHERE state = 'failed') AS failed")[0]
    return {"pending": int(row["pending"]), "failed": int(row["failed"])}


def recent_errors(store: Store, *, limit: int = 10) -> list[dict[str, Any]]:
    """The latest failed articles of the queue, newest first."""
    return store.query(
        "SELECT url, error, attempts, updated_at FROM source_items WHERE state = 'failed'"
        " ORDER BY updated_at DESC LIMIT ?", (limit,))

"""The archive: one SQLite database, its migrations (schema in schema.py) and its queries.

Nothing else in postlink opens SQLite. The cross-article searches of ``posts`` and ``search``
are a mixin in search.py, run on this connection; the archive-wide listings of ``list`` and
``status`` (listing.py) run their read-only SQL through ``Store.query``. Writes of one article happen in
one transaction, so a failure or a kill half-way leaves either the whole article version or
nothing.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import zlib
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from postlink import __version__ as POSTLINK_VERSION
from postlink.errors import NotFound, StoreError
from postlink.schema import MIGRATIONS
from postlink.search import ArchiveSearch, fts_query

__all__ = ["MIGRATIONS", "Store", "fts_query"]  # fts_query: tests and callers import it here

if TYPE_CHECKING:
    import sqlite_utils

    from postlink.net.exchange import Exchange

def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def sha256(data: bytes | str) -> str:
    return hashlib.sha256(data.encode("utf-8") if isinstance(data, str) else data).hexdigest()


@dataclass(frozen=True)
class RecordedCapture:
    """What ``record_capture`` changed: the post's status before and after, a new text."""

    old_status: str
    status: str
    new_version: bool
    gone_since: str | None


@dataclass(frozen=True)
class SavedVersion:
    article_id: int
    version_id: int
    version: int
    created: bool  # False when the same content was already archived


@dataclass(frozen=True)
class RemovedArticle:
    """What ``remove_article`` deleted (or, with ``dry_run``, would delete)."""

    article_id: int
    url: str
    versions: int
    sentences: int
    citations: int
    unmatched_quotes: int
    embeds: int
    links: int
    captures: int
    fetch_log: int
    source_items: int  # marked removed, not deleted
    posts_removed: int  # embedded, linked or cited by no other article
    posts_kept: int  # still used by another article
    dry_run: bool


class Store(ArchiveSearch):
    """The archive database (its cross-article searches come from search.ArchiveSearch). ``Store(path)`` creates and migrates it if needed.

    >>> store = Store(Path("archive/postlink.db"))
    >>> store.article_id("https://example.org/a")
    """

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        try:
            if str(path) != ":memory:":
                self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(str(path), timeout=30, isolation_level=None)
            conn.execute("PRAGMA busy_timeout = 30000")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA synchronous = NORMAL")
            # 64 MiB of page cache (allocated as used) rather than 2: at a million posts the
            # indexes an article's writes touch no longer fit in the default (issue 15)
            conn.execute("PRAGMA cache_size = -65536")
            self.conn = conn
            self._migrate()
            # Only an archive held at an earlier schema (the migration tests pin one) lacks
            # the in_region columns of schema 4; its rows are written without them.
            self._in_region = any(row[1] == "in_region"
                                  for row in conn.execute("PRAGMA table_info(embeds)"))
            self._checked_text = any(row[1] == "post_version_id"  # schema 8
                                     for row in conn.execute("PRAGMA table_info(citations)"))
        except (sqlite3.Error, OSError) as exc:
            raise StoreError(
                f"{path}: cannot open the database ({exc}); check the path and its permissions "
                "or pass --db"
            ) from exc
        self._db: sqlite_utils.Database | None = None

    @property
    def db(self) -> sqlite_utils.Database:
        """sqlite-utils' view of the archive (table counts, tests); imported when first used,
        as it costs 25 ms of start-up that the read commands do not need."""
        if self._db is None:
            import sqlite_utils

            self._db = sqlite_utils.Database(self.conn)
        return self._db

    def close(self) -> None:
        self.conn.close()

    def _migrate(self) -> None:
        conn = self.conn
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version > len(MIGRATIONS):
            raise StoreError(f"{self.path}: written by a newer postlink (schema {version}, this "
                             f"one knows {len(MIGRATIONS)}); upgrade postlink, or pass --db "
                             "with another archive")
        for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
            conn.execute("BEGIN IMMEDIATE")
            try:
                for statement in _statements(script):
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {number}")
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction; BEGIN IMMEDIATE so a second writer waits instead of failing."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        else:
            self.conn.execute("COMMIT")

    def query(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[dict[str, Any]]:
        cursor = self.conn.execute(sql, params)
        names = [d[0] for d in cursor.description or ()]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def iter_query(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()
                   ) -> Iterator[dict[str, Any]]:
        """Rows as they are read, for exports that must not hold a whole table in memory."""
        cursor = self.conn.execute(sql, params)
        names = [d[0] for d in cursor.description or ()]
        for row in cursor:
            yield dict(zip(names, row, strict=True))

    def table_counts(self) -> dict[str, int]:
        return {t: self.db[t].count for t in self.db.table_names() if not t.startswith("sentences_fts")}

    # -- captures --------------------------------------------------------------------------
    def add_capture(self, conn: sqlite3.Connection, *, url: str, body: bytes, status: int | None,
                    headers: dict[str, str] | None, content_type: str | None) -> int:
        """Store raw evidence once per distinct body (by sha256); return its id."""
        digest = sha256(body)
        row = conn.execute("SELECT id FROM captures WHERE sha256 = ?", (digest,)).fetchone()
        if row:
            return int(row[0])
        cur = conn.execute(
            "INSERT INTO captures (url, fetched_at, status, headers, content_type, body, sha256,"
            " postlink_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (url, now(), status, json.dumps(headers or {}), content_type, zlib.compress(body),
             digest, POSTLINK_VERSION),
        )
        return _inserted_id(cur)

    # -- articles --------------------------------------------------------------------------
    def save_article(self, conn: sqlite3.Connection, *, url: str, original_url: str | None,
                     input_path: str | None, title: str | None, byline: str | None,
                     published: str | None, content_sha256: str, text: str,
                     capture_id: int | None, source_id: int | None = None) -> SavedVersion:
        """Upsert the article and add a version unless this content is already archived."""
        stamp = now()
        row = conn.execute("SELECT id FROM articles WHERE url = ?", (url,)).fetchone()
        if row:
            article_id = int(row[0])
            conn.execute(
                "UPDATE articles SET last_seen = ?, title = COALESCE(?, title),"
                " input_path = COALESCE(?, input_path) WHERE id = ?",
                (stamp, title, input_path, article_id),
            )
        else:
            cur = conn.execute(
                "INSERT INTO articles (url, original_url, input_path, title, byline, published,"
                " first_seen, last_seen, source_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (url, original_url, input_path, title, byline, published, stamp, stamp, source_id),
            )
            article_id = _inserted_id(cur)
        existing = conn.execute(
            "SELECT id, version FROM article_versions WHERE article_id = ? AND sha256 = ?",
            (article_id, content_sha256),
        ).fetchone()
        if existing:
            return SavedVersion(article_id, int(existing[0]), int(existing[1]), False)
        version = conn.execute(
            "SELECT COALESCE(MAX(version), 0) + 1 FROM article_versions WHERE article_id = ?",
            (article_id,),
        ).fetchone()[0]
        cur = conn.execute(
            "INSERT INTO article_versions (article_id, version, sha256, fetched_at, capture_id,"
            " text, title, postlink_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (article_id, version, content_sha256, stamp, capture_id, text, title, POSTLINK_VERSION),
        )
        return SavedVersion(article_id, _inserted_id(cur), int(version), True)

    def add_sentences(self, conn: sqlite3.Connection, version_id: int,
                      sentences: Iterable[tuple[int, int, int, str]]) -> None:
        conn.executemany(
            'INSERT INTO sentences (version_id, idx, start, "end", text) VALUES (?, ?, ?, ?, ?)',
            [(version_id, *s) for s in sentences],
        )

    def add_links(self, conn: sqlite3.Connection, version_id: int,
                  links: Iterable[tuple[str, str, str, int | None, int | None, str | None,
                                        str | None] | tuple[str, str, str, int | None,
                                                            int | None, str | None, str | None,
                                                            bool | None]]) -> None:
        """Links as (href, url, anchor, start, end, post_key, in_post[, in_region]);
        ``post_key`` is the post the link points at, ``in_post`` the embedded post whose text
        holds the link, ``in_region`` (NULL when left off) whether a post link sat inside the
        article body region."""
        width = 8 if self._in_region else 7
        conn.executemany(
            'INSERT INTO links (version_id, idx, href, url, anchor, start, "end", post_key,'
            f" in_post{', in_region' if self._in_region else ''}) VALUES ({', '.join('?' * (width + 2))})",
            [(version_id, i, *(*link, None)[:width]) for i, link in enumerate(links)],
        )

    def add_embed(self, conn: sqlite3.Connection, version_id: int, idx: int, *, post_key: str,
                  markup: str, position: int | None, text: str, truncated: bool,
                  date_text: str | None, in_region: bool | None = None) -> None:
        row = (version_id, idx, post_key, markup, position, text, int(truncated), date_text,
               *((in_region,) if self._in_region else ()))
        conn.execute(
            "INSERT INTO embeds (version_id, idx, post_key, markup, position, text, truncated,"
            f" date_text{', in_region' if self._in_region else ''}) VALUES ({', '.join('?' * len(row))})",
            row,
        )

    def replace_citations(self, conn: sqlite3.Connection, version_id: int,
                          citations: Iterable[dict[str, Any]],
                          unmatched: Iterable[dict[str, Any]]) -> None:
        """Citations of a version are derived data: recomputing replaces them whole.

        ``post_version_id`` (optional in each citation) is the post_versions row whose text
        the citation was checked against, when it was not the page's own."""
        conn.execute("DELETE FROM citations WHERE version_id = ?", (version_id,))
        conn.execute("DELETE FROM unmatched_quotes WHERE version_id = ?", (version_id,))
        checked = ", post_version_id" if self._checked_text else ""
        for c in citations:
            conn.execute(
                "INSERT INTO citations (version_id, sentence_idx, post_key, kind, score, quote,"
                f" article_start, article_end, post_start, post_end, diff, beyond_truncation{checked})"
                " VALUES (:version_id, :sentence_idx, :post_key, :kind, :score, :quote,"
                " :article_start, :article_end, :post_start, :post_end, :diff,"
                f" :beyond_truncation{checked.replace(', ', ', :')})",
                {"version_id": version_id, "post_version_id": None, **c},
            )
        for u in unmatched:
            conn.execute(
                "INSERT INTO unmatched_quotes (version_id, sentence_idx, quote, article_start,"
                " article_end) VALUES (:version_id, :sentence_idx, :quote, :article_start,"
                " :article_end)",
                {"version_id": version_id, **u},
            )

    # -- posts -----------------------------------------------------------------------------
    def upsert_post(self, conn: sqlite3.Connection, *, key: str, platform: str,
                    permalink: str | None, author_handle: str | None, author_name: str | None,
                    created_at: str | None, provisional: bool) -> None:
        conn.execute(
            "INSERT INTO posts (key, platform, permalink, author_handle, author_name, created_at,"
            " provisional, first_seen) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT(key) DO UPDATE SET"
            " permalink = COALESCE(posts.permalink, excluded.permalink),"
            " author_handle = COALESCE(posts.author_handle, excluded.author_handle),"
            " author_name = COALESCE(posts.author_name, excluded.author_name),"
            " created_at = COALESCE(posts.created_at, excluded.created_at)",
            (key, platform, permalink, author_handle, author_name, created_at, int(provisional),
             now()),
        )

    def add_post_version(self, conn: sqlite3.Connection, *, post_key: str, text: str,
                         truncated: bool, source: str, media: str | None = None) -> bool:
        """Record the post's text as seen from ``source``; False if this text is known."""
        cur = conn.execute(
            "INSERT OR IGNORE INTO post_versions (post_key, text, truncated, media, fetched_at,"
            " source, sha256) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (post_key, text, int(truncated), media, now(), source, sha256(text)),
        )
        return cur.rowcount > 0

    def merge_post(self, conn: sqlite3.Connection, provisional_key: str, key: str) -> None:
        """Fold a provisional post (handle + text) into the post whose permalink is now known."""
        if provisional_key == key:
            return
        for table in ("embeds", "citations", "links"):
            conn.execute(f"UPDATE {table} SET post_key = ? WHERE post_key = ?",
                         (key, provisional_key))
        conn.execute(
            "INSERT OR IGNORE INTO post_versions (post_key, text, truncated, media, fetched_at,"
            " source, sha256) SELECT ?, text, truncated, media, fetched_at, source, sha256"
            " FROM post_versions WHERE post_key = ?", (key, provisional_key))
        if self._checked_text:  # citations checked against a moved text follow it
            conn.execute(
                "UPDATE citations SET post_version_id = (SELECT n.id FROM post_versions o"
                " JOIN post_versions n ON n.post_key = ? AND n.sha256 = o.sha256"
                " WHERE o.id = citations.post_version_id) WHERE post_key = ?"
                " AND post_version_id IS NOT NULL", (key, key))
        conn.execute("DELETE FROM post_versions WHERE post_key = ?", (provisional_key,))
        conn.execute("DELETE FROM posts WHERE key = ?", (provisional_key,))

    def provisional_posts(self, handle: str) -> list[dict[str, Any]]:
        """Provisional posts by ``handle`` with their texts."""
        return self.posts_by_handle(handle, provisional=True)

    def posts_by_handle(self, handle: str, *, provisional: bool) -> list[dict[str, Any]]:
        """Posts by ``handle`` (any case), provisional or not, each with each of its texts;
        read off the posts_handle index."""
        return self.query(
            "SELECT p.key, p.permalink, v.text, v.truncated FROM posts p JOIN post_versions v"
            " ON v.post_key = p.key WHERE lower(p.author_handle) = lower(?)"
            " AND p.provisional = ?", (handle, int(provisional)))

    def post_texts(self, keys: Iterable[str]) -> dict[str, dict[str, Any]]:
        """The best archived text and the author of each post: complete before truncated, the
        platform's own (a capture) before a page's copy, then the latest. ``version_id``,
        ``source`` and ``fetched_at`` say which post_versions row it is (None: no text)."""
        out: dict[str, dict[str, Any]] = {}
        for key in dict.fromkeys(keys):
            rows = self.query(
                "SELECT p.key, p.author_handle, p.author_name, p.permalink, v.text, v.truncated,"
                " v.id AS version_id, v.source, v.fetched_at"
                " FROM posts p LEFT JOIN post_versions v ON v.post_key = p.key WHERE p.key = ?"
                " ORDER BY v.truncated ASC, v.source = 'embed' ASC, v.id DESC LIMIT 1", (key,))
            if rows:
                out[key] = rows[0]
        return out

    # -- reading ---------------------------------------------------------------------------
    def find_article(self, ref: str) -> dict[str, Any]:
        """The article named by an id, a URL or the path given to ``add``."""
        rows: list[dict[str, Any]] = []
        if ref.isdigit():
            rows = self.query("SELECT * FROM articles WHERE id = ?", (int(ref),))
        if not rows:
            rows = self.query("SELECT * FROM articles WHERE url = ?", (ref,))
        if not rows:
            # a query of its own: with `url = ? OR original_url = ?` and ORDER BY id the
            # planner walks the whole table in id order instead of using the two indexes
            rows = self.query("SELECT * FROM articles WHERE original_url = ?"
                              " ORDER BY id LIMIT 1", (ref,))
        if not rows:
            resolved = str(Path(ref).resolve()) if ref else ref
            rows = self.query("SELECT * FROM articles WHERE input_path IN (?, ?)"
                              " ORDER BY last_seen DESC LIMIT 1", (ref, resolved))
        if not rows:
            raise NotFound.article(ref)
        return rows[0]

    def latest_version(self, article_id: int) -> dict[str, Any]:
        rows = self.query("SELECT * FROM article_versions WHERE article_id = ?"
                          " ORDER BY version DESC LIMIT 1", (article_id,))
        if not rows:
            raise NotFound(f"article {article_id}: no stored version (the archive is damaged); "
                           "add the article again with `postlink add`")
        return rows[0]

    def article_version(self, article_id: int, version: int) -> dict[str, Any] | None:
        """Version ``version`` (1, 2, …) of an article, or None when it has no such version."""
        rows = self.query("SELECT * FROM article_versions WHERE article_id = ? AND version = ?",
                          (article_id, version))
        return rows[0] if rows else None

    def version_numbers(self, article_id: int) -> list[int]:
        """The version numbers an article has, oldest first."""
        return [row[0] for row in self.conn.execute(
            "SELECT version FROM article_versions WHERE article_id = ? ORDER BY version",
            (article_id,))]

    def version_source(self, version_id: int) -> dict[str, Any] | None:
        """What one article version was read from: the article's url, original_url and
        input_path, and its raw capture (``body`` decompressed, ``headers`` a dict,
        ``content_type``, ``status``), or None when the version holds no capture."""
        rows = self.query(
            "SELECT a.url, a.original_url, a.input_path, c.status, c.headers,"
            " c.content_type, c.body FROM article_versions v JOIN articles a ON a.id = v.article_id"
            " JOIN captures c ON c.id = v.capture_id WHERE v.id = ?", (version_id,))
        if not rows:
            return None
        row = rows[0]
        row["body"] = zlib.decompress(row["body"])
        row["headers"] = json.loads(row["headers"] or "{}")
        return row

    def versions_lacking_text(self, key: str) -> list[int]:
        """Ids of the article versions that embed or link the post ``key`` without giving its
        whole text (no embed of it there has it, uncut): those whose citations of it an
        archived text of the post can change, oldest first."""
        return [row[0] for row in self.conn.execute(
            "SELECT version_id FROM embeds WHERE post_key = ?"
            " UNION SELECT version_id FROM links WHERE post_key = ? AND in_post IS NULL"
            " EXCEPT SELECT version_id FROM embeds WHERE post_key = ? AND COALESCE(text, '') != ''"
            " AND truncated = 0 ORDER BY 1", (key, key, key))]

    def post_versions_by_id(self, ids: Iterable[int]) -> dict[int, dict[str, Any]]:
        """post_versions rows (id, post_key, source, fetched_at, truncated) by id."""
        wanted = sorted(set(ids))
        if not wanted:
            return {}
        marks = ", ".join("?" * len(wanted))
        return {row["id"]: row for row in self.query(
            "SELECT id, post_key, source, fetched_at, truncated FROM post_versions"
            f" WHERE id IN ({marks})", wanted)}

    def version_rows(self, version_id: int, table: str, order: str = "id") -> list[dict[str, Any]]:
        if table not in ("sentences", "embeds", "links", "citations", "unmatched_quotes"):
            raise ValueError(table)
        return self.query(f"SELECT * FROM {table} WHERE version_id = ? ORDER BY {order}",
                          (version_id,))

    def post(self, key: str) -> dict[str, Any] | None:
        rows = self.query("SELECT * FROM posts WHERE key = ?", (key,))
        return rows[0] if rows else None

    def version_short_links(self, version_id: int) -> dict[str, dict[str, Any]]:
        """Stored resolutions of the links of one version, by URL: looked up through the
        version's links, never by reading the whole short_links table (issue 15)."""
        rows = self.query(
            "SELECT sl.* FROM short_links sl WHERE sl.url IN"
            " (SELECT href FROM links WHERE version_id = ?)", (version_id,))
        return {row["url"]: row for row in rows}

    # -- removing an article (remove) -------------------------------------------------------
    def remove_article(self, article_id: int, *, dry_run: bool = False) -> RemovedArticle:
        """Delete one article and every row that is only its own, in one transaction.

        Gone: its versions with their sentences (and full-text rows, by trigger), embeds,
        links, citations and unmatched quotes; the captures no other article's version holds;
        the fetch_log rows of its URLs; the posts no other article embeds, links or cites
        (with their versions). Kept: every post another article still uses, with all its
        versions, and short-link resolutions (a cache keyed by URL, shared with `resolve`,
        that expires on its own). Queue items (source_items) naming it are marked
        ``removed`` instead of deleted, so the next poll of a feed that still lists it does
        not archive it again. With ``dry_run`` the counts are computed and nothing changes.
        """
        conn = self.conn
        conn.execute("BEGIN" if dry_run else "BEGIN IMMEDIATE")
        try:
            removed = self._remove_article(conn, article_id, dry_run=dry_run)
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("ROLLBACK" if dry_run else "COMMIT")
        return removed

    def _remove_article(self, conn: sqlite3.Connection, article_id: int, *,
                        dry_run: bool) -> RemovedArticle:
        row = conn.execute("SELECT url, original_url FROM articles WHERE id = ?",
                           (article_id,)).fetchone()
        if row is None:
            raise NotFound.article(article_id)
        url, original_url = row
        versions = conn.execute("SELECT id, capture_id FROM article_versions"
                                " WHERE article_id = ?", (article_id,)).fetchall()
        version_ids = [v[0] for v in versions]
        marks = ", ".join("?" * len(version_ids)) or "NULL"

        def count(table: str) -> int:
            return int(conn.execute(f"SELECT count(*) FROM {table} WHERE version_id IN ({marks})",
                                    version_ids).fetchone()[0])

        counts = {table: count(table) for table in
                  ("sentences", "citations", "unmatched_quotes", "embeds", "links")}
        keys = sorted({r[0] for table in ("embeds", "citations", "links") for r in conn.execute(
            f"SELECT DISTINCT post_key FROM {table} WHERE version_id IN ({marks})"
            " AND post_key IS NOT NULL", version_ids)})
        # A post is shared while a row of another article names it: each lookup walks the
        # post's index entries and stops at the first one outside this article. INDEXED BY:
        # with LIMIT 1 and statistics where most rows share one value (links to no post,
        # versions without a capture) the planner would rather scan the table.
        shared = [key for key in keys if any(conn.execute(
            f"SELECT 1 FROM {table} INDEXED BY {index} WHERE post_key = ?"
            f" AND version_id NOT IN ({marks}) LIMIT 1", (key, *version_ids)).fetchone()
            for table, index in (("embeds", "embeds_post"), ("citations", "citations_post"),
                                 ("links", "links_post")))]
        orphans = [key for key in keys if key not in shared]
        captures = sorted({v[1] for v in versions if v[1] is not None and conn.execute(
            "SELECT 1 FROM article_versions INDEXED BY article_versions_capture"
            " WHERE capture_id = ? AND article_id != ? LIMIT 1",
            (v[1], article_id)).fetchone() is None})
        items = [r[0] for r in conn.execute(
            "SELECT id FROM source_items WHERE article_id = ?", (article_id,))]
        items += [r[0] for r in conn.execute(
            "SELECT id FROM source_items WHERE url = ? AND article_id IS NULL", (url,))]
        fetched = sorted({u for u in (url, original_url) if u} | {r[0] for i in items for r in
                         conn.execute("SELECT fetch_url FROM source_items WHERE id = ?", (i,))})
        # its exchanges: those of its URLs and those that produced one of its versions
        # (redirect hops from other addresses), with their bodies
        exchanges = {r[0]: r[1] for u in fetched for r in conn.execute(
            "SELECT id, body_sha256 FROM fetch_log WHERE url = ?", (u,))}
        exchanges.update({r[0]: r[1] for r in conn.execute(
            f"SELECT id, body_sha256 FROM fetch_log WHERE article_version_id IN ({marks})",
            version_ids)})
        fetch_rows = len(exchanges)
        removed = RemovedArticle(
            article_id=article_id, url=url, versions=len(versions),
            sentences=counts["sentences"], citations=counts["citations"],
            unmatched_quotes=counts["unmatched_quotes"], embeds=counts["embeds"],
            links=counts["links"], captures=len(captures), fetch_log=fetch_rows,
            source_items=len(items), posts_removed=len(orphans), posts_kept=len(shared),
            dry_run=dry_run)
        if dry_run:
            return removed
        for table in ("citations", "unmatched_quotes", "embeds", "links", "sentences"):
            conn.execute(f"DELETE FROM {table} WHERE version_id IN ({marks})", version_ids)
        conn.execute("DELETE FROM article_versions WHERE article_id = ?", (article_id,))
        conn.executemany("DELETE FROM captures WHERE id = ?", [(c,) for c in captures])
        conn.executemany(
            "UPDATE source_items SET state = 'removed', article_id = NULL, error = NULL,"
            " updated_at = ? WHERE id = ?", [(now(), i) for i in items])
        conn.executemany("DELETE FROM fetch_log WHERE id = ?", [(i,) for i in exchanges])
        conn.executemany(  # a body another exchange still holds stays
            "DELETE FROM bodies WHERE sha256 = ? AND NOT EXISTS (SELECT 1 FROM fetch_log"
            " WHERE body_sha256 = bodies.sha256)",
            [(d,) for d in sorted({d for d in exchanges.values() if d})])
        conn.execute("DELETE FROM articles WHERE id = ?", (article_id,))
        for key in orphans:
            conn.execute("DELETE FROM post_versions WHERE post_key = ?", (key,))
            conn.execute("DELETE FROM posts WHERE key = ?", (key,))
        return removed


    # -- maintenance (maintain) ---------------------------------------------------------------
    def maintain(self, *, vacuum: bool = False) -> dict[str, Any]:
        """Keep a big archive fast: fold the WAL into the database, merge the FTS segments,
        refresh the planner's statistics and, with ``vacuum``, rewrite the file compactly.

        Readers keep reading throughout (WAL); a writer waits on the busy timeout. A failure
        half-way leaves the archive as it was before that step.
        """
        steps: dict[str, Any] = {}
        for fts in ("sentences_fts", "post_versions_fts"):
            # 'optimize' merges the index's b-trees into one: fewer segments per MATCH
            self.conn.execute(f"INSERT INTO {fts}({fts}) VALUES ('optimize')")
        steps["fts_optimized"] = 2
        # analysis_limit samples each index: statistics good enough for the planner in a
        # second on a million-post archive, where a full ANALYZE reads every row
        self.conn.execute("PRAGMA analysis_limit = 1000")
        self.conn.execute("ANALYZE")
        steps["analyzed"] = True
        if vacuum:
            self.conn.execute("VACUUM")
        steps["vacuumed"] = vacuum
        wal = Path(f"{self.path}-wal")
        wal_bytes = wal.stat().st_size if wal.exists() else 0
        # TRUNCATE reports no frame counts once it has emptied the WAL: measure the file
        busy = self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
        steps["checkpoint"] = {"busy": bool(busy), "wal_bytes": wal_bytes}
        return steps

    # -- short links and redirects (resolve) ----------------------------------------------
    def short_link(self, url: str, *, valid_at: str | None = None) -> dict[str, Any] | None:
        """The stored resolution of ``url`` with its ``hops`` (redirects rows), or None.

        With ``valid_at`` (an ISO time), a result that expired by then counts as absent.
        """
        rows = self.query("SELECT * FROM short_links WHERE url = ?", (url,))
        if not rows or (valid_at is not None and rows[0]["expires_at"] <= valid_at):
            return None
        row = rows[0]
        row["hops"] = self.query(
            "SELECT hop, from_url, to_url, status_code, via, ms FROM redirects"
            " WHERE short_url = ? ORDER BY hop", (url,))
        return row

    def save_short_link(self, *, url: str, status: str, final_url: str | None,
                        canonical_url: str | None, error: str | None, checked_at: str,
                        expires_at: str,
                        hops: Sequence[tuple[str, str | None, int | None, str, float]]) -> None:
        """Replace the resolution of ``url`` and its hops (from, to, status, via, ms) at once."""
        with self.transaction() as conn:
            conn.execute("DELETE FROM redirects WHERE short_url = ?", (url,))
            conn.execute(
                "INSERT OR REPLACE INTO short_links (url, status, final_url, canonical_url,"
                " hops, error, checked_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (url, status, final_url, canonical_url, sum(1 for h in hops if h[1]), error,
                 checked_at, expires_at))
            conn.executemany(
                "INSERT INTO redirects (short_url, hop, from_url, to_url, status_code, via, ms)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                [(url, i, *hop[:4], round(hop[4], 1)) for i, hop in enumerate(hops)])

    # -- sources and scheduling (run, schedule) --------------------------------------------
    # Schedule state lives here so a restart continues where the last process stopped:
    # `sources` holds each source's validators, adaptive interval and next due time;
    # `source_items` is the queue of discovered articles, one row per canonical URL however
    # many sources list it, with state pending | done | failed | skipped (robots.txt) |
    # removed (`postlink remove`: never archived again by a poll).

    def sync_sources(self, sources: Sequence[Any]) -> dict[str, int]:
        """Insert or update configured sources (config.SourceConfig); disable the others."""
        ids: dict[str, int] = {}
        with self.transaction() as conn:
            conn.execute("UPDATE sources SET enabled = 0")
            for src in sources:
                # A changed configured interval restarts the adaptive one from it.
                conn.execute(
                    "INSERT INTO sources (name, kind, url, path, tags, interval, base_interval,"
                    " enabled) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(name) DO UPDATE SET"
                    " kind = excluded.kind, url = excluded.url, path = excluded.path,"
                    " tags = excluded.tags, enabled = excluded.enabled,"
                    " interval = CASE WHEN sources.base_interval IS excluded.base_interval"
                    " THEN sources.interval ELSE excluded.interval END,"
                    " base_interval = excluded.base_interval",
                    (src.name, src.kind, src.url, str(src.path) if src.path else None,
                     json.dumps(list(src.tags)), src.interval, src.interval, int(src.enabled)))
                ids[src.name] = int(conn.execute("SELECT id FROM sources WHERE name = ?",
                                                 (src.name,)).fetchone()[0])
        return ids

    def source_row(self, source: int | str) -> dict[str, Any]:
        """A sources row by id or by name (``kind:url-or-path``)."""
        column = "id" if isinstance(source, int) else "name"
        rows = self.query(f"SELECT * FROM sources WHERE {column} = ?", (source,))
        if not rows:
            raise NotFound(f"source {source!r}: not in the archive; `postlink status` lists "
                           "the sources")
        return rows[0]

    def update_source(self, conn: sqlite3.Connection, source_id: int, **values: Any) -> None:
        """Set columns of one source row (names are ours, never user input)."""
        if values:
            names = ", ".join(f"{name} = ?" for name in values)
            conn.execute(f"UPDATE sources SET {names} WHERE id = ?", (*values.values(), source_id))

    def enqueue(self, conn: sqlite3.Connection, source_id: int,
                items: Iterable[tuple[str, str, str | None]]) -> tuple[int, int]:
        """Queue (key, fetch_url, stamp) items; return (new, changed) counts.

        A known item goes back to pending only when its stamp changed (the source says the
        article was updated); the same article listed by a second source is not queued twice.
        An item whose article was removed (`postlink remove`) stays ``removed``.
        """
        new = changed = 0
        stamp_now = now()
        for key, fetch_url, stamp in items:
            row = conn.execute("SELECT id, stamp, state FROM source_items WHERE url = ?",
                               (key,)).fetchone()
            if row is None:
                conn.execute(
                    "INSERT INTO source_items (source_id, url, fetch_url, stamp, discovered_at,"
                    " updated_at) VALUES (?, ?, ?, ?, ?, ?)",
                    (source_id, key, fetch_url, stamp, stamp_now, stamp_now))
                new += 1
            elif stamp is not None and stamp != row[1] and row[2] not in ("pending", "removed"):
                conn.execute(
                    "UPDATE source_items SET state = 'pending', stamp = ?, attempts = 0,"
                    " error = NULL, source_id = ?, updated_at = ? WHERE id = ?",
                    (stamp, source_id, stamp_now, row[0]))
                changed += 1
            else:
                # An item whose source was removed from config is adopted by one that lists it.
                conn.execute(
                    "UPDATE source_items SET source_id = ? WHERE id = ? AND source_id IN"
                    " (SELECT id FROM sources WHERE enabled = 0)", (source_id, row[0]))
        return new, changed

    def pending_items(self, source_id: int, *, max_attempts: int) -> list[dict[str, Any]]:
        """Items still to do: pending, or failed fewer than ``max_attempts`` times."""
        return self.query(
            "SELECT * FROM source_items WHERE source_id = ? AND (state = 'pending' OR"
            " (state = 'failed' AND attempts < ?)) ORDER BY id", (source_id, max_attempts))

    def finish_item(self, item_id: int, *, state: str, error: str | None = None,
                    article_id: int | None = None, etag: str | None = None,
                    last_modified: str | None = None) -> None:
        """Record an item's outcome; validators are kept for the next conditional GET."""
        with self.transaction() as conn:
            conn.execute(
                "UPDATE source_items SET state = ?, error = ?, updated_at = ?,"
                " attempts = attempts + (? = 'failed'), article_id = COALESCE(?, article_id),"
                " etag = COALESCE(?, etag), last_modified = COALESCE(?, last_modified)"
                " WHERE id = ?",
                (state, error, now(), state, article_id, etag, last_modified, item_id))

    def expired_short_links(self, *, limit: int = 500) -> list[str]:
        """Short links whose cached resolution has expired, oldest first (re-check job)."""
        rows = self.conn.execute(
            "SELECT url FROM short_links WHERE expires_at <= ? ORDER BY expires_at LIMIT ?",
            (now(), limit)).fetchall()
        return [row[0] for row in rows]

    def unresolved_links(self) -> Iterator[str]:
        """Absolute link targets that have never been resolved (no short_links row), each
        once: what `add --offline` and `batch` recorded for a later `resolve --pending`.
        Streams the links table (the work is one look-up per link, by short_links' key)."""
        rows = self.conn.execute(
            "SELECT DISTINCT l.href FROM links l WHERE (l.href LIKE 'http://%' OR"
            " l.href LIKE 'https://%') AND NOT EXISTS"
            " (SELECT 1 FROM short_links s WHERE s.url = l.href)")
        for (href,) in rows:
            yield href

    def version_hrefs(self, article_id: int, version: int) -> list[str]:
        """The link targets of one article version, in order (for the run's log line and
        its short-link expansion)."""
        rows = self.conn.execute(
            "SELECT l.href FROM links l JOIN article_versions v ON v.id = l.version_id"
            " WHERE v.article_id = ? AND v.version = ? ORDER BY l.idx",
            (article_id, version)).fetchall()
        return [row[0] for row in rows]

    def log_fetch(self, exchange: Exchange) -> None:
        """Keep one request whole: a fetch_log row with its headers, and its body in
        ``bodies`` once per distinct content. Committed at once (a log line is never rolled
        back), or inside the caller's transaction if one is open."""
        x = exchange
        with self._write() as conn:
            digest = None
            if x.status is not None:  # a response arrived: keep its body, even an empty one
                digest = self.add_body(conn, x.body)
            conn.execute(
                "INSERT INTO fetch_log (at, url, host, status, bytes, ms, error, method,"
                " request_headers, http_version, reason, response_headers, body_sha256,"
                " truncated, postlink_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
                " ?, ?)",
                (x.at, x.url, urlsplit(x.url).hostname, x.status, len(x.body), round(x.ms, 1),
                 x.error, x.method, json.dumps(x.request_headers), x.http_version, x.reason,
                 json.dumps(x.response_headers) if x.status is not None else None, digest,
                 int(x.truncated), POSTLINK_VERSION))

    def add_body(self, conn: sqlite3.Connection, body: bytes) -> str:
        """Store a response body once by its sha256 (zlib); return the digest."""
        digest = sha256(body)
        conn.execute("INSERT OR IGNORE INTO bodies (sha256, size, body) VALUES (?, ?, ?)",
                     (digest, len(body), zlib.compress(body)))
        return digest

    def link_exchanges(self, conn: sqlite3.Connection, version_id: int, *,
                       urls: Sequence[str], body_sha256: str) -> None:
        """Name ``version_id`` as what the latest unlinked exchange of each URL of a fetch
        chain produced (the redirect hops, then the page whose body is ``body_sha256``)."""
        *hops, final = urls
        conn.execute(
            "UPDATE fetch_log SET article_version_id = ? WHERE id = (SELECT max(id)"
            " FROM fetch_log WHERE url = ? AND body_sha256 = ? AND article_version_id IS NULL)",
            (version_id, final, body_sha256))
        self._link_hops(conn, version_id, hops)

    def link_not_modified(self, article_id: int, urls: Sequence[str]) -> None:
        """A 304 to a conditional re-fetch confirmed the article's latest version: name it as
        what that chain's exchanges produced (an export writes them as a revisit)."""
        with self._write() as conn:
            row = conn.execute("SELECT id FROM article_versions WHERE article_id = ?"
                               " ORDER BY version DESC LIMIT 1", (article_id,)).fetchone()
            if row is None:
                return
            *hops, final = urls
            conn.execute(
                "UPDATE fetch_log SET article_version_id = ? WHERE id = (SELECT max(id)"
                " FROM fetch_log WHERE url = ? AND status = 304 AND article_version_id IS NULL)",
                (row[0], final))
            self._link_hops(conn, row[0], hops)

    @staticmethod
    def _link_hops(conn: sqlite3.Connection, version_id: int, hops: Sequence[str]) -> None:
        for url in hops:
            conn.execute(
                "UPDATE fetch_log SET article_version_id = ? WHERE id = (SELECT max(id)"
                " FROM fetch_log WHERE url = ? AND status IN (301, 302, 303, 307, 308)"
                " AND article_version_id IS NULL)", (version_id, url))

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """A transaction of its own, or the one the caller has open on this connection."""
        if self.conn.in_transaction:
            yield self.conn
        else:
            with self.transaction() as conn:
                yield conn

    # -- batch (postlink batch) -------------------------------------------------------------
    def batch_done(self, file: str) -> set[tuple[int, str]]:
        """(byte offset, digest) of every page of input ``file`` a batch has stored."""
        rows = self.conn.execute("SELECT byte_offset, digest FROM batch_records"
                                 " WHERE file = ? AND state = 'done'", (file,))
        return {(int(offset), digest) for offset, digest in rows}

    def mark_batch_record(self, conn: sqlite3.Connection, *, file: str, offset: int,
                          digest: str, state: str, url: str | None,
                          error: str | None = None) -> None:
        """Record a batch page as done or failed (a failed one is tried again next run)."""
        conn.execute(
            "INSERT OR REPLACE INTO batch_records (file, byte_offset, digest, state, url,"
            " error, at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (file, offset, digest, state, url, error, now()))

    # -- post capture (check-posts) ---------------------------------------------------------
    # A post's status is what the platform said at the last check (live, deleted, gated,
    # unavailable), or not_checked. last_checked moves only on a definite answer, so a post
    # that was unavailable (rate limit, error) is due again on the next run; gone_since is the
    # first check that found it deleted, kept while it stays gone, cleared when it is seen again.

    def posts_due_for_check(self, recheck_after: float | None) -> list[dict[str, Any]]:
        """Posts with a permalink never checked or last checked ``recheck_after`` seconds ago
        or more (None: every such post); never-checked first, then the oldest check."""
        due = ""
        params: tuple[str, ...] = ()
        if recheck_after is not None:
            cutoff = datetime.now(UTC) - timedelta(seconds=recheck_after)
            due = " AND (last_checked IS NULL OR last_checked <= ?)"
            params = (cutoff.isoformat(timespec="seconds"),)
        return self.query(
            f"SELECT * FROM posts WHERE provisional = 0{due}"
            " ORDER BY last_checked IS NOT NULL, last_checked, key", params)

    def record_capture(self, key: str, *, status: str, text: str | None = None,
                       truncated: bool = False, source: str | None = None,
                       author_handle: str | None = None,
                       author_name: str | None = None,
                       endpoint: str | None = None) -> RecordedCapture:
        """Record one check of ``key`` in one transaction: the platform's answer (``status``,
        and when live the post's ``text`` as read from ``source``), times, a changed text;
        the latest exchange with ``endpoint`` is named as this post's capture."""
        with self.transaction() as conn:
            row = conn.execute("SELECT status, gone_since FROM posts WHERE key = ?",
                               (key,)).fetchone()
            if row is None:
                raise NotFound.post(key)
            old_status, gone_since = row
            if status == "not_checked":  # nothing was asked: nothing to record
                return RecordedCapture(old_status, old_status, False, gone_since)
            stamp = now()
            new_version = False
            if status == "live" and text and source:
                new_version = self.add_post_version(conn, post_key=key, text=text,
                                                    truncated=truncated,
                                                    source=source)
            if status == "deleted":
                gone_since = gone_since or stamp
            elif status in ("live", "gated"):  # the platform still has it
                gone_since = None
            definite = status != "unavailable"
            conn.execute(
                "UPDATE posts SET status = ?, gone_since = ?,"
                " last_checked = CASE WHEN ? THEN ? ELSE last_checked END,"
                " author_handle = COALESCE(author_handle, ?),"
                " author_name = COALESCE(author_name, ?) WHERE key = ?",
                (status, gone_since, definite, stamp, author_handle,
                 author_name, key))
            if endpoint:  # the exchange that said so (raw captures, issue 13)
                conn.execute(
                    "UPDATE fetch_log SET post_key = ? WHERE id = (SELECT max(id) FROM fetch_log"
                    " WHERE url = ? AND post_key IS NULL)", (key, endpoint))
        return RecordedCapture(old_status, status, new_version, gone_since)


def _inserted_id(cursor: sqlite3.Cursor) -> int:
    """The rowid an INSERT just made (sqlite3 types it as optional)."""
    if cursor.lastrowid is None:
        raise StoreError("the database did not report the id of a row it just inserted; "
                         "this is a bug in postlink or SQLite: please report it")
    return cursor.lastrowid


def _statements(script: str) -> list[str]:
    """Split a migration into statements, keeping trigger bodies whole."""
    out, buf = [], ""
    for line in script.strip().splitlines():
        buf += line + "\n"
        if sqlite3.complete_statement(buf):
            out.append(buf.strip())
            buf = ""
    if buf.strip():
        out.append(buf.strip())
    return out

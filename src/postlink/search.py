"""Cross-article reads of `posts` and `search`: citations of a post, full-text search of
sentences and posts. A mixin of ``Store`` (store.py opens the database; these methods run on
its connection), kept apart because store.py had grown past the size where one reads it whole.

Each query reads rows in proportion to the page it returns (issue 15): FTS hits are ranked
and limited before any join, and citations of a post come off the (post_key, version_id,
sentence_idx) index in order, so a page never sorts the rest.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

# Full-text matches ranked per query at most (see ArchiveSearch.ranked_hits).
RANK_WINDOW = 2000


class ArchiveSearch:
    """Searches across the archive, on ``self.conn`` (provided by Store)."""

    conn: sqlite3.Connection

    if TYPE_CHECKING:
        def query(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()
                  ) -> list[dict[str, Any]]: ...

    def citations_of_post(self, key: str, *, limit: int | None = None,
                          offset: int = 0) -> list[dict[str, Any]]:
        """The sentences, in every version of every article, that cite the post ``key``, in
        the order the versions were archived; ``limit``/``offset`` page through them."""
        return self.query(
            "WITH page AS MATERIALIZED (SELECT * FROM citations WHERE post_key = ?"
            "  ORDER BY version_id, sentence_idx, id LIMIT ? OFFSET ?)"
            " SELECT a.id AS article_id, a.url, COALESCE(v.title, a.title) AS title,"
            " v.version, v.fetched_at, c.sentence_idx, s.text AS sentence, c.kind, c.score,"
            " c.quote, c.diff, c.beyond_truncation"
            " FROM page c JOIN article_versions v ON v.id = c.version_id"
            " JOIN articles a ON a.id = v.article_id"
            " LEFT JOIN sentences s ON s.version_id = c.version_id AND s.idx = c.sentence_idx"
            " ORDER BY c.version_id, c.sentence_idx, c.id",
            (key, -1 if limit is None else limit, offset))

    def post_version_texts(self, key: str) -> list[str]:
        """Every archived text of the post ``key``, complete versions before cut ones."""
        return [row[0] for row in self.conn.execute(
            "SELECT text FROM post_versions WHERE post_key = ? ORDER BY truncated, id", (key,))]

    def citation_counts(self, key: str) -> tuple[int, int]:
        """(sentences, articles) citing the post ``key``: read from the citations_post index
        and the article_versions primary key, never from the sentences themselves."""
        # INDEXED BY: the planner prefers the rowid lookup, which reads the wide table rows
        row = self.conn.execute(
            "SELECT count(*), count(DISTINCT v.article_id) FROM citations c"
            " JOIN article_versions v INDEXED BY article_versions_article ON v.id = c.version_id"
            " WHERE c.post_key = ?", (key,)).fetchone()
        return int(row[0]), int(row[1])

    def cited_sentences(self, key: str, version_ids: Iterable[int]) -> set[tuple[int, int]]:
        """(version_id, sentence_idx) of the sentences among ``version_ids`` citing ``key``."""
        ids = sorted(set(version_ids))
        if not ids:
            return set()
        marks = ", ".join("?" * len(ids))
        rows = self.conn.execute(
            f"SELECT version_id, sentence_idx FROM citations WHERE post_key = ?"
            f" AND version_id IN ({marks})", (key, *ids)).fetchall()
        return {(int(v), int(i)) for v, i in rows}

    def ranked_hits(self, fts: str, text: str, limit: int, offset: int = 0) -> list[int]:
        """Row ids of the FTS table ``fts`` matching every word of ``text``, best first.

        Ranked by FTS5's bm25() when each word is in at most RANK_WINDOW rows (its cost is
        the rows holding each word, so it is bounded then); else the newest RANK_WINDOW
        matches are ranked by ranking.bm25_order with estimated word counts. Either way a
        query reads a bounded number of rows, at the price that a very common word's
        results are the best of its most recent matches (issue 15).
        """
        content = {"sentences_fts": "sentences", "post_versions_fts": "post_versions"}[fts]
        from postlink.ranking import bm25_order, estimate_rows, tokens

        words = list(dict.fromkeys(tokens(text)))  # query order: bm25_order sums in it
        if not words:
            return []
        window = max(RANK_WINDOW, 2 * (offset + limit))
        # the content table's max rowid is one b-tree step; on the FTS table it is a scan
        newest = self.conn.execute(f"SELECT max(id) FROM {content}").fetchone()[0] or 0
        rows_with: dict[str, float] = {}
        for word, (count, oldest) in self.word_rows(fts, words, window).items():
            rows_with[word] = estimate_rows(window, newest, oldest) if count == window else count
        query = fts_query(text)
        if all(n < window for n in rows_with.values()):
            return [row[0] for row in self.conn.execute(
                f"SELECT rowid FROM {fts} WHERE {fts} MATCH ? ORDER BY bm25({fts}), rowid"
                " LIMIT ? OFFSET ?", (query, limit, offset))]
        recent = self.conn.execute(
            f"SELECT rowid, text FROM {fts} WHERE {fts} MATCH ? ORDER BY rowid DESC LIMIT ?",
            (query, window)).fetchall()
        return bm25_order(recent, words, rows_with, newest)[offset:offset + limit]

    def word_rows(self, fts: str, words: Iterable[str], cap: int) -> dict[str, tuple[int, int]]:
        """For each word, (rows holding it, up to ``cap``; the oldest rowid among those): at
        most ``cap`` doclist entries read per word, however common it is."""
        out = {}
        for word in words:
            count, oldest = self.conn.execute(
                f"SELECT count(*), min(rowid) FROM (SELECT rowid FROM {fts} WHERE {fts} MATCH ?"
                " ORDER BY rowid DESC LIMIT ?)", (f'"{word}"', cap)).fetchone()
            out[word] = (int(count), int(oldest or 0))
        return out

    def search_sentences(self, text: str, limit: int = 20, offset: int = 0
                         ) -> list[dict[str, Any]]:
        """Article sentences matching every word of ``text``, best (BM25) first."""
        ids = self.ranked_hits("sentences_fts", text, limit, offset)
        if not ids:
            return []
        return self.query(
            "WITH hits AS MATERIALIZED (SELECT value AS id, key AS rank FROM json_each(?))"
            " SELECT a.id AS article_id, a.url, v.version, s.idx AS sentence_idx, s.text,"
            " (SELECT group_concat(c.post_key || ' ' || c.kind, ', ') FROM citations c"
            "  WHERE c.version_id = s.version_id AND c.sentence_idx = s.idx) AS cites"
            " FROM hits JOIN sentences s ON s.id = hits.id"
            " JOIN article_versions v ON v.id = s.version_id JOIN articles a ON a.id = v.article_id"
            " ORDER BY hits.rank", (json.dumps(ids),))

    def sentences_with_phrases(self, phrases: Sequence[str], limit: int = 500
                               ) -> list[dict[str, Any]]:
        """Sentences (any version of any article) containing at least one of ``phrases``,
        the first ``limit`` in archive order. The FTS index finds them without reading every
        sentence; a phrase costs the rows of its rarest word, so phrases made only of words in
        RANK_WINDOW sentences or more are left out (issue 15): a quote of only very common
        words is not looked for."""
        from postlink.ranking import tokens

        # an FTS5 phrase is a double-quoted run of words; words only, so nothing is syntax
        terms = [tokens(p) for p in phrases]
        rows = self.word_rows("sentences_fts", {w for t in terms for w in t}, RANK_WINDOW)
        query = " OR ".join(f'"{" ".join(t)}"' for t in terms
                            if t and min(rows[w][0] for w in t) < RANK_WINDOW)
        if not query:
            return []
        return self.query(
            "WITH hits AS MATERIALIZED (SELECT rowid AS id FROM sentences_fts"
            "  WHERE sentences_fts MATCH ? ORDER BY rowid LIMIT ?)"
            " SELECT a.id AS article_id, a.url, v.version, v.id AS version_id,"
            " s.idx AS sentence_idx, s.text"
            " FROM hits JOIN sentences s ON s.id = hits.id"
            " JOIN article_versions v ON v.id = s.version_id JOIN articles a ON a.id = v.article_id"
            " ORDER BY s.id", (query, limit))

    def search_posts(self, text: str, limit: int = 20, offset: int = 0
                     ) -> list[dict[str, Any]]:
        """Archived posts whose text (any version) matches every word of ``text``, one row
        per post (its best-ranked version), best first."""
        wanted = offset + limit
        window = 2 * wanted  # most posts have one or two versions
        while True:
            ids = self.ranked_hits("post_versions_fts", text, window)
            rows = self.query(
                "WITH hits AS MATERIALIZED (SELECT value AS id, key AS rank FROM json_each(?))"
                " SELECT p.key, p.author_handle, p.author_name, p.permalink, pv.text"
                " FROM hits JOIN post_versions pv ON pv.id = hits.id"
                " JOIN posts p ON p.key = pv.post_key ORDER BY hits.rank", (json.dumps(ids),))
            best: dict[str, dict[str, Any]] = {}
            for row in rows:  # keep each post's first (best-ranked) version
                best.setdefault(row["key"], row)
            if len(best) >= wanted or len(ids) < window:
                return list(best.values())[offset:wanted]
            window *= 4  # many versions of a few posts filled the window: widen it


def fts_query(text: str) -> str:
    """An FTS5 query that matches every word of ``text``; user punctuation is never syntax."""
    return " ".join(f'"{w}"' for w in re.findall(r"\w+", text))

"""Every read of audit, posts, search, list and status is bounded by its answer (issue 15):
none of their queries scans a large table, on an archive big enough, and ANALYZEd, for the
planner to choose as it would on a real one."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Iterator

import pytest
from bench.archive_scale import Built, Words, build_archive

from postlink.config import SourceConfig
from postlink.listing import (
    ArticleFilter,
    list_articles,
    queue_totals,
    recent_errors,
    source_status,
)
from postlink.report.audit import build_audit
from postlink.report.posts import quoted_elsewhere
from postlink.store import Store

# Tables that grow with the archive. `sources` holds one row per configured source (tens),
# so reading it whole is reading the config.
LARGE = {"articles", "article_versions", "sentences", "citations", "unmatched_quotes", "embeds",
         "links", "posts", "post_versions", "short_links", "redirects", "source_items",
         "fetch_log", "captures"}


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, Built, Words]]:
    store = Store(tmp_path_factory.mktemp("plans") / "archive.db")
    built, words = build_archive(store, 3000, seed=3)
    feeds = [SourceConfig("feed", url=f"https://news{i}.example/rss", tags=("uk",) if i else ())
             for i in range(3)]
    ids = list(store.sync_sources(feeds).values())
    with store.transaction() as conn:
        # a third of the articles came from each feed, each with its queue item
        conn.execute("UPDATE articles SET source_id = ? + id % 3", (ids[0],))
        conn.execute(
            "INSERT INTO source_items (source_id, url, fetch_url, state, discovered_at,"
            " updated_at, article_id, error) SELECT source_id, url, url,"
            " CASE WHEN id % 50 = 0 THEN 'failed' ELSE 'done' END, first_seen, first_seen, id,"
            " CASE WHEN id % 50 = 0 THEN 'HTTP 500' END FROM articles")
    store.maintain()  # ANALYZE: the planner sees the real table sizes
    yield store, built, words
    store.close()


def _statements(store: Store, read: Callable[[], object]) -> list[str]:
    """Every SELECT the read ran, with its parameters filled in."""
    seen: list[str] = []
    store.conn.set_trace_callback(seen.append)
    try:
        read()
    finally:
        store.conn.set_trace_callback(None)
    return [s for s in seen if s.lstrip().upper().startswith(("SELECT", "WITH"))]


def _scans(conn: sqlite3.Connection, sql: str) -> list[str]:
    """Plan steps that read a large table whole (a SCAN, not a SEARCH of an index)."""
    plan = [row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + sql)]
    aliases = {alias: table for table, alias in
               re.findall(r"\b(?:FROM|JOIN)\s+(\w+)\s+(?:AS\s+)?(\w+)", sql, re.I)}
    out = []
    for step in plan:
        match = re.match(r"SCAN (\w+)", step)
        if match and aliases.get(match.group(1), match.group(1)) in LARGE:
            out.append(step)
    return out


def _reads(store: Store, built: Built, words: Words) -> dict[str, Callable[[], object]]:
    popular = max(built.embeds_of, key=lambda k: built.embeds_of[k])
    common = words.vocab[int(words.drawn.argmax())]
    rare = words.vocab[int(abs(words.drawn - 5).argmin())]
    return {
        "audit": lambda: build_audit(store, "17"),
        "audit by url": lambda: build_audit(store, "https://news17.example/17"),
        "posts": lambda: (store.citations_of_post(popular, limit=100),
                          store.citation_counts(popular), quoted_elsewhere(store, popular)),
        "posts page 2": lambda: store.citations_of_post(popular, limit=10, offset=10),
        "search common": lambda: (store.search_sentences(common), store.search_posts(common)),
        "search rare": lambda: (store.search_sentences(rare), store.search_posts(rare)),
        "search two words": lambda: store.search_sentences(f"{common} {rare}"),
        "list": lambda: list_articles(store),
        "list page": lambda: list_articles(store, limit=20, before=400),
        "list by source": lambda: list_articles(store, ArticleFilter(
            source="feed:https://news1.example/rss")),
        "list by tag": lambda: list_articles(store, ArticleFilter(tag="uk")),
        "list by date": lambda: list_articles(store, ArticleFilter(since="2024-03-01",
                                                                   until="2024-03-01")),
        "status": lambda: (source_status(store), queue_totals(store), recent_errors(store)),
    }


@pytest.mark.parametrize("name", [
    "audit", "audit by url", "posts", "posts page 2", "search common", "search rare",
    "search two words", "list", "list page", "list by source", "list by tag", "list by date",
    "status"])
def test_read_scans_no_large_table(archive: tuple[Store, Built, Words], name: str) -> None:
    store, built, words = archive
    statements = _statements(store, _reads(store, built, words)[name])
    assert statements, "the read ran no query"
    scans = {sql: steps for sql in statements if (steps := _scans(store.conn, sql))}
    assert not scans, scans


def test_add_reads_no_large_table_whole(archive: tuple[Store, Built, Words]) -> None:
    """`add` stays linear as the archive grows: its lookups (a flattened post's author among
    archived and provisional posts, known post texts, the article) use indexes too."""
    from postlink.pipeline import ArticleInput, add_article
    from tests.conftest import DATA

    store, _, _ = archive
    pages = [(DATA / "citations" / "01-bridge.txt", "text"),
             (DATA / "citations" / "05-outage.html", "html")]
    statements = _statements(store, lambda: [
        add_article(store, ArticleInput(f"https://plans.example/{path.stem}", path.read_bytes(),
                                        kind)) for path, kind in pages])
    assert any("lower(p.author_handle)" in sql for sql in statements)  # a flattened post
    scans = {sql: steps for sql in statements if (steps := _scans(store.conn, sql))}
    assert not scans, scans


def test_the_check_catches_a_scan(archive: tuple[Store, Built, Words]) -> None:
    """The plan check itself: the pre-issue-15 audit read every short link on each call."""
    store, _, _ = archive
    assert _scans(store.conn, "SELECT * FROM short_links")
    assert _scans(store.conn, "SELECT * FROM citations c WHERE c.version_id = 5") == []


def test_archive_is_big_enough_to_matter(archive: tuple[Store, Built, Words]) -> None:
    store, built, _ = archive
    sentences = store.conn.execute("SELECT max(id) FROM sentences").fetchone()[0]
    assert built.articles > 800 and sentences > 25_000


def test_remove_reads_and_deletes_no_large_table_whole(
        archive: tuple[Store, Built, Words]) -> None:
    """`remove` (issue 13) finds each row of the article, its posts' other users, its
    captures' other holders and its queue items through indexes, in its deletes too. Last in
    this file: it changes the shared archive (an article no read above asks for)."""
    store, built, _ = archive
    popular = max(built.embeds_of, key=lambda k: built.embeds_of[k])
    article = store.query(
        "SELECT v.article_id FROM embeds e JOIN article_versions v ON v.id = e.version_id"
        " WHERE e.post_key = ? AND v.article_id NOT IN (17) ORDER BY v.article_id DESC LIMIT 1",
        (popular,))[0]["article_id"]
    with store.transaction() as conn:  # a fetched article: its capture and fetch_log rows
        cur = conn.execute("INSERT INTO captures (url, fetched_at, body, sha256)"
                           " VALUES ('u', 'now', x'00', 'plans-capture')")
        conn.execute("UPDATE article_versions SET capture_id = ? WHERE article_id = ?",
                     (cur.lastrowid, article))
    seen: list[str] = []
    store.conn.set_trace_callback(seen.append)
    try:
        planned = store.remove_article(article, dry_run=True)
        done = store.remove_article(article)
    finally:
        store.conn.set_trace_callback(None)
    assert planned.posts_kept >= 1 and done.captures == 1 and done.source_items == 1
    assert done == type(done)(**{**planned.__dict__, "dry_run": False})
    statements = [s for s in seen if s.lstrip().upper().startswith(
        ("SELECT", "WITH", "DELETE", "UPDATE"))]
    assert any(s.startswith("DELETE FROM sentences") for s in statements)
    scans = {sql: steps for sql in statements if (steps := _scans(store.conn, sql))}
    assert not scans, scans
    assert store.query("SELECT count(*) AS n FROM articles WHERE id = ?", (article,))[0]["n"] == 0

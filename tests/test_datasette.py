"""The archive in Datasette (issue 14): the full-text indexes it detects, the search box on
sentences and posts, and `postlink datasette-metadata` (descriptions, facets, canned queries)
served by a real Datasette, in process, over a real archive."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
import sqlite_utils
from click.testing import CliRunner
from datasette.app import Datasette
from datasette.utils import detect_fts

import postlink.store as store_module
from postlink.cli import cli
from postlink.datasette_metadata import datasette_metadata
from postlink.pipeline import ArticleInput, add_article
from postlink.report.audit import build_audit
from postlink.schema import MIGRATIONS
from postlink.store import Store
from tests.conftest import DATA

HOSTILE = DATA / "reports" / "hostile-post.txt"
FERRY = DATA / "articles" / "ferry-strike.txt"
FTS = {"sentences": "sentences_fts", "post_versions": "post_versions_fts"}
# the migration that re-declares the indexes; the archives before it are what users have
FTS_MIGRATION = next(i for i, m in enumerate(MIGRATIONS) if 'content="sentences"' in m)


def _add(store: Store, url: str, text: str) -> None:
    add_article(store, ArticleInput(url, text.encode("utf-8"), "text"))


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    path = tmp_path / "postlink.db"
    store = Store(path)
    _add(store, "https://news.example/scam", HOSTILE.read_text(encoding="utf-8"))
    _add(store, "https://news.example/ferry", FERRY.read_text(encoding="utf-8"))
    store.close()
    return path


def _get(path: Path, url: str, metadata: dict[str, Any] | None = None, *, page: bool = False) -> Any:
    """One request to a Datasette serving the archive (through its ASGI app, no socket):
    the JSON it answers, or with ``page`` the HTML."""
    async def fetch() -> Any:
        ds = Datasette([str(path)], metadata=metadata)
        response = await ds.client.get(url)
        assert response.status_code == 200, (url, response.text[:500])
        return response.text if page else response.json()
    return asyncio.run(fetch())


def _rows(path: Path, url: str, metadata: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    return _get(path, url + ("&" if "?" in url else "?") + "_shape=array&_size=max", metadata)


def test_datasette_and_sqlite_utils_detect_the_full_text_indexes(archive: Path) -> None:
    conn = sqlite3.connect(archive)
    db = sqlite_utils.Database(conn)
    for table, fts in FTS.items():
        assert detect_fts(conn, table) == fts
        assert db[table].detect_fts() == fts
    assert detect_fts(conn, "posts") is None  # no index there: no search box offered
    assert 'name="_search"' in _get(archive, "/postlink/sentences", page=True)
    assert 'name="_search"' not in _get(archive, "/postlink/posts", page=True)


def test_search_box_finds_only_matching_sentences_and_posts(archive: Path) -> None:
    every = _rows(archive, "/postlink/sentences.json")
    hits = _rows(archive, "/postlink/sentences.json?_search=fine")
    assert 0 < len(hits) < len(every)
    assert all("fine" in row["text"].lower() for row in hits)
    # the words of the hostile markup are searchable text like any other
    hits = _rows(archive, "/postlink/post_versions.json?_search=onerror")
    assert [row["post_key"] for row in hits] == ["x:@vale_okafor/8c38d97424b17419"]
    assert _rows(archive, "/postlink/post_versions.json?_search=zebra") == []


def test_older_archive_gains_detectable_indexes_without_a_rebuild(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "old.db"
    with monkeypatch.context() as patch:
        patch.setattr(store_module, "MIGRATIONS", MIGRATIONS[:FTS_MIGRATION])
        old = Store(path)
        _add(old, "https://news.example/scam", HOSTILE.read_text(encoding="utf-8"))
        assert detect_fts(old.conn, "sentences") is None  # why Datasette's search did nothing
        before = old.query("SELECT rowid FROM sentences_fts WHERE sentences_fts MATCH 'fine'")
        old.close()
    reader = sqlite3.connect(path)  # a connection open across the migration sees it too
    reader.execute("SELECT count(*) FROM sentences").fetchone()

    new = Store(path)
    assert new.conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    assert detect_fts(reader, "sentences") == "sentences_fts"
    assert detect_fts(reader, "post_versions") == "post_versions_fts"
    assert new.query("SELECT rowid FROM sentences_fts WHERE sentences_fts MATCH 'fine'") == before
    assert len(before) == 3  # the headline and two sentences
    for fts in FTS.values():  # FTS5's own check that the index matches its content table
        new.conn.execute(f"INSERT INTO {fts}({fts}) VALUES ('integrity-check')")
    assert new.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    # the triggers still index new rows, and now edited ones
    _add(new, "https://news.example/ferry", FERRY.read_text(encoding="utf-8"))
    assert new.query("SELECT count(*) AS n FROM sentences_fts WHERE sentences_fts MATCH 'ferry'")[0]["n"] > 0
    with new.transaction() as conn:
        conn.execute("UPDATE sentences SET text = 'a zebra crossing' WHERE id = ?", (before[0]["rowid"],))
    assert new.query("SELECT rowid FROM sentences_fts WHERE sentences_fts MATCH 'zebra'") == before[:1]
    assert new.query("SELECT rowid FROM sentences_fts WHERE sentences_fts MATCH 'fine'") == before[1:]
    new.close()


# -- metadata --------------------------------------------------------------------------------

def _columns(path: Path) -> dict[str, set[str]]:
    db = sqlite_utils.Database(path)
    return {t: set(db[t].columns_dict) for t in db.table_names()}


def test_metadata_names_real_tables_and_columns(archive: Path) -> None:
    meta = json.loads(json.dumps(datasette_metadata("postlink")))  # what Datasette reads
    columns = _columns(archive)
    tables = meta["databases"]["postlink"]["tables"]
    assert {"sentences", "posts", "post_versions", "citations", "unmatched_quotes"} <= set(tables)
    for name, table in tables.items():
        assert name in columns, name
        assert table["description"]
        named = [*table.get("facets", []), *table.get("columns", {})]
        if "label_column" in table:
            named.append(table["label_column"])
        assert set(named) <= columns[name], (name, set(named) - columns[name])
    assert tables["posts"]["facets"] == ["platform", "status"]
    assert tables["citations"]["facets"] == ["kind"]
    # Datasette accepts it: the descriptions show on the table's page
    page = _get(archive, "/postlink/citations", meta, page=True)
    assert "Which sentence cites which post, and how" in page
    assert "Which sentence cites" not in _get(archive, "/postlink/citations", page=True)


def test_command_prints_metadata_keyed_by_the_archive_file_name(tmp_path: Path) -> None:
    Store(tmp_path / "newsroom.db").close()  # the command describes an existing archive
    result = CliRunner().invoke(cli, ["--db", str(tmp_path / "newsroom.db"), "datasette-metadata"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == datasette_metadata("newsroom")
    assert list(json.loads(result.output)["databases"]) == ["newsroom"]  # Datasette's name


def test_facets_show_in_datasette(archive: Path) -> None:
    meta = datasette_metadata("postlink")
    facets = _get(archive, "/postlink/posts.json", meta)["facet_results"]
    assert {"platform", "status"} <= set(facets)
    counts = {r["value"]: r["count"] for r in facets["platform"]["results"]}
    assert counts == {"x": 3}
    kinds = _get(archive, "/postlink/citations.json", meta)["facet_results"]["kind"]["results"]
    assert {r["value"] for r in kinds} >= {"verbatim", "altered", "attribution"}


def _audits(path: Path) -> list[dict[str, Any]]:
    store = Store(path)
    try:
        return [build_audit(store, str(i)) for i in (1, 2)]
    finally:
        store.close()


def test_canned_query_who_quotes_this_post(archive: Path) -> None:
    meta = datasette_metadata("postlink")
    audits = _audits(archive)
    for audit in audits:
        for post in audit["posts"]:
            rows = _rows(archive, f"/postlink/who_quotes_this_post.json?post={quote(post['key'])}", meta)
            expected = [(audit["article"]["url"], c["sentence_index"], c["kind"], c["quote"])
                        for c in audit["citations"] if c["post_key"] == post["key"]]
            assert [(r["article_url"], r["sentence"], r["kind"], r["quote"]) for r in rows] == expected
            assert expected
    altered = _rows(archive, "/postlink/who_quotes_this_post.json?post=x:@vale_okafor/8c38d97424b17419", meta)
    assert [r["diff"] for r in altered if r["kind"] == "altered"] == [
        "{+would+} never ask for [-card-] {+bank+} details by message"]


def test_canned_queries_read_only_the_latest_version(archive: Path) -> None:
    store = Store(archive)
    changed = HOSTILE.read_text(encoding="utf-8").replace(
        'She added that the council "would never ask for bank details by message."', "")
    _add(store, "https://news.example/scam", changed)
    assert store.latest_version(1)["version"] == 2
    store.close()
    meta = datasette_metadata("postlink")
    rows = _rows(archive, "/postlink/who_quotes_this_post.json?post=x:@vale_okafor/8c38d97424b17419", meta)
    assert [(r["version"], r["kind"]) for r in rows] == [(2, "attribution"), (2, "verbatim")]


def test_canned_query_unmatched_quotes(archive: Path) -> None:
    rows = _rows(archive, "/postlink/quotes_matching_no_post.json", datasette_metadata("postlink"))
    expected = [(a["article"]["id"], u["sentence_index"], u["quote"])
                for a in _audits(archive) for u in a["unmatched_quotes"]]
    assert [(r["article_id"], r["sentence"], r["quote"]) for r in rows] == expected
    assert ("growing fast <svg onload=document.title='pwned'>.") in [r["quote"] for r in rows]


def test_canned_query_deleted_posts_still_cited(archive: Path) -> None:
    meta = datasette_metadata("postlink")
    assert _rows(archive, "/postlink/deleted_posts_still_cited.json", meta) == []
    store = Store(archive)
    gone, live = "x:@vale_okafor/8c38d97424b17419", store.query(
        "SELECT key FROM posts WHERE key != ? ORDER BY key LIMIT 1", ("x:@vale_okafor/8c38d97424b17419",))[0]["key"]
    store.record_capture(gone, status="deleted")
    store.record_capture(live, status="live", text="still here", source="oembed")
    store.close()
    rows = _rows(archive, "/postlink/deleted_posts_still_cited.json", meta)
    assert [(r["key"], r["articles"], r["citations"], r["article_urls"]) for r in rows] == [
        (gone, 1, 3, "https://news.example/scam")]
    assert rows[0]["gone_since"]

"""`postlink remove ARTICLE` (issue 13 point 5) over real archive files through the CLI: the
article and every row only it uses go, in one transaction; what another article uses stays."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

import postlink.cli as cli_module
from postlink.config import SourceConfig
from postlink.net.exchange import Exchange
from postlink.pipeline import ArticleInput, add_article
from postlink.store import Store
from tests.test_pages import ARTICLES, _add, run

EXTRA = "<p>Zanzibarite auditors filed a quindecennial complaint about the outage.</p>"


def _variant(tmp_path: Path) -> Path:
    """05-outage.html with one more paragraph: another article embedding the same posts."""
    page = (ARTICLES / "05-outage.html").read_text(encoding="utf-8")
    marker = page.index("</p>") + len("</p>")
    path = tmp_path / "outage-followup.html"
    path.write_text(page[:marker] + EXTRA + page[marker:], encoding="utf-8")
    return path


def _add_file(db: Path, path: Path, url: str | None = None) -> None:
    result = run(db, "add", "--offline", str(path), *(["--url", url] if url else []))
    assert result.exit_code == 0, result.output


def _counts(db: Path, *, segments: bool = True) -> dict[str, int]:
    """Rows of every table, the full-text shadow tables included (without ``segments``, the
    b-tree segments of the FTS5 indexes, where a delete adds a segment of its own, are not)."""
    conn = sqlite3.connect(db)
    try:
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL%'")]
        return {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables
                if segments or not t.endswith(("_fts_data", "_fts_idx"))}
    finally:
        conn.close()


def _audit(db: Path, ref: str, fmt: str = "json") -> str:
    result = run(db, "audit", ref, "--format", fmt)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    """1: 05-outage, 2: 13-transfer, 3: a follow-up of 05-outage embedding the same posts."""
    db = tmp_path / "a.db"
    _add(db, "05-outage.html", "13-transfer.html")
    _add_file(db, _variant(tmp_path), "https://news.example/outage-followup")
    return db


def test_removing_one_of_two_articles_keeps_the_shared_posts_and_the_other_audit(
        archive: Path) -> None:
    db = archive
    before_json, before_table = _audit(db, "1"), _audit(db, "1", "table")
    followup = json.loads(_audit(db, "3"))
    shared = {p["key"] for p in followup["posts"]}
    assert shared == {p["key"] for p in json.loads(before_json)["posts"]} and len(shared) == 3
    result = run(db, "remove", "https://news.example/outage-followup", "--yes")
    assert result.exit_code == 0, result.output
    embeds = sum(p["embedded"] for p in followup["posts"])
    assert result.output == (
        f"removed article 3 (https://news.example/outage-followup): 1 versions, "
        f"{followup['article']['sentence_count']} sentences, {len(followup['citations'])} "
        f"citations, {embeds} embeds; kept 3 shared posts\n")
    assert _audit(db, "1") == before_json  # byte for byte
    assert _audit(db, "1", "table") == before_table
    store = Store(db)
    assert all(store.post(key) for key in shared)
    store.close()


def test_the_removed_article_is_gone_from_every_read(archive: Path) -> None:
    db = archive
    transfer = json.loads(_audit(db, "2"))
    own = [p["key"] for p in transfer["posts"]]
    key = json.loads(_audit(db, "1"))["posts"][0]["key"]
    assert run(db, "search", "zanzibarite").output.startswith("sentences: 1\n")
    for ref in ("3", "2"):
        assert run(db, "remove", ref).exit_code == 0  # not a terminal: no question asked

    audit = run(db, "audit", "3")
    assert audit.exit_code == 1 and audit.output.startswith("Error: article '3': not in")
    listed = json.loads(run(db, "list", "--json").output)["articles"]
    assert [r["id"] for r in listed] == [1]
    cites = json.loads(run(db, "posts", key, "--json").output)["citations"]
    assert cites and {c["article_id"] for c in cites} == {1}
    # the posts only 13-transfer embedded went with it, with their texts
    for gone in own:
        assert run(db, "posts", gone).exit_code == 1
    assert json.loads(run(db, "search", "Quiroga", "--json").output) == {"sentences": [],
                                                                          "posts": []}
    assert run(db, "search", "zanzibarite").output == "sentences: 0\nposts: 0\n"
    conn = sqlite3.connect(db)
    words = " OR ".join(f'"{w}"' for s in transfer["citations"] for w in s["sentence"].split()[:3]
                        if w.isalpha())
    hits = conn.execute("SELECT rowid FROM sentences_fts WHERE sentences_fts MATCH ?",
                        (words,)).fetchall()
    alive = {r[0] for r in conn.execute("SELECT id FROM sentences")}
    assert {r[0] for r in hits} <= alive  # the index holds no sentence of a removed article
    conn.execute("INSERT INTO sentences_fts(sentences_fts) VALUES ('integrity-check')")
    conn.execute("INSERT INTO post_versions_fts(post_versions_fts) VALUES ('integrity-check')")
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    conn.close()


def test_remove_leaves_the_archive_as_if_the_article_had_never_been_added(
        tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    _add(db, "05-outage.html", "13-transfer.html")
    counts = _counts(db, segments=False)
    _add_file(db, _variant(tmp_path), "https://news.example/outage-followup")
    _add(db, "01-bridge.txt")  # a flattened-post article of its own
    assert run(db, "remove", "3").exit_code == 0
    assert run(db, "remove", "https://news.example/01-bridge").exit_code == 0
    assert _counts(db, segments=False) == counts
    assert counts["sentences_fts_docsize"] == counts["sentences"] > 0


def test_dry_run_changes_nothing(archive: Path) -> None:
    db = archive
    counts, audit = _counts(db), _audit(db, "3")
    result = run(db, "remove", "3", "--dry-run")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("would remove article 3 (https://news.example/outage-followup"
                                    "): 1 versions, ")
    assert result.output.endswith("; would keep 3 shared posts\n")
    planned = json.loads(run(db, "remove", "3", "--dry-run", "--json").output)
    assert _counts(db) == counts and _audit(db, "3") == audit
    done = json.loads(run(db, "remove", "3", "--json").output)
    assert done == {**planned, "dry_run": False}
    assert done["sentences"] == counts["sentences"] - _counts(db)["sentences"] > 0
    assert done["embeds"] == counts["embeds"] - _counts(db)["embeds"] == 2


def test_unknown_article_is_one_error_line_and_exit_1(archive: Path) -> None:
    counts = _counts(archive)
    for ref in ("99", "https://news.example/nowhere", "no/such/file.html"):
        result = run(archive, "remove", ref, "--yes")
        assert result.exit_code == 1
        assert result.output == run(archive, "audit", ref).output  # resolved as audit does
        assert result.output == (f"Error: article {ref!r}: not in the archive; `postlink list` "
                                 "shows the archived articles, `postlink add` adds one\n")
    assert _counts(archive) == counts
    assert run(archive, "remove").exit_code == 2  # usage


def _timeless(value: object) -> object:
    """An audit without its fetched_at times: the re-added version is fetched anew."""
    if isinstance(value, dict):
        return {k: _timeless(v) for k, v in value.items() if k != "fetched_at"}
    if isinstance(value, list):
        return [_timeless(v) for v in value]
    return value


def test_removed_and_re_added_article_audits_again(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    path = _variant(tmp_path)
    _add(db, "05-outage.html")
    _add_file(db, path)  # named by its path, as `audit PATH` finds it
    before = _timeless(json.loads(_audit(db, str(path))))
    assert run(db, "remove", str(path)).exit_code == 0
    assert run(db, "audit", str(path)).exit_code == 1
    _add_file(db, path)
    again = _timeless(json.loads(_audit(db, str(path))))
    assert again == before  # same id too: the removed one was the last row
    assert [p["key"] for p in json.loads(_audit(db, "1"))["posts"]] == [
        p["key"] for p in before["posts"]]  # the shared posts served both throughout


def test_a_capture_another_article_holds_is_kept(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    _add(db, "05-outage.html")
    _add_file(db, ARTICLES / "05-outage.html", "https://news.example/mirror")  # same bytes
    assert _counts(db)["captures"] == 1
    assert json.loads(run(db, "remove", "2", "--json").output)["captures"] == 0
    assert _counts(db)["captures"] == 1
    assert json.loads(run(db, "remove", "1", "--json").output)["captures"] == 1
    assert _counts(db)["captures"] == 0 and _counts(db)["posts"] == 0


def test_a_polled_article_is_not_brought_back_by_the_next_poll(tmp_path: Path) -> None:
    store = Store(tmp_path / "a.db")
    source = store.sync_sources([SourceConfig("feed", url="https://one.example/rss")])[
        "feed:https://one.example/rss"]
    url = "https://one.example/outage"
    with store.transaction() as conn:
        store.enqueue(conn, source, [(url, url, "stamp 1")])
    item = store.pending_items(source, max_attempts=3)[0]
    result = add_article(store, ArticleInput(url, (ARTICLES / "05-outage.html").read_bytes(),
                                             "html"), source_id=source)
    store.finish_item(item["id"], state="done", article_id=result.article_id)
    store.log_fetch(Exchange(url, "2024-10-16T09:00:00+00:00", status=200, body=b"page"))
    store.log_fetch(Exchange("https://one.example/rss", "2024-10-16T09:00:00+00:00",
                             status=200, body=b"feed"))
    store.close()

    done = json.loads(run(tmp_path / "a.db", "remove", url, "--json").output)
    assert (done["source_items"], done["fetch_log"]) == (1, 1)
    store = Store(tmp_path / "a.db")
    row = store.query("SELECT state, article_id FROM source_items")[0]
    assert row == {"state": "removed", "article_id": None}
    assert [r["url"] for r in store.query("SELECT url FROM fetch_log")] == [
        "https://one.example/rss"]  # the feed's request is not the article's
    # the article's raw body went with its exchange; the feed's stays
    assert [r["size"] for r in store.query("SELECT size FROM bodies")] == [4]
    with store.transaction() as conn:  # the feed lists it again, even as updated
        assert store.enqueue(conn, source, [(url, url, "stamp 2")]) == (0, 0)
    assert store.pending_items(source, max_attempts=3) == []
    store.close()


def test_on_a_terminal_it_asks_first(archive: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli_module, "_interactive", lambda: True)
    counts = _counts(archive)
    no = CliRunner().invoke(cli_module.cli, ["--db", str(archive), "remove", "3"], input="n\n")
    assert no.exit_code == 1 and "Aborted!" in no.output
    assert no.output.startswith("remove article 3 (https://news.example/outage-followup): "
                                "1 versions, ")
    assert _counts(archive) == counts
    yes = CliRunner().invoke(cli_module.cli, ["--db", str(archive), "remove", "3"], input="y\n")
    assert yes.exit_code == 0 and yes.output.splitlines()[-1].startswith("removed article 3 ")
    assert run(archive, "remove", "2", "--yes").exit_code == 0  # --yes never asks

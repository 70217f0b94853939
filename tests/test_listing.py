"""`postlink list`, `status` and `maintain` over real archive files through the CLI (issue 15)."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

from postlink.config import SourceConfig
from postlink.pipeline import ArticleInput, add_article
from postlink.store import Store
from tests.test_pages import _add, run  # the same CLI helpers over a --db archive

DATED = """<html><head><title>{title}</title>
<meta property="article:published_time" content="{date}T08:00:00+00:00"></head><body><article>
<p>The harbour board met on {title} and voted again on the new ferry timetable for summer.</p>
<p>Residents said the changes would cost them an hour a day, and the board promised a review.</p>
</article></body></html>"""


def test_list_counts_agree_with_each_audit(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    _add(db, "05-outage.html", "13-transfer.html", "01-bridge.txt")
    rows = json.loads(run(db, "list", "--json").output)["articles"]
    assert [r["id"] for r in rows] == [3, 2, 1]  # newest first
    for row in rows:
        audit = json.loads(run(db, "audit", str(row["id"]), "--format", "json").output)
        assert row["url"] == audit["article"]["url"]
        assert row["versions"] == audit["article"]["version"] == 1
        assert row["posts"] == len(audit["posts"])
        assert row["citations"] == len(audit["citations"])
        assert row["unmatched_quotes"] == len(audit["unmatched_quotes"])
    assert sum(r["citations"] for r in rows) > 0


def test_list_pages_with_a_cursor(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    _add(db, "05-outage.html", "13-transfer.html", "01-bridge.txt")
    first = run(db, "list", "--limit", "2")
    assert first.exit_code == 0, first.output
    lines = first.output.splitlines()
    assert [line.split()[1] for line in lines[:2]] == ["3", "2"]
    assert lines[2] == "2 article(s); more: --before 2"
    audit = json.loads(run(db, "audit", "1", "--format", "json").output)
    rest = run(db, "list", "--before", "2").output.splitlines()
    today = Store(db).find_article("1")["first_seen"][:10]
    assert rest == [
        f"article 1 v1  {len(audit['posts'])} posts  {len(audit['citations'])} citations  "
        f"{len(audit['unmatched_quotes'])} unmatched  {today}  https://news.example/05-outage  "
        f"{audit['article']['title']}",
        "1 article(s)"]
    assert run(db, "list", "--limit", "1", "--offset", "1").output.split()[1] == "2"


def test_list_filters_by_source_tag_and_date(tmp_path: Path) -> None:
    store = Store(tmp_path / "a.db")
    ids = store.sync_sources([SourceConfig("feed", url="https://one.example/rss", tags=("uk",)),
                              SourceConfig("feed", url="https://two.example/rss")])
    one, two = ids["feed:https://one.example/rss"], ids["feed:https://two.example/rss"]
    for n, (date, source) in enumerate([("2024-03-01", one), ("2024-03-05", two),
                                        ("2024-03-09", one)]):
        page = DATED.format(title=f"March {n}", date=date).encode()
        add_article(store, ArticleInput(f"https://news.example/{n}", page, "html"),
                    source_id=source)
    store.close()
    db = tmp_path / "a.db"

    def ids_of(*args: str) -> list[int]:
        result = run(db, "list", "--json", *args)
        assert result.exit_code == 0, result.output
        return [r["id"] for r in json.loads(result.output)["articles"]]

    assert ids_of() == [3, 2, 1]
    assert ids_of("--source", "https://one.example/rss") == [3, 1]
    assert ids_of("--source", "feed:https://two.example/rss") == [2]
    assert ids_of("--tag", "uk") == [3, 1]
    assert ids_of("--tag", "fr") == []
    assert ids_of("--since", "2024-03-05") == [3, 2]
    assert ids_of("--until", "2024-03-05") == [2, 1]  # the whole day of the bound
    assert ids_of("--since", "2024-03-02", "--until", "2024-03-08") == [2]
    missing = run(db, "list", "--source", "https://nowhere.example/rss")
    assert missing.exit_code == 1
    assert missing.output == ("Error: source 'https://nowhere.example/rss': not in the archive;"
                              " `postlink status` lists the sources\n")


def test_status_shows_sources_queue_and_failures(tmp_path: Path) -> None:
    store = Store(tmp_path / "a.db")
    ids = store.sync_sources([SourceConfig("feed", url="https://one.example/rss",
                                           interval=900)])
    source = ids["feed:https://one.example/rss"]
    with store.transaction() as conn:
        store.enqueue(conn, source, [(f"https://one.example/{n}", f"https://one.example/{n}",
                                      None) for n in range(3)])
        store.update_source(conn, source, status="polled", last_polled="2026-01-01T10:00:00",
                            next_due="2026-01-01T10:15:00", error=None)
    failed = store.pending_items(source, max_attempts=3)[0]
    store.finish_item(failed["id"], state="failed", error="HTTP 500")
    store.close()
    result = run(tmp_path / "a.db", "status")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[:2] == [
        "sources: 1",
        "  feed:https://one.example/rss  enabled  status=polled  last polled "
        "2026-01-01T10:00:00  next due 2026-01-01T10:15:00  interval 900s  pending 2  failed 1"]
    assert lines[2] == "queue: 2 pending, 1 failed"
    assert lines[3] == "last errors:"
    assert re.fullmatch(r"  \S+ https://one\.example/0: HTTP 500 \(attempts 1\)", lines[4])
    status = json.loads(run(tmp_path / "a.db", "status", "--json").output)
    assert status["queue"] == {"pending": 2, "failed": 1}


def test_maintain_checkpoints_analyzes_and_vacuums(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    _add(db, "05-outage.html", "13-transfer.html")
    store = Store(db)
    with store.transaction() as conn:  # free pages for VACUUM to reclaim
        conn.execute("CREATE TABLE scratch AS SELECT zeroblob(100000) AS b FROM sentences")
        conn.execute("DROP TABLE scratch")
    store.close()
    result = run(db, "maintain", "--vacuum")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[:2] == ["full-text indexes merged; statistics refreshed (ANALYZE)",
                         "vacuum: done"]
    wal = re.fullmatch(r"checkpoint: (\d+\.\d) MB of WAL written back, WAL emptied", lines[2])
    assert wal and float(wal.group(1)) > 0  # VACUUM wrote the whole archive through the WAL
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM sqlite_stat1").fetchone()[0] > 0
    assert conn.execute("PRAGMA freelist_count").fetchone()[0] == 0
    assert (tmp_path / "a.db-wal").stat().st_size == 0  # TRUNCATE emptied the WAL
    conn.close()
    again = run(db, "maintain")
    assert again.exit_code == 0 and "vacuum: skipped (--vacuum)" in again.output
    assert run(db, "search", "outage").exit_code == 0  # the optimized FTS index still answers

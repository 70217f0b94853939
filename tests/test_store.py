"""The archive: idempotent adds, versions, atomic writes, provisional post merging."""

from pathlib import Path

import pytest

from postlink.errors import NotFound, StoreError
from postlink.pipeline import ArticleInput, add_article
from postlink.store import MIGRATIONS, Store

PAGE = """<html><head><title>T</title></head><body><article>
<p>The mayor spoke at length on Monday about the new budget and what it means for the city.</p>
<blockquote class="twitter-tweet"><p>Budget day. Every library stays open. {extra}</p>&mdash; Mayor (@mayor_x)
<a href="https://twitter.com/mayor_x/status/1760000000000000000">Feb 20, 2024</a></blockquote>
<p>"Every library stays open," the mayor wrote, to applause from the members of the public gallery.</p>
</article></body></html>"""


def _page(extra: str = "") -> ArticleInput:
    return ArticleInput("https://news.example/budget", PAGE.format(extra=extra).encode(), "html",
                        original_url="https://news.example/budget?utm_source=x")


def _counts(store: Store) -> dict[str, int]:
    return {k: v for k, v in store.table_counts().items() if k != "fetch_log"}


def test_schema_version_wal_and_foreign_keys(tmp_path: Path) -> None:
    store = Store(tmp_path / "a.db")
    assert store.conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    Store(tmp_path / "a.db").close()  # reopening migrates nothing and does not fail


def test_same_content_twice_adds_nothing(tmp_path: Path) -> None:
    store = Store(tmp_path / "a.db")
    first = add_article(store, _page())
    before = _counts(store)
    second = add_article(store, _page())
    assert (first.created, second.created) == (True, False)
    assert second.version == 1
    assert _counts(store) == before


def test_changed_content_adds_a_version(tmp_path: Path) -> None:
    store = Store(tmp_path / "a.db")
    add_article(store, _page())
    result = add_article(store, _page("Pools too."))
    assert (result.created, result.version) == (True, 2)
    assert store.db["articles"].count == 1
    assert store.db["article_versions"].count == 2
    texts = [r["text"] for r in store.query("SELECT text FROM post_versions ORDER BY id")]
    assert texts == ["Budget day. Every library stays open.", "Budget day. Every library stays open. Pools too."]


def test_failure_half_way_leaves_no_half_article(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = Store(tmp_path / "a.db")

    def boom(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(store, "add_embed", boom)
    with pytest.raises(RuntimeError):
        add_article(store, _page())
    counts = _counts(store)
    assert counts["articles"] == 0 and counts["sentences"] == 0 and counts["captures"] == 0


def test_provisional_post_is_merged_when_permalink_known(tmp_path: Path) -> None:
    store = Store(tmp_path / "a.db")
    text = ("Intro sentence for the syndicated copy of the story.\n\n"
            "Budget day. Every library stays open. — Mayor (@mayor_x) February 20, 2024\n\n"
            "The mayor said \"every library stays open\" in her post.")
    add_article(store, ArticleInput("stdin:copy", text.encode(), "text"))
    [post] = store.query("SELECT key, provisional FROM posts")
    assert post["provisional"] == 1
    add_article(store, _page())
    keys = [r["key"] for r in store.query("SELECT key FROM posts")]
    assert keys == ["x:1760000000000000000"]
    cited = {r["post_key"] for r in store.query("SELECT post_key FROM citations")}
    assert cited == {"x:1760000000000000000"}
    embedded = {r["post_key"] for r in store.query("SELECT post_key FROM embeds")}
    assert embedded == {"x:1760000000000000000"}


def test_flattened_copy_added_after_the_original_takes_its_key(tmp_path: Path) -> None:
    store = Store(tmp_path / "a.db")
    add_article(store, _page())
    text = "Intro.\n\nBudget day. Every library stays op… https://t.co/Mayor1more — Mayor (@mayor_x) February 20, 2024\n\nOutro."
    add_article(store, ArticleInput("stdin:copy2", text.encode(), "text"))
    assert [r["key"] for r in store.query("SELECT key FROM posts")] == ["x:1760000000000000000"]


def test_find_article_by_id_url_and_missing(tmp_path: Path) -> None:
    store = Store(tmp_path / "a.db")
    add_article(store, _page())
    assert store.find_article("1")["url"] == "https://news.example/budget"
    assert store.find_article("https://news.example/budget?utm_source=x")["id"] == 1
    with pytest.raises(NotFound):
        store.find_article("https://nowhere.example/")


def test_unwritable_path_is_a_store_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(StoreError, match="cannot open the database"):
        Store(blocker / "a.db")


WRITER = """
import sys
from bench.archive_scale import build_archive
from postlink.store import Store
store = Store(sys.argv[1])
build_archive(store, 2500, seed=11)
print("built", flush=True)
store.maintain(vacuum=True)
print("maintained", flush=True)
"""


def test_reader_never_sees_a_locked_archive_during_writes_and_maintain(tmp_path: Path) -> None:
    """Issue 15: a reader open while a writer adds articles (one transaction each) and then
    runs `maintain --vacuum` (ANALYZE, FTS merge, VACUUM, checkpoint) is never refused."""
    import subprocess
    import sys

    from postlink.listing import list_articles
    from postlink.report.audit import build_audit

    db = tmp_path / "a.db"
    reader = Store(db)  # open before the writer starts, kept open throughout
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(db)],
                              cwd=Path(__file__).resolve().parents[1], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    reads, seen_articles, errors = 0, set(), []
    while writer.poll() is None:
        try:
            newest = list_articles(reader, limit=1)
            if newest:
                build_audit(reader, str(newest[0]["id"]))
                seen_articles.add(newest[0]["id"])
            reader.search_sentences("baba")
            fresh = Store(db)  # a new command opening the archive mid-run
            fresh.search_posts("baba")
            fresh.close()
            reads += 1
        except Exception as exc:  # any refusal ("database is locked", busy) is the failure
            errors.append(repr(exc))
    out, err = writer.communicate()
    assert writer.returncode == 0, err
    assert out.split() == ["built", "maintained"]
    assert errors == []
    assert reads > 20 and len(seen_articles) > 10  # the reads really overlapped the writes
    assert list_articles(reader, limit=1)[0]["id"] >= max(seen_articles)
    reader.close()

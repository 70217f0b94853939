"""Migrations: an archive made by the first schema gains the indexes of the second without
losing a row or changing an audit (issue 15)."""

from __future__ import annotations

from pathlib import Path

import pytest

import postlink.store as store_module
from postlink.errors import StoreError
from postlink.pipeline import ArticleInput, add_article
from postlink.report.audit import build_audit
from postlink.schema import MIGRATIONS
from postlink.store import Store
from tests.conftest import DATA

NEW_INDEXES = {"citations_version", "citations_post", "unmatched_quotes_version", "embeds_post",
               "links_post", "articles_source", "articles_original_url", "articles_date",
               "source_items_state_time", "posts_handle", "short_links_expires",
               "article_versions_article",
               "fetch_log_errors", "source_items_article", "article_versions_capture",
               "fetch_log_url", "fetch_log_body", "fetch_log_version", "fetch_log_post",
               "fetch_log_at"}


def _indexes(store: Store) -> dict[str, str]:
    return {name: sql for name, sql in store.conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")}


def _counts(store: Store) -> dict[str, int]:
    return {t: store.conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("articles", "article_versions", "sentences", "posts", "post_versions",
                      "embeds", "links", "citations", "unmatched_quotes")}


def test_schema_1_archive_gains_the_indexes_and_keeps_its_rows(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "old.db"
    with monkeypatch.context() as patch:
        patch.setattr(store_module, "MIGRATIONS", MIGRATIONS[:1])  # the archive as it was
        old = Store(path)
        for page in sorted((DATA / "citations").glob("*.html"))[:4]:
            add_article(old, ArticleInput(f"https://news.example/{page.stem}",
                                          page.read_bytes(), "html"))
        assert old.conn.execute("PRAGMA user_version").fetchone()[0] == 1
        assert "citations_version" not in _indexes(old)
        before, audits = _counts(old), [build_audit(old, str(i)) for i in (1, 2, 3, 4)]
        old.close()

    new = Store(path)
    assert new.conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS) == 10
    assert set(_indexes(new)) >= NEW_INDEXES
    assert "version_id" in _indexes(new)["citations_post"]  # the widened index replaced the old
    assert _counts(new) == before
    assert before["citations"] > 0 and before["sentences"] > 0
    assert [build_audit(new, str(i)) for i in (1, 2, 3, 4)] == audits
    assert new.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_a_failed_migration_leaves_the_old_schema(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "old.db"
    with monkeypatch.context() as patch:
        patch.setattr(store_module, "MIGRATIONS", MIGRATIONS[:1])
        Store(path).close()
    broken = (MIGRATIONS[0], MIGRATIONS[1] + "\nCREATE INDEX oops ON no_such_table(x);")
    monkeypatch.setattr(store_module, "MIGRATIONS", broken)
    with pytest.raises(StoreError, match="no_such_table"):
        Store(path)
    monkeypatch.setattr(store_module, "MIGRATIONS", MIGRATIONS)
    store = Store(path)  # the rolled-back migration runs again, whole
    assert set(_indexes(store)) >= NEW_INDEXES

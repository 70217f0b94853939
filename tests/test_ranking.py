"""BM25 over a bounded window: the same order as FTS5's bm25() where both can rank, and a
bounded read where only the window can (issue 15)."""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path

import pytest

import postlink.search as search_module
from postlink.ranking import bm25_order, estimate_rows, tokens
from postlink.store import Store

WORDS = ["river", "flood", "bridge", "council", "vote", "harbour", "toll", "ferry", "crew", "strike"]


def _sentences(n: int, seed: int = 5) -> list[str]:
    rng = random.Random(seed)
    return [" ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 12))) for _ in range(n)]


@pytest.mark.parametrize("query", [["river"], ["river", "toll"], ["flood", "ferry", "crew"]])
def test_bm25_order_is_fts5_order_when_every_row_matches(query: list[str]) -> None:
    # every row holds the words, so window = table: same counts, same average length
    rows = [" ".join(query) + " " + s for s in _sentences(300)]
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE VIRTUAL TABLE t USING fts5(text)")
    conn.executemany("INSERT INTO t(rowid, text) VALUES (?, ?)", enumerate(rows, 1))
    match = " ".join(f'"{w}"' for w in query)
    score = dict(conn.execute("SELECT rowid, bm25(t) FROM t WHERE t MATCH ?", (match,)))
    fts5 = sorted(score, key=lambda rowid: (score[rowid], rowid))
    ours = bm25_order(list(enumerate(rows, 1)), query, {w: len(rows) for w in query},
                      len(rows))
    assert sorted(ours) == sorted(fts5)
    # the same scores rank by rank; rows whose scores differ only by rounding may swap
    assert [score[r] for r in ours] == pytest.approx([score[r] for r in fts5], rel=1e-12)
    assert sum(a != b for a, b in zip(ours, fts5, strict=True)) < len(rows) // 10


def test_tokens_fold_case_and_accents_like_unicode61() -> None:
    assert tokens("Léa's CAFÉ, naïve") == ["lea", "s", "cafe", "naive"]


def test_estimate_rows_scales_the_window_density() -> None:
    # the newest 100 hits span rowids 901..1000: one row in one holds the word
    assert estimate_rows(100, 1000, 901) == pytest.approx(1000)
    assert estimate_rows(100, 1000, 1) == pytest.approx(100)


def test_common_word_ranks_only_the_newest_window(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    store = Store(tmp_path / "a.db")
    with store.transaction() as conn:
        for n in range(60):
            store.upsert_post(conn, key=f"x:{n}", platform="x", permalink=None,
                              author_handle="a", author_name=None, created_at=None,
                              provisional=False)
            text = "flood " * (5 if n < 30 else 1) + f"post {n}"  # old posts say it most
            store.add_post_version(conn, post_key=f"x:{n}", text=text, truncated=False,
                                   source="embed")
    exact = [r["key"] for r in store.search_posts("flood", limit=5)]
    assert set(exact) <= {f"x:{n}" for n in range(30)}  # bm25 prefers the repeated word
    monkeypatch.setattr(search_module, "RANK_WINDOW", 20)
    seen: list[str] = []
    store.conn.set_trace_callback(seen.append)
    windowed = [r["key"] for r in store.search_posts("flood", limit=5)]
    store.conn.set_trace_callback(None)
    assert set(windowed) <= {f"x:{n}" for n in range(40, 60)}  # the newest 20 only
    assert not any("bm25(" in sql for sql in seen)  # bm25() would count every row
    assert [r["key"] for r in store.search_posts("post 7", limit=5)] == ["x:7"]  # rare: exact

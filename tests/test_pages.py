"""The pages of `posts` and `search` over real archive files through the CLI (issue 15)."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from postlink.cli import cli
from tests.conftest import DATA

ARTICLES = DATA / "citations"


def run(db: Path, *args: str):
    return CliRunner().invoke(cli, ["--db", str(db), *args])


def _add(db: Path, *names: str) -> None:
    for name in names:
        result = run(db, "add", "--offline", str(ARTICLES / name), "--url",
                     f"https://news.example/{Path(name).stem}")
        assert result.exit_code == 0, result.output


def test_posts_pages_through_citations(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    _add(db, "05-outage.html")
    whole = json.loads(run(db, "posts", "x:1791000000000000002", "--json").output)
    n = whole["total_citations"]  # how many the scorer keeps is its call; at least the quotes
    assert n == len(whole["citations"]) and n >= 3
    assert whole["next_offset"] is None
    first = run(db, "posts", "x:1791000000000000002", "--limit", str(n - 1)).output.splitlines()
    assert first[0] == f"x:1791000000000000002 (Ines Moreau): cited by {n} sentence(s) in 1 article(s)"
    assert first[-1] == f"more: --offset {n - 1}"
    assert sum(line.startswith("  article ") for line in first) == n - 1
    rest = json.loads(run(db, "posts", "x:1791000000000000002", "--json", "--offset",
                          str(n - 1)).output)
    assert rest["citations"] == whole["citations"][n - 1:] and rest["next_offset"] is None


def test_search_offset_continues_the_ranking(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    _add(db, "05-outage.html", "13-transfer.html", "01-bridge.txt")
    whole = json.loads(run(db, "search", "the", "--json").output)["sentences"]
    assert len(whole) >= 4
    page = json.loads(run(db, "search", "the", "--json", "--limit", "2", "--offset",
                          "2").output)["sentences"]
    assert page == whole[2:4]

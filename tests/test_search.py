"""`postlink posts` and `postlink search` over a real archive file, through the CLI."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from postlink.cli import cli
from postlink.store import Store, fts_query
from tests.conftest import DATA

ARTICLES = DATA / "citations"


def run(config: Path, *args: str):
    return CliRunner().invoke(cli, ["--config", str(config), *args])


def _add(config: Path, *names: str) -> None:
    for name in names:
        result = run(config, "add", "--offline", str(ARTICLES / name),
                     "--url", f"https://news.example/{Path(name).stem}")
        assert result.exit_code == 0, result.output


def test_posts_lists_every_citing_sentence(loopback_config: Path) -> None:
    _add(loopback_config, "05-outage.html")
    result = run(loopback_config, "posts", "https://twitter.com/inesmoreau/status/1791000000000000002")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    audit = json.loads(run(loopback_config, "audit", "1", "--format", "json").output)
    citing = {c["sentence_index"] for c in audit["citations"] if c["post_key"] == "x:1791000000000000002"}
    assert len(citing) >= 3  # the verbatim, partial and altered quotes at least
    assert lines[0] == f"x:1791000000000000002 (Ines Moreau): cited by {len(citing)} sentence(s) in 1 article(s)"
    assert "verbatim 1.00" in result.output and "altered" in result.output
    assert "diff: " in result.output


def test_posts_follows_a_post_across_article_versions(loopback_config: Path, tmp_path: Path) -> None:
    page = (ARTICLES / "05-outage.html").read_text(encoding="utf-8")
    first = tmp_path / "outage.html"
    first.write_text(page, encoding="utf-8")
    url = "https://news.example/outage"
    assert run(loopback_config, "add", "--offline", str(first), "--url", url).exit_code == 0
    first.write_text(page.replace("apologised that evening", "apologised on Tuesday evening"),
                     encoding="utf-8")
    assert run(loopback_config, "add", "--offline", str(first), "--url", url).exit_code == 0
    result = run(loopback_config, "posts", "x:1791000000000000002", "--json")
    rows = json.loads(result.output)["citations"]
    assert {r["version"] for r in rows} == {1, 2}


def test_posts_unknown_key_is_a_clear_error(loopback_config: Path) -> None:
    _add(loopback_config, "05-outage.html")
    result = run(loopback_config, "posts", "x:42")
    assert result.exit_code == 1
    assert result.output == ("Error: post 'x:42': not in the archive; add an article that "
                             "embeds or links it (postlink add URL)\n")


def test_search_finds_sentences_and_posts(loopback_config: Path) -> None:
    _add(loopback_config, "05-outage.html", "13-transfer.html")
    result = run(loopback_config, "search", "canary stage")
    assert result.exit_code == 0, result.output
    assert "sentences: 1" in result.output and "cites x:1791000000000000003 link" in result.output
    result = run(loopback_config, "search", "club-record fee")
    assert "posts: 1" in result.output and "x:1794000000000000002 @AtleticoNorte" in result.output


def test_search_treats_punctuation_as_text(loopback_config: Path) -> None:
    _add(loopback_config, "05-outage.html")
    result = run(loopback_config, "search", 'NEAR("down" OR) *')
    assert result.exit_code == 0, result.output
    assert fts_query('a "b" OR*') == '"a" "b" "OR"'


def test_post_versions_fts_follows_inserts(tmp_path: Path) -> None:
    store = Store(tmp_path / "a.db")
    with store.transaction() as conn:
        store.upsert_post(conn, key="x:1", platform="x", permalink=None, author_handle="a",
                          author_name=None, created_at=None, provisional=False)
        store.add_post_version(conn, post_key="x:1", text="Meltwater lake doubled", truncated=False,
                               source="embed")
    assert [r["key"] for r in store.search_posts("meltwater")] == ["x:1"]


def test_posts_finds_quotes_in_articles_that_neither_embed_nor_link_it(
        loopback_config: Path, tmp_path: Path) -> None:
    embedding = tmp_path / "a.txt"
    embedding.write_text(
        "Union organiser Priya Nand posted a statement on X shortly after 6 a.m.\n\n"
        "Crews have not been consulted on the new rota. We are standing together until "
        "management talks to us. — Priya Nand (@PriyaNandUnion) March 4, 2024\n\n"
        "Talks resume on Wednesday.", encoding="utf-8")
    quoting = tmp_path / "b.txt"
    quoting.write_text(
        "The strike entered its second day. Organisers said crews were \"standing together "
        "until management talks to us\" and would stay out.\n\n"
        "A spokesman said the company \"regrets the disruption to passengers.\"\n\n"
        "Another crew was \"standing by the pier\" all day.", encoding="utf-8")
    for path in (embedding, quoting):
        assert run(loopback_config, "add", "--offline", str(path)).exit_code == 0
    key = json.loads(run(loopback_config, "audit", "1", "--format", "json").output)["posts"][0]["key"]

    result = run(loopback_config, "posts", key, "--json")
    assert result.exit_code == 0, result.output
    found = json.loads(result.output)["quoted_elsewhere"]
    assert [(r["article_id"], r["sentence_idx"], r["kind"]) for r in found] == [(2, 1, "partial")]
    assert "standing together until management" in found[0]["sentence"]

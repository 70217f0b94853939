"""Article versions: `audit --version N` and `postlink diff ARTICLE [A B]` (issue 13 point 3)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from rich.console import Console

from postlink.cli import cli
from postlink.report.diff import render_diff
from postlink.versions import StoredVersion, diff_versions

URL = "https://news.example/ferry-vote"
MARA = "x:1850000000000000001"
FERRY = "x:1850000000000000002"

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Harbour council delays the ferry vote</title></head>
<body><main><article>
<h1>Harbour council delays the ferry vote</h1>
<p>The harbour council put off its vote on the night ferry on Monday after {how} session.</p>
<p>Councillor Mara Lind opposed the cut. "Night workers need this boat," she wrote on X before the meeting.</p>
<blockquote class="twitter-tweet"><p lang="en" dir="ltr">Night workers need this boat. Cutting it saves little and strands hundreds.</p>&mdash; Mara Lind (@MaraLindHarbour) <a href="https://twitter.com/MaraLindHarbour/status/1850000000000000001">October 28, 2024</a></blockquote>
{middle}
<p>A final vote is expected next month.</p>
</article></main></body></html>
"""
# Version 1 quotes a newspaper; version 2 drops it for the ferry operator's embedded post.
HERALD = '<p>The Harbour Herald called the plan "a false economy."</p>'
OPERATOR = """<p>The ferry operator answered on X: "We will keep the night boat running until the vote."</p>
<blockquote class="twitter-tweet"><p lang="en" dir="ltr">We will keep the night boat running until the vote.</p>&mdash; Harbour Ferries (@NightBoatsCo) <a href="https://twitter.com/NightBoatsCo/status/1850000000000000002">October 28, 2024</a></blockquote>"""
OPERATOR_SENTENCE = ('The ferry operator answered on X: "We will keep the night boat running '
                     'until the vote."')


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    """An archive holding two versions of one article, and the config that names it."""
    config = tmp_path / "config.toml"
    config.write_text('[archive]\ndb = "archive.db"\n', encoding="utf-8")
    page = tmp_path / "page.html"
    for how, middle in (("a long", HERALD), ("a four-hour", OPERATOR)):
        page.write_text(PAGE.format(how=how, middle=middle), encoding="utf-8")
        added = run(config, "add", "--offline", str(page), "--url", URL)
        assert added.exit_code == 0, added.output
    return config


def run(config: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--config", str(config), *args])


def as_json(result: Result) -> Any:
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_audit_of_an_earlier_version(archive: Path) -> None:
    old = as_json(run(archive, "audit", URL, "--version", "1", "--format", "json"))
    new = as_json(run(archive, "audit", URL, "--format", "json"))
    assert (old["article"]["version"], new["article"]["version"]) == (1, 2)
    assert old["article"]["versions"] == new["article"]["versions"] == [1, 2]
    assert [p["key"] for p in old["posts"]] == [MARA]
    assert [p["key"] for p in new["posts"]] == [MARA, FERRY]
    assert [q["quote"] for q in old["unmatched_quotes"]] == ["a false economy."]
    assert new["unmatched_quotes"] == []
    assert [(c["post_key"], c["kind"]) for c in new["citations"]
            if c["sentence"] == OPERATOR_SENTENCE] == [(FERRY, "verbatim")]
    table = run(archive, "audit", URL, "--version", "1")
    assert table.exit_code == 0 and table.output.startswith(
        "Article 1 (version 1): Harbour council delays the ferry vote\n")
    md = run(archive, "audit", URL, "--version", "1", "--format", "md")
    assert "article 1, version 1, 6 sentences" in md.output


@pytest.mark.parametrize("version", ["3", "0", "two"])
def test_an_unknown_version_is_a_usage_error(archive: Path, version: str) -> None:
    result = run(archive, "audit", URL, "--version", version)
    assert result.exit_code == 2
    if version == "3":
        assert result.output == ("Error: article 1 has no version 3: it has versions 1 to 2; "
                                 "pick one of those (a changed page adds a version)\n")


def test_diff_of_the_latest_against_the_one_before(archive: Path) -> None:
    diff = as_json(run(archive, "diff", URL, "--format", "json"))
    assert (diff["from"]["version"], diff["to"]["version"], diff["changed"]) == (1, 2, True)
    assert (diff["from"]["sentence_count"], diff["to"]["sentence_count"]) == (6, 6)
    sentences = diff["sentences"]
    assert sentences["removed"] == [
        {"index": 1, "text": "The harbour council put off its vote on the night ferry on Monday "
                             "after a long session."},
        {"index": 4, "text": 'The Harbour Herald called the plan "a false economy."'}]
    assert sentences["added"] == [
        {"index": 1, "text": "The harbour council put off its vote on the night ferry on Monday "
                             "after a four-hour session."},
        {"index": 4, "text": OPERATOR_SENTENCE}]
    assert sentences["unchanged"] == 4
    assert [p["key"] for p in diff["posts"]["added"]] == [FERRY]
    assert diff["posts"]["removed"] == diff["posts"]["changed"] == []
    # Mara's quote sits in an unchanged sentence: the same citation in both versions
    assert [(c["post_key"], c["sentence_index"], c["kind"], c["quote"])
            for c in diff["citations"]["added"]] == [
        (FERRY, 4, "verbatim", "We will keep the night boat running until the vote")]
    assert diff["citations"]["removed"] == diff["citations"]["changed"] == []
    assert [q["quote"] for q in diff["unmatched_quotes"]["removed"]] == ["a false economy."]
    assert diff["unmatched_quotes"]["added"] == []


def test_diff_between_named_versions(archive: Path) -> None:
    back = as_json(run(archive, "diff", URL, "2", "1", "--format", "json"))
    assert (back["from"]["version"], back["to"]["version"]) == (2, 1)
    assert [p["key"] for p in back["posts"]["removed"]] == [FERRY]
    assert [c["post_key"] for c in back["citations"]["removed"]] == [FERRY]
    assert [s["index"] for s in back["sentences"]["added"]] == [1, 4]
    one = as_json(run(archive, "diff", URL, "1", "--format", "json"))  # against the latest
    assert (one["from"]["version"], one["to"]["version"]) == (1, 2)
    same = as_json(run(archive, "diff", URL, "2", "2", "--format", "json"))
    assert same["changed"] is False and same["sentences"]["unchanged"] == 6


def test_diff_table(archive: Path) -> None:
    result = run(archive, "diff", URL)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("Article 1: version 1 (") and ") → version 2 (" in lines[0]
    assert lines[1] == URL
    assert "Sentences (2 removed, 2 added, 4 unchanged)" in result.output
    assert any(line.startswith("│ + │ x:1850000000000000002 │ We will keep") for line in lines)
    assert any("│ - │ 4     │ “a false economy.”" in line for line in lines)
    unchanged = run(archive, "diff", URL, "1", "1")
    assert unchanged.output.splitlines()[2] == (
        "no change in sentences, posts, citations, quotes or links")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("5",), "Error: article 1 has no version 5: it has versions 1 to 2;"),
        (("1", "9"), "Error: article 1 has no version 9: it has versions 1 to 2;"),
        (("1", "2", "1"), "Error: diff compares two versions, got 3;"),
    ],
)
def test_diff_usage_errors(archive: Path, args: tuple[str, ...], message: str) -> None:
    result = run(archive, "diff", URL, *args)
    assert result.exit_code == 2
    assert result.output.startswith(message)


def test_diff_of_an_article_with_one_version(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[archive]\ndb = "archive.db"\n', encoding="utf-8")
    page = tmp_path / "page.html"
    page.write_text(PAGE.format(how="a long", middle=HERALD), encoding="utf-8")
    assert run(config, "add", "--offline", str(page), "--url", URL).exit_code == 0
    result = run(config, "diff", URL)
    assert result.exit_code == 2
    assert result.output == ("Error: article 1 has only version 1: there is nothing to compare "
                             "until its page changes and adds a version\n")
    assert run(config, "diff", "https://news.example/nothing").exit_code == 1


# -- the pure diff, on versions written by hand ---------------------------------------------

def version(n: int, sentences: Sequence[str], posts: Sequence[dict[str, Any]],
            citations: Sequence[dict[str, Any]], unmatched: Sequence[dict[str, Any]] = (),
            links: Sequence[str] = (), title: str = "T") -> StoredVersion:
    audit = {"article": {"id": 3, "url": "https://news.example/a", "title": title, "version": n},
             "posts": list(posts), "citations": list(citations), "unmatched_quotes": list(unmatched),
             "links": [{"url": u} for u in links]}
    return StoredVersion(n, f"2024-01-0{n}T00:00:00+00:00", tuple(sentences), audit)


def post(key: str, text: str, embedded: bool = True) -> dict[str, Any]:
    return {"key": key, "text": text, "embedded": embedded}


def cite(key: str, index: int, sentence: str, kind: str, quote: str = "",
         score: float = 1.0) -> dict[str, Any]:
    return {"post_key": key, "sentence_index": index, "sentence": sentence, "kind": kind,
            "score": score, "quote": quote, "diff": None, "beyond_truncation": False}


def test_a_citation_whose_kind_changed_in_the_same_sentence() -> None:
    said = 'She wrote: "the toll is a penalty."'
    old = version(1, ["Head", said, "Other"], [post("x:1", "The toll is a penalty.")],
                  [cite("x:1", 1, said, "verbatim", "the toll is a penalty.")])
    # the embed now shows an edited post: the same sentence quotes it with a change
    new = version(2, ["Head", "New lead.", said, "Other"],
                  [post("x:1", "The toll is a real penalty.")],
                  [cite("x:1", 2, said, "altered", "the toll is a penalty.", 0.8),
                   cite("x:1", 1, "New lead.", "attribution", score=0.6)])
    diff = diff_versions(old, new).as_json()
    assert diff["citations"]["changed"] == [
        {"post_key": "x:1", "sentence": said,
         "old": {"sentence_index": 1, "score": 1.0, "kind": "verbatim",
                 "quote": "the toll is a penalty.", "diff": None, "beyond_truncation": False,
                 "checked_against": None},
         "new": {"sentence_index": 2, "score": 0.8, "kind": "altered",
                 "quote": "the toll is a penalty.", "diff": None, "beyond_truncation": False,
                 "checked_against": None}}]
    assert [c["sentence"] for c in diff["citations"]["added"]] == ["New lead."]
    assert diff["posts"]["changed"] == [
        {"key": "x:1", "old": {"text": "The toll is a penalty.", "embedded": True},
         "new": {"text": "The toll is a real penalty.", "embedded": True}}]
    assert diff["sentences"] == {"added": [{"index": 1, "text": "New lead."}], "removed": [],
                                 "unchanged": 3}


def test_a_citation_checked_against_another_text_is_a_change() -> None:
    said = 'She wrote that the toll "would cost a commuter 900 dollars."'

    def checked(source: str, version_id: int | None, at: str) -> dict[str, Any]:
        return {**cite("x:1", 0, said, "partial", "would cost a commuter 900 dollars."),
                "checked_against": {"source": source, "fetched_at": at, "post_version_id": version_id}}

    page_v1 = version(1, [said], [post("x:1", "")], [checked("page", None, "2024-01-01")])
    page_v2 = version(2, [said], [post("x:1", "")], [checked("page", None, "2024-01-02")])
    captured = version(3, [said], [post("x:1", "")], [checked("oembed", 7, "2024-01-03")])
    # the page's own text, fetched again with the next version: nothing changed
    assert diff_versions(page_v1, page_v2).citations_changed == ()
    [change] = diff_versions(page_v2, captured).as_json()["citations"]["changed"]
    assert (change["old"]["checked_against"]["source"], change["new"]["checked_against"]) == (
        "page", {"source": "oembed", "fetched_at": "2024-01-03", "post_version_id": 7})
    assert diff_versions(page_v2, captured).changed is True
    console = Console(record=True, width=200)
    render_diff(diff_versions(page_v2, captured).as_json(), console)
    assert "(checked against page → oembed, post version 7)" in console.export_text()


def test_a_score_that_moved_alone_is_no_change() -> None:
    said = "Lind posted about the ferry."
    old = version(1, [said], [post("x:1", "Ferry!")], [cite("x:1", 0, said, "attribution",
                                                              score=0.91)])
    new = version(2, [said], [post("x:1", "Ferry!")], [cite("x:1", 0, said, "attribution",
                                                              score=0.87)])
    diff = diff_versions(old, new)
    assert diff.changed is False and diff.citations_changed == ()


def test_repeated_sentences_and_quotes_are_counted() -> None:
    s = 'They chanted "no cuts now" again.'
    old = version(1, [s], [], [], [{"sentence_index": 0, "quote": "no cuts now"}])
    new = version(2, [s, s], [], [], [{"sentence_index": 0, "quote": "no cuts now"},
                                      {"sentence_index": 1, "quote": "no cuts now"}],
                  links=["https://a.example/", "https://a.example/"], title="T2")
    diff = diff_versions(old, new).as_json()
    assert diff["sentences"]["added"] == [{"index": 1, "text": s}]
    assert diff["unmatched_quotes"] == {"added": [{"sentence_index": 1, "quote": "no cuts now"}],
                                        "removed": []}
    assert diff["links"] == {"added": ["https://a.example/"], "removed": []}
    assert (diff["from"]["title"], diff["to"]["title"]) == ("T", "T2")


def test_a_post_now_only_linked() -> None:
    old = version(1, ["A."], [post("x:1", "Hi", embedded=True), post("x:2", "Yo")], [])
    new = version(2, ["A."], [post("x:1", "Hi", embedded=False), post("x:3", "New")], [])
    diff = diff_versions(old, new)
    assert [p["key"] for p in diff.posts_added] == ["x:3"]
    assert [p["key"] for p in diff.posts_removed] == ["x:2"]
    assert [(p["key"], p["new"]["embedded"]) for p in diff.posts_changed] == [("x:1", False)]

"""audit --format md and --format annotations: built from the audit dict, on real archives."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from postlink.cli import cli
from postlink.report.annotations import CONTEXT, render_annotations
from postlink.report.markdown import escape, render_markdown
from tests.conftest import DATA

FERRY = DATA / "articles" / "ferry-strike.txt"
HOSTILE = DATA / "reports" / "hostile.txt"
HOSTILE_URL = "https://news.example/hostile?a=1&b=(2)"
# GFM as issue trackers render it, raw HTML allowed: escaping must be what stops the markup
MD = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
TAG = re.compile(r"<(?!/?(?:h1|h2|p|strong|table|thead|tbody|tr|th|td|ul|li|a)\b)[^>]*>")


def run(config: Path, *args: str) -> str:
    result = CliRunner().invoke(cli, ["--config", str(config), *args])
    assert result.exit_code == 0, result.output
    return result.output


def added(config: Path, path: Path, url: str) -> None:
    run(config, "add", "--offline", str(path), "--url", url)


def cells(rendered: str, row_tag: str = "td") -> list[list[str]]:
    rows = re.findall(r"<tr>(.*?)</tr>", rendered, re.S)
    found = [re.findall(rf"<{row_tag}[^>]*>(.*?)</{row_tag}>", r, re.S) for r in rows]
    return [r for r in found if r]


def text_of(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", fragment))


# -- Markdown -------------------------------------------------------------------------------

def test_markdown_of_ferry_article(loopback_config: Path) -> None:
    added(loopback_config, FERRY, "https://news.example/ferry")
    audit = json.loads(run(loopback_config, "audit", "1", "--format", "json"))
    md = run(loopback_config, "audit", "1", "--format", "md")
    assert md == render_markdown(audit)  # the same dict as the JSON, no second query path
    assert md.startswith("# Citation audit: Ferry crews walk out over rota changes\n")
    assert "[https://news.example/ferry](https://news.example/ferry)" in md
    kinds = {c["kind"] for c in audit["citations"]}
    summary = next(line for line in md.splitlines() if line.startswith("**"))
    assert "**2 posts**" in summary and f"**{len(audit['citations'])} citations**" in summary
    assert "**2 unmatched quotes**" in summary
    assert all(kind in summary for kind in kinds)

    rendered = MD.render(md)
    tables = rendered.split("<table>")[1:]
    assert len(tables) == 2
    citation_rows = cells(tables[0])
    assert len(citation_rows) == len(audit["citations"])
    for row, c in zip(citation_rows, audit["citations"], strict=True):
        assert len(row) == 5
        assert row[0] == str(c["sentence_index"]) and row[2] == c["kind"]
        assert row[3] == f"{c['score']:.2f}"
        assert text_of(row[4]) == (f"“{c['quote']}”" if c["quote"] else f"sentence: {c['sentence']}")
    verbatim = next(r for r in citation_rows if r[2] == "verbatim")
    assert "management talks to us | not been consulted" in text_of(verbatim[4])  # \| kept the cell
    post_rows = cells(tables[1])
    assert [text_of(r[1]) for r in post_rows] == ["Priya Nand (@PriyaNandUnion)",
                                                 "Tom Brennan (@TBrennanFerries)"]
    assert all(r[2] == "2024-03-04" and r[3] == "not_checked" and r[6] == "none" for r in post_rows)
    assert "<li>sentence 7: “the worst in a decade.”</li>" in rendered
    assert "<li>sentence 8: “a lifeline.”</li>" in rendered


def test_markdown_escapes_hostile_article_and_post(loopback_config: Path) -> None:
    added(loopback_config, HOSTILE, HOSTILE_URL)
    audit = json.loads(run(loopback_config, "audit", "1", "--format", "json"))
    post = audit["posts"][0]["text"]
    assert "<script>" in post and "*bold* [link](x) | pipes" in post and "<img" in post
    md = run(loopback_config, "audit", "1", "--format", "md")
    for raw in ("<script>", "<b>", "<img", "*bold*", "[link](x)", "_under_"):
        assert raw not in md
    rendered = MD.render(md)
    assert not TAG.findall(rendered), TAG.findall(rendered)  # no tag from the content
    assert '<a href="x"' not in rendered and "<em>" not in rendered and "<strong>bold" not in rendered
    assert "<h1>Citation audit: Hostile &lt;b&gt;headline&lt;/b&gt; | *stars* &amp; [link](x)</h1>" in rendered
    assert 'href="https://news.example/hostile?a=1&amp;b=%282%29"' in rendered
    rows = cells(rendered.split("<table>")[1])
    assert len(rows) == len(audit["citations"]) and all(len(r) == 5 for r in rows)
    quoted = next(r for r, c in zip(rows, audit["citations"], strict=True) if c["quote"])
    assert "<script>alert(1)</script> or *bold* [link](x) | pipes" in text_of(quoted[4])
    assert "<li>sentence 5: “a very <b>silly</b> hoax | indeed.”</li>" in html.unescape(rendered)


def _hostile_audit() -> dict:
    sentence = "She wrote:\n# not a heading\n- nor a list | x <script>alert(1)</script>"
    return {
        "article": {"id": 7, "url": "javascript:alert(1)", "title": "## <img src=x onerror=alert(1)>",
                    "version": 2, "sentence_count": 3},
        "posts": [{"key": "x:@a_b/1", "platform": "x", "url": "https://x.com/a_b/status/1?q=<x>|y (z)",
                   "author_handle": "a_b", "author_name": "*Eve* [me](http://evil)\n| injected |",
                   "created_at": None, "text": "t", "truncated": False, "status": "live",
                   "embedded": False, "found": {"embedded": False, "linked": True}}],
        "citations": [{"post_key": "x:@a_b/1", "sentence_index": 1, "sentence": sentence,
                       "kind": "paraphrase", "score": 0.5, "quote": "", "article_span": [0, 5],
                       "post_span": None, "diff": None, "beyond_truncation": False}],
        "links": [], "uncited_posts": [],
        "unmatched_quotes": [{"sentence_index": 2, "quote": "1. line\n\n> one\n```", "article_span": [6, 9]}],
    }


def test_markdown_newlines_links_and_line_starts() -> None:
    md = render_markdown(_hostile_audit())
    rendered = MD.render(md)
    assert not TAG.findall(rendered)
    assert rendered.count("<h1>") == 1 and "<h2>## " not in rendered and "<h1>Citation audit: ## " in rendered
    assert "javascript:" not in re.findall(r'href="([^"]*)"', rendered).__str__()
    assert re.findall(r'href="([^"]*)"', rendered) == ["https://x.com/a_b/status/1?q=%3Cx%3E%7Cy%20%28z%29"] * 2
    row = cells(rendered.split("<table>")[1])[0]
    assert len(row) == 5
    assert text_of(row[1]) == "*Eve* [me](http://evil) | injected | (@a_b)"
    assert text_of(row[4]) == "sentence: She wrote: # not a heading - nor a list | x <script>alert(1)</script>"
    assert "<li>sentence 2: “1. line &gt; one ```”</li>" in rendered
    assert "<blockquote>" not in rendered and "<pre>" not in rendered and "<ol>" not in rendered
    assert "linked" in text_of(cells(rendered.split("<table>")[2])[0][4])


@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs", "Cc", "Zs", "Zl", "Zp"])
               | st.sampled_from(" \n\t*_`[]()<>|#&;!\\-+=.1~$"), max_size=60))
def test_escape_renders_as_the_same_text(text: str) -> None:
    cell = MD.render(f"| a |\n|---|\n| {escape(text)} |\n")
    assert not TAG.findall(cell)
    [[shown]] = cells(cell)
    expected = " ".join(text.split())
    assert " ".join(text_of(shown).split()) == expected


# -- Web Annotation -------------------------------------------------------------------------

def check_collection(doc: dict, body: str, url: str) -> list[dict]:
    """The structure the Web Annotation vocabulary requires, and selectors true to the body."""
    assert doc["@context"] == CONTEXT
    assert doc["type"] == "AnnotationCollection" and isinstance(doc["label"], str) and doc["label"]
    page = doc["first"]
    assert page["type"] == "AnnotationPage" and page["partOf"] == doc["id"]
    items = page["items"]
    assert doc["total"] == len(items)
    assert len({a["id"] for a in items}) == len(items)
    for a in items:
        assert a["type"] == "Annotation" and a["id"].startswith("urn:postlink:")
        assert a["motivation"] in ("linking", "commenting")
        linking = [b for b in a["body"] if b.get("purpose") == "linking"]
        assert len(linking) == 1 and linking[0]["type"] == "SpecificResource" and linking[0]["source"]
        tags = [b for b in a["body"] if b.get("purpose") == "tagging"]
        assert len(tags) == 1 and tags[0]["type"] == "TextualBody" and tags[0]["value"]
        target = a["target"]
        assert target["source"] == url
        by_type = {s["type"]: s for s in target["selector"]}
        assert set(by_type) == {"TextQuoteSelector", "TextPositionSelector"}
        quote, pos = by_type["TextQuoteSelector"], by_type["TextPositionSelector"]
        start, end = pos["start"], pos["end"]
        assert 0 <= start < end <= len(body)
        assert quote["exact"] == body[start:end]
        assert quote["prefix"] == body[max(0, start - 32):start] and len(quote["prefix"]) <= 32
        assert quote["suffix"] == body[end:end + 32] and len(quote["suffix"]) <= 32
        assert body.count(quote["prefix"] + quote["exact"] + quote["suffix"]) >= 1
    return items


def _body(config: Path) -> str:
    from postlink.store import Store

    store = Store(config.parent / "archive.db")
    try:
        return store.query("SELECT text FROM article_versions ORDER BY id DESC LIMIT 1")[0]["text"]
    finally:
        store.close()


def test_annotations_of_ferry_article(loopback_config: Path) -> None:
    added(loopback_config, FERRY, "https://news.example/ferry")
    audit = json.loads(run(loopback_config, "audit", "1", "--format", "json"))
    doc = json.loads(run(loopback_config, "audit", "1", "--format", "annotations"))
    body = _body(loopback_config)
    assert doc == render_annotations(audit, body)
    items = check_collection(doc, body, "https://news.example/ferry")
    assert len(items) == len(audit["citations"])
    for a, c in zip(items, audit["citations"], strict=True):
        pos = next(s for s in a["target"]["selector"] if s["type"] == "TextPositionSelector")
        assert [pos["start"], pos["end"]] == c["article_span"]
        assert next(b for b in a["body"] if b["purpose"] == "tagging")["value"] == c["kind"]
        describing = next(b for b in a["body"] if b["purpose"] == "describing")["value"]
        assert f"score {c['score']:.3f}" in describing
        assert a["body"][0]["source"] == "urn:postlink:post:" + c["post_key"]  # no permalink offline
    verbatim = next(a for a, c in zip(items, audit["citations"], strict=True) if c["kind"] == "verbatim")
    exact = next(s for s in verbatim["target"]["selector"] if s["type"] == "TextQuoteSelector")["exact"]
    assert exact.startswith("We are standing together") and exact.endswith("not been consulted")
    again = json.loads(run(loopback_config, "audit", "https://news.example/ferry", "--format", "annotations"))
    assert [a["id"] for a in again["first"]["items"]] == [a["id"] for a in items]  # stable ids


def test_annotations_of_hostile_article(loopback_config: Path) -> None:
    added(loopback_config, HOSTILE, HOSTILE_URL)
    doc = json.loads(run(loopback_config, "audit", "1", "--format", "annotations"))
    body = _body(loopback_config)
    url = json.loads(run(loopback_config, "audit", "1", "--format", "json"))["article"]["url"]
    items = check_collection(doc, body, url)
    exacts = [s["exact"] for a in items for s in a["target"]["selector"] if s["type"] == "TextQuoteSelector"]
    assert any("<script>alert(1)</script> or *bold* [link](x) | pipes" in e for e in exacts)


def test_annotations_use_permalink_and_survive_a_span_off_the_body() -> None:
    audit = _hostile_audit()
    body = "xx She wrote: something else"
    audit["citations"][0]["article_span"] = [None, None]
    audit["citations"][0]["sentence"] = "She wrote:"
    doc = render_annotations(audit, body)
    [a] = doc["first"]["items"]
    assert a["body"][0]["source"] == "https://x.com/a_b/status/1?q=<x>|y (z)"
    pos = next(s for s in a["target"]["selector"] if s["type"] == "TextPositionSelector")
    assert body[pos["start"]:pos["end"]] == "She wrote:"
    audit["citations"][0]["sentence"] = "not in the body"
    [a] = render_annotations(audit, body)["first"]["items"]
    assert a["target"]["selector"] == [{"type": "TextQuoteSelector", "exact": "not in the body"}]

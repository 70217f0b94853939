"""audit --format html (issue 14): one self-contained page per article, built from the audit
dict; hostile post and article text stays text, checked in the page's markup and in a real
headless Chromium, which must run no script from the content."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import lxml.html
import pytest
from click.testing import CliRunner

from postlink.cli import cli
from postlink.report.html import diff_pieces, post_pieces, render_html
from tests.conftest import DATA

HOSTILE = DATA / "reports" / "hostile-post.txt"
HOSTILE_URL = "https://news.example/scam?a=1&b=<i>"
FERRY = DATA / "articles" / "ferry-strike.txt"
POST = "x:@vale_okafor/8c38d97424b17419"
VERBATIM = ("never pay a fine sent by text <script>document.title='pwned'</script> or open "
            "<img src=x onerror=document.title='pwned'> links")
UNMATCHED = "growing fast <svg onload=document.title='pwned'>."
TITLE = ("Citation audit: Parking fine scam <script>document.title='pwned'</script> "
         "reaches the harbour district")


def run(config: Path, *args: str) -> str:
    result = CliRunner().invoke(cli, ["--config", str(config), *args])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture
def hostile(loopback_config: Path) -> tuple[str, dict[str, Any]]:
    """The hostile article's HTML page and its audit JSON."""
    run(loopback_config, "add", "--offline", str(HOSTILE), "--url", HOSTILE_URL)
    audit = json.loads(run(loopback_config, "audit", "1", "--format", "json"))
    return run(loopback_config, "audit", "1", "--format", "html"), audit


def _text(element: Any) -> str:
    return str(element.text_content())


def _visible(element: Any) -> str:
    """Text without the screen-reader-only labels."""
    copy = lxml.html.fromstring(lxml.html.tostring(element, with_tail=False))
    for label in copy.xpath('.//*[@class="sr-only"]'):
        label.drop_tree()
    return _text(copy)


# -- the page's markup ------------------------------------------------------------------------

def test_hostile_text_is_text_and_the_page_loads_nothing(hostile: tuple[str, dict[str, Any]]) -> None:
    page, audit = hostile
    assert "<script" not in page.lower() and "<img" not in page.lower() and "<svg" not in page.lower()
    doc = lxml.html.fromstring(page)
    assert doc.xpath("//script | //img | //svg | //iframe | //object | //embed | //link | //base") == []
    assert [e for e in doc.iter() if isinstance(e.tag, str)
            for name in e.attrib if name.lower().startswith("on")] == []
    assert doc.xpath("//@src") == []
    css = "".join(doc.xpath("//style/text()"))
    assert "url(" not in css and "@import" not in css  # no fonts or images from anywhere
    csp = doc.xpath('//meta[@http-equiv="Content-Security-Policy"]/@content')
    assert csp and "default-src 'none'" in csp[0]
    for href in doc.xpath("//a/@href"):
        assert href.startswith(("#", "https://", "http://")), href
    # the hostile strings, as text, where they belong
    assert doc.findtext("head/title") == TITLE
    assert audit["posts"][0]["text"] in _text(doc.get_element_by_id("post-1"))
    assert VERBATIM in _text(doc.get_element_by_id("article"))
    assert doc.xpath('//a[@href="https://news.example/scam?a=1&b=%3Ci%3E"]')


def test_the_page_shows_every_citation_of_the_audit(hostile: tuple[str, dict[str, Any]]) -> None:
    page, audit = hostile
    doc = lxml.html.fromstring(page)
    summary = " ".join(_text(li) for li in doc.xpath('//ul[@class="summary"]/li'))
    assert re.sub(r"\s+", " ", summary) == ("1 posts (1 embedded, 0 linked only) 3 citations: "
                                            "1 verbatim, 1 altered, 1 attribution 1 quotes matching no post")
    citations = audit["citations"]
    assert [c["kind"] for c in citations] == ["attribution", "verbatim", "altered"]
    for n, c in enumerate(citations, 1):
        item = doc.get_element_by_id(f"c{n}")
        assert item.xpath('string(span[@class="kind"])') == c["kind"]
        assert item.xpath("a/@href") == [f"#s{c['sentence_index']}"]
        # the sentence it names is in the article, highlighted, and links back to the item
        sentence = doc.get_element_by_id(f"s{c['sentence_index']}")
        assert "cited" in sentence.get("class")
        assert doc.xpath(f'//section[@id="article"]//a[@href="#c{n}"]')
    article = doc.get_element_by_id("article")
    marks = [(m.get("class"), _visible(m)) for m in article.iter("mark")]
    assert marks == [("verbatim", VERBATIM), ("altered", "would never ask for bank details by message"),
                     ("unmatched", UNMATCHED)]
    # the attribution's whole sentence is the citation: highlighted, nothing marked inside
    assert _text(doc.get_element_by_id("s2")) == "Inspector Vale Okafor posted the warning on X before noon."
    # the post: its matched spans marked, its status, its archived text
    post = doc.get_element_by_id("post-1")
    assert [_text(m) for m in post.xpath('.//blockquote/mark')] == [
        "Never pay a fine sent by text <script>document.title='pwned'</script> or open "
        "<img src=x onerror=document.title='pwned'> links",
        "never ask for card details by message"]
    assert post.xpath('string(.//span[contains(@class, "status")])') == "not checked"
    assert "from the article's embed" in _text(post)
    # the altered quote's word diff
    diff = doc.get_element_by_id("c3").xpath('.//span[@class="diff"]')[0]
    assert [_visible(d) for d in diff.iter("del")] == ["card"]
    assert [_visible(i) for i in diff.iter("ins")] == ["would", "bank"]
    unmatched = doc.get_element_by_id("unmatched")
    assert [_text(q) for q in unmatched.iter("q")] == [UNMATCHED]
    # structure a screen reader can walk: one h1, a main landmark, labelled regions, and a
    # first link that skips to the article; every link reachable by keyboard has a target
    assert len(doc.xpath("//h1")) == 1 and doc.xpath("//main")
    for labelled in doc.xpath("//*[@aria-labelledby]"):
        assert doc.get_element_by_id(labelled.get("aria-labelledby")).tag in ("h2", "h3")
    assert doc.xpath("//a")[0].get("href") == "#article"
    for href in doc.xpath('//a/@href[starts-with(., "#")]'):
        assert doc.get_element_by_id(href[1:]) is not None, href


def test_demo_like_article_marks_each_part_of_a_two_part_quote(loopback_config: Path) -> None:
    run(loopback_config, "add", "--offline", str(FERRY), "--url", "https://news.example/ferry")
    audit = json.loads(run(loopback_config, "audit", "1", "--format", "json"))
    doc = lxml.html.fromstring(run(loopback_config, "audit", "1", "--format", "html"))
    two = next(c for c in audit["citations"] if " | " in c["quote"])
    n = audit["citations"].index(two) + 1
    sentence = doc.get_element_by_id(f"s{two['sentence_index']}").getparent()
    marked = [_visible(m) for m in sentence.iter("mark")]
    for part in two["quote"].split(" | "):
        assert part in marked
    assert [_text(q) for q in doc.get_element_by_id(f"c{n}").iter("q")] == two["quote"].split(" | ")


def test_links_only_for_http_urls_and_unknown_status_is_text() -> None:
    audit = {
        "article": {"id": 7, "url": "javascript:document.title='pwned'", "title": None,
                    "version": 2, "sentence_count": 1},
        "posts": [{"key": "x:1", "platform": "x", "url": "javascript:alert(1)",
                   "author_handle": "a\"b", "author_name": "<b>Eve</b>", "created_at": None,
                   "text": "hello <b>world</b>", "truncated": True, "status": "<i>odd</i>",
                   "embedded": False, "found": {"embedded": False, "linked": True}}],
        "citations": [{"post_key": "x:1", "sentence_index": 0, "sentence": "Eve said hello.",
                       "kind": "paraphrase", "score": 0.5, "quote": "", "article_span": [0, 15],
                       "post_span": None, "diff": None, "beyond_truncation": False}],
        "links": [{"url": "https://t.co/x", "final_url": "data:text/html,<script>1</script>",
                   "hops": 1, "status": "resolved", "in_post": None}],
        "uncited_posts": [], "unmatched_quotes": [],
    }
    doc = lxml.html.fromstring(render_html(audit, "Eve said hello.", [(0, 0, 15)], {}))
    assert [h for h in doc.xpath("//a/@href") if not h.startswith("#")] == []
    assert doc.findtext("head/title") == "Citation audit: javascript:document.title='pwned'"
    post = doc.get_element_by_id("post-1")
    assert "<b>Eve</b> (@a\"b)" in _text(post) and "hello <b>world</b>" in _text(post)
    assert post.xpath('.//span[contains(@class, "status")]')[0].get("class") == "status status-unknown"
    assert "data:text/html,<script>1</script>" in _text(doc.get_element_by_id("links"))


def test_a_citation_checked_against_a_capture_says_which_text() -> None:
    """The page had no text for the post, so the sentence was checked against its oEmbed
    capture: the page names that text (a page's own text needs no note)."""
    citation = {"post_key": "x:1", "sentence_index": 0, "sentence": "Eve said hello.",
                "kind": "partial", "score": 0.8, "quote": "hello", "article_span": [9, 14],
                "post_span": [0, 5], "diff": None, "beyond_truncation": False,
                "checked_against": {"source": "oembed", "fetched_at": "2026-11-30T08:00:00+00:00",
                                    "post_version_id": 3}}
    audit = {
        "article": {"id": 7, "url": "https://news.example/a", "title": "A", "version": 1,
                    "sentence_count": 1},
        "posts": [{"key": "x:1", "platform": "x", "url": None, "author_handle": "eve",
                   "author_name": None, "created_at": None, "text": "hello there",
                   "truncated": False, "status": "live", "embedded": False,
                   "found": {"embedded": False, "linked": True}}],
        "citations": [citation], "links": [], "uncited_posts": [], "unmatched_quotes": [],
    }
    item = lxml.html.fromstring(render_html(audit, "Eve said hello.", [(0, 0, 15)], {})
                                ).get_element_by_id("c1")
    assert "checked against the oEmbed capture of 2026-11-30T08:00:00+00:00 (post version 3)" \
        in _text(item)
    citation["checked_against"] = {"source": "page", "fetched_at": "2026-11-30T08:00:00+00:00",
                                   "post_version_id": None}
    item = lxml.html.fromstring(render_html(audit, "Eve said hello.", [(0, 0, 15)], {})
                                ).get_element_by_id("c1")
    assert "checked against" not in _text(item)


def test_post_marks_fall_back_to_the_post_span_and_merge() -> None:
    text = "Alpha beta gamma. Delta epsilon."
    cites = [{"quote": "BETA gamma", "post_span": [6, 16]},  # case differs: still found
             {"quote": "changed words", "post_span": [18, 31]},  # not in the text: the span
             {"quote": "gamma", "post_span": [11, 16]}]  # inside the first: merged
    assert [(p.text, p.kind) for p in post_pieces(text, cites)] == [
        ("Alpha ", "plain"), ("beta gamma", "mark"), (". ", "plain"),
        ("Delta epsilon", "mark"), (".", "plain")]


def test_diff_pieces_read_the_stored_format() -> None:
    pieces = diff_pieces("close for [-three-] {+3+} weeks {+…+}")
    assert [(p.text, p.kind) for p in pieces] == [
        ("close for ", "plain"), ("three", "del"), (" ", "plain"), ("3", "ins"),
        (" weeks ", "plain"), ("…", "ins")]


# -- in a real browser -----------------------------------------------------------------------

def _chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    if os.environ.get("CI") == "true":
        pytest.fail("chromium is not installed; .ci/run installs it (apt-get install chromium)")
    pytest.skip("chromium is not installed (apt-get install chromium); CI runs this test")


def _chrome(tmp_path: Path, page: str, *args: str) -> str:
    """Load a page from a file in headless Chromium (flags that work as root in a sandbox)
    and return its stdout; scripts get 3 s of virtual time to run."""
    path = tmp_path / "page.html"
    path.write_text(page, encoding="utf-8")
    done = subprocess.run(
        [_chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
         "--no-first-run", f"--user-data-dir={tmp_path / 'profile'}", "--virtual-time-budget=3000",
         *args, path.as_uri()],
        capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def _without_csp(page: str) -> str:
    """The page minus its Content-Security-Policy: escaping alone must keep the content inert."""
    stripped = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>\n', "", page)
    assert stripped != page
    return stripped


def test_chromium_runs_no_script_from_the_content(
        hostile: tuple[str, dict[str, Any]], tmp_path: Path) -> None:
    page, audit = hostile
    dom = lxml.html.fromstring(_chrome(tmp_path, _without_csp(page), "--dump-dom"))
    assert dom.findtext("head/title") == TITLE  # each payload sets document.title = 'pwned'
    assert dom.xpath("//script | //img | //svg") == []
    # the citations are in the rendered DOM
    for n, c in enumerate(audit["citations"], 1):
        assert dom.get_element_by_id(f"c{n}").xpath('string(span[@class="kind"])') == c["kind"]
    assert VERBATIM in [_visible(m) for m in dom.get_element_by_id("article").iter("mark")]


def test_the_same_check_sees_a_payload_that_does_run(
        hostile: tuple[str, dict[str, Any]], tmp_path: Path) -> None:
    """Control: the payload, unescaped into the same page, runs in the same browser."""
    page, _ = hostile
    injected = _without_csp(page).replace("</footer>", "<img src=x onerror=document.title='pwned'></footer>")
    dom = lxml.html.fromstring(_chrome(tmp_path, injected, "--dump-dom"))
    assert dom.findtext("head/title") == "pwned"


def test_chromium_screenshot_of_the_page(hostile: tuple[str, dict[str, Any]], tmp_path: Path) -> None:
    page, _ = hostile
    shot = tmp_path / "audit.png"
    _chrome(tmp_path, page, "--hide-scrollbars", "--window-size=1280,1000", f"--screenshot={shot}")
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert (int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")) == (1280, 1000)


def test_hostile_post_in_the_other_formats(loopback_config: Path,
                                           hostile: tuple[str, dict[str, Any]]) -> None:
    """The same article as Markdown and as annotations: inert text, exact selectors."""
    from markdown_it import MarkdownIt

    from postlink.store import Store

    md = run(loopback_config, "audit", "1", "--format", "md")
    rendered = MarkdownIt("commonmark", {"html": True}).enable(["table"]).render(md)
    assert not re.search(r"<(script|img|svg)\b", rendered)
    assert "&lt;script&gt;document.title='pwned'&lt;/script&gt;" in rendered.replace("&#39;", "'")
    annotations = json.loads(run(loopback_config, "audit", "1", "--format", "annotations"))
    store = Store(loopback_config.parent / "archive.db")
    body = store.query("SELECT text FROM article_versions")[0]["text"]
    store.close()
    exact = []
    for item in annotations["first"]["items"]:
        quote, position = item["target"]["selector"]
        assert body[position["start"]:position["end"]] == quote["exact"]
        exact.append(quote["exact"])
    assert VERBATIM in exact


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _contrast(a: str, b: str) -> float:
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_text_colours_meet_wcag_aa_contrast(hostile: tuple[str, dict[str, Any]]) -> None:
    """Every text colour of the page's CSS on every background it is drawn on: 4.5:1 or more."""
    css = "".join(lxml.html.fromstring(hostile[0]).xpath("//style/text()"))
    var = dict(re.findall(r"--([\w-]+):\s*(#[0-9a-f]{6})", css))
    backgrounds = [var[v] for v in ("paper", "cited", "verbatim", "partial", "altered", "unmatched")]
    for ink in (var["ink"], var["muted"], var["link"]):
        for ground in backgrounds:
            assert _contrast(ink, ground) >= 4.5, (ink, ground)
    pairs = re.findall(r"\{ color: (#[0-9a-f]{6}); background: (#[0-9a-f]{6});", css)
    assert len(pairs) >= 6  # statuses and the diff's del/ins
    for ink, ground in pairs:
        assert _contrast(ink, ground) >= 4.5, (ink, ground)


def test_html_of_an_earlier_version(loopback_config: Path, hostile: tuple[str, dict[str, Any]],
                                    tmp_path: Path) -> None:
    """`--version 1` renders the first version's text, sentences and citations."""
    changed = tmp_path / "changed.txt"
    changed.write_text(HOSTILE.read_text(encoding="utf-8").replace(
        'She added that the council "would never ask for bank details by message."', ""),
        encoding="utf-8")
    run(loopback_config, "add", "--offline", str(changed), "--url", HOSTILE_URL)
    latest = lxml.html.fromstring(run(loopback_config, "audit", "1", "--format", "html"))
    first = lxml.html.fromstring(run(loopback_config, "audit", "1", "--version", "1",
                                     "--format", "html"))
    assert lxml.html.tostring(first) == lxml.html.tostring(lxml.html.fromstring(hostile[0]))
    assert "version 2," in _text(latest.xpath('//p[@class="meta"]')[0])
    assert [m.get("class") for m in latest.get_element_by_id("article").iter("mark")] == [
        "verbatim", "unmatched"]
    assert "bank details" not in _text(latest.get_element_by_id("article"))

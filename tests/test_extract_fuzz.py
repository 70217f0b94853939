"""Robustness: mutated pages through extract_html raise nothing but InputError.

Seeds are the synthetic fixtures in tests/data/embeds/ plus, when present, the smaller pages of
the real-page corpus (read in place from ../shared, never copied). Examples are few and
deadlines off so the file runs in seconds.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from postlink.errors import InputError
from postlink.extract.document import extract_html

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "real" / "dev"
SEEDS = sorted((Path(__file__).parent / "data" / "embeds").glob("*.html"))
if CORPUS.is_dir():  # small pages only, to keep each example fast
    SEEDS += [p for p in sorted(CORPUS.glob("*.html")) if p.stat().st_size < 120_000]
PAGES = [p.read_bytes() for p in SEEDS]
FAST = settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def run(data: bytes | str, charset: str | None = None) -> None:
    try:
        doc = extract_html(data, url="https://news.example/a", charset=charset)
    except InputError as exc:
        assert str(exc).strip(), "InputError needs a message"
        return
    for s in doc.sentences:  # offsets still slice back
        assert doc.text[s.start:s.end] == s.text


pages = st.sampled_from(PAGES)


@FAST
@given(pages, st.floats(min_value=0, max_value=1))
def test_cut_at_random_point(page: bytes, where: float) -> None:
    run(page[: int(len(page) * where)])


@FAST
@given(pages, st.lists(st.tuples(st.floats(0, 1), st.binary(min_size=1, max_size=8)), max_size=20))
def test_random_bytes_spliced_in(page: bytes, edits: list[tuple[float, bytes]]) -> None:
    data = bytearray(page)
    for where, junk in edits:
        i = int(len(data) * where)
        data[i:i + len(junk)] = junk
    run(bytes(data))


@FAST
@given(st.integers(min_value=1, max_value=5000), st.sampled_from(["div", "blockquote", "p", "span", "table", "aside", "nav"]))
def test_deeply_nested_tags(depth: int, tag: str) -> None:
    inner = ('<blockquote class="twitter-tweet"><p>deep</p>&mdash; A (@a_ex) '
             '<a href="https://twitter.com/a_ex/status/1740000000000000031">Dec 1, 2023</a></blockquote>')
    run(f"<html><body>{f'<{tag}>' * depth}<p>Some text here.</p>{inner}{f'</{tag}>' * depth}</body></html>")


@FAST
@given(st.integers(min_value=1, max_value=2_000_000), st.sampled_from(["class", "href", "data-src", "data-attrs", "data-bluesky-uri"]))
def test_huge_attributes(size: int, attr: str) -> None:
    value = "twitter-tweet " * (size // 14) if attr == "class" else "https://twitter.com/a/status/" + "9" * size
    run(f'<html><body><p>Body text of the page.</p><blockquote {attr}="{value}"><a href="{value}">x</a>'
        f'</blockquote><iframe {attr}="{value}"></iframe></body></html>')


@FAST
@given(pages, st.sampled_from(["utf-8", "latin-1", "utf-16", "shift_jis", "koi8-r", "ascii", "no-such-charset", "utf-32"]),
       st.sampled_from(["utf-8", "cp1252", "utf-16-le", "euc-jp"]))
def test_wrong_declared_charset(page: bytes, declared: str, actual: str) -> None:
    text = page.decode("utf-8", errors="replace")
    run(text.encode(actual, errors="replace"), charset=declared)


@pytest.mark.parametrize("data", [b"", b"   ", b"\x00\x01\x02\x03" * 100, b"\x89PNG\r\n\x1a\n" + bytes(range(256)),
                                  "<html></html>", "<!-- only a comment -->", "<html><body></body></html>",
                                  "\ufeff<p>x</p>", "<p>" + "\U0001F600" * 1000 + "</p>", "<p>\x0b\x0c bad controls</p>"])
def test_degenerate_inputs(data: bytes | str) -> None:
    run(data)


# -- issue 12: shapes that escaped as tracebacks, and sizes ------------------------------------

PROSE = "<p>The harbour board voted on Monday to extend the ferry timetable into the evening hours.</p>"
TWEET = ('<blockquote class="twitter-tweet"><p>Later boats.</p>&mdash; A (@a_ex) '
         '<a href="https://twitter.com/a_ex/status/1740000000000000031">Dec 1, 2023</a></blockquote>')
CONTROLS = st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=31), min_size=1, max_size=6)


@FAST
@given(CONTROLS, st.sampled_from(["after-embed", "after-inline", "in-link", "in-embed-text"]))
def test_control_characters_in_text_and_tails(junk: str, where: str) -> None:
    body = {
        "after-embed": f"{TWEET}{junk} tail after the embed",
        "after-inline": f"<p>one <b>bold</b>{junk} tail and <i>more</i>{junk}</p>",
        "in-link": f'<p>As <a href="https://x.com/a_ex/status/1740000000000000032">she{junk}</a>{junk} posted.</p>',
        "in-embed-text": TWEET.replace("Later boats.", f"Later{junk} boats."),
    }[where]
    run(f"<html><body><article>{PROSE}{body}{PROSE}</article></body></html>")


@pytest.mark.parametrize("markup", [
    '<amp-twitter data-tweetid="{id}"></amp-twitter>',
    '<div data-tweet-id="{id}"></div>',
    '<iframe src="https://platform.twitter.com/embed/Tweet.html?id={id}"></iframe>',
    '<blockquote class="twitter-tweet"><p>x</p><a href="https://twitter.com/a_ex/status/{id}">d</a></blockquote>',
    '<p><a href="https://x.com/a_ex/status/{id}">link</a> in a sentence of the article.</p>',
    '<p>PLEMBED{id}X</p>',
])
@pytest.mark.parametrize("post_id", ["9" * 1_000_000, "²³", "\u0663\u0664"])
def test_endless_and_unicode_digit_ids_are_no_posts(markup: str, post_id: str) -> None:
    doc = extract_html(f"<html><body><article>{PROSE}{markup.format(id=post_id)}{PROSE}</article></body></html>")
    assert all(len(e.key) < 40 for e in doc.embeds) and all(len(p.key) < 40 for p in doc.post_links)


def test_three_megabyte_single_line_page() -> None:
    unit = PROSE + TWEET.replace("1740000000000000031", "1740000000000000033") + \
        '<p>As <a href="https://x.com/a_ex/status/1740000000000000034">posted</a>, the vote passed.</p>'
    page = "<html><body><article>" + unit * (3_000_000 // len(unit)) + "</article></body></html>"
    assert "\n" not in page and len(page) > 2_900_000
    doc = extract_html(page)
    assert {e.key for e in doc.embeds} == {"x:1740000000000000033"}
    assert [p.key for p in doc.post_links] == ["x:1740000000000000034"]


@pytest.mark.parametrize("tag", ["div", "span", "li", "td", "blockquote"])
def test_hundred_thousand_deep_nesting(tag: str) -> None:
    run(f"<html><body>{f'<{tag}>' * 100_000}{PROSE}{TWEET}{f'</{tag}>' * 100_000}</body></html>")

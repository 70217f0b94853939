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
@given(st.integers(min_value=1, max_value=5000), st.sampled_from(["div", "blockquote", "p", "span", "table"]))
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

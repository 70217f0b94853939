"""The shortcuts extract_html takes around trafilatura (document.py) change nothing it returns.

Each is undone in turn and the Documents compared, on the test pages and, when it is beside the
repository, the real-page corpus.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable

import lxml.etree
import lxml.html
import pytest
from hypothesis import given
from hypothesis import strategies as st
from trafilatura.settings import MANUALLY_CLEANED

from postlink.extract import document, region
from postlink.extract.decode import decode_bytes
from postlink.extract.document import extract_html
from tests.conftest import CORPUS, DATA

PAGES = sorted(DATA.rglob("*.html")) + sorted(CORPUS.glob("*.html"))
_PROSE = ("The harbour board voted on Monday to extend the ferry timetable into the evening,"
          " after a petition signed by more than two thousand island residents.")
# Pages where trafilatura's cleaning reads inside chrome (document._hollow leaves them whole).
CHROME_READ = {
    # an aside inside an aside: trafilatura's walk over asides stops inside the first one and
    # keeps the later ones, so the pull quote is body text
    "nested asides": f"""<html><body><aside><aside><p>Follow us</p></aside></aside><article>
<p>{_PROSE}</p><p>Second paragraph. {_PROSE}</p><aside class="pullquote"><p>A pull quote in
an aside, long enough to be a paragraph of the article's body.</p></aside>
<p>Third paragraph. {_PROSE}</p></article></body></html>""",
    # its infinite-scroll pruning spares a container that holds an <h1>, here in a nav
    "h1 in a nav": f"""<html><body><div class="infinite-scroll"><nav><h1>Ferry timetable</h1>
</nav><div class="story"><p>{_PROSE}</p><p>Second paragraph. {_PROSE}</p></div></div>
<div class="more"><p>Other story: a paragraph of another article further down.</p></div>
</body></html>""",
    # no <p> outside what it deletes: it undoes its cleaning and finds the article in the aside
    "paragraphs only in an aside": f"""<html><body><div>Menu</div><aside><p>{_PROSE}</p>
<p>Second paragraph. {_PROSE}</p></aside></body></html>""",
}


def _plain_parser(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(document, "_PARSER", lxml.html.HTMLParser())


def _nothing_hollowed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(document, "_chrome_hollowed", lambda tree: contextlib.nullcontext())


@pytest.mark.parametrize("undo", [_plain_parser, _nothing_hollowed], ids=lambda f: f.__name__)
def test_a_shortcut_undone_gives_the_same_documents(
        monkeypatch: pytest.MonkeyPatch, undo: Callable[[pytest.MonkeyPatch], None]) -> None:
    assert len(PAGES) > 10
    pages = {**{str(p): decode_bytes(p.read_bytes(), what=p.name) for p in PAGES}, **CHROME_READ}
    fast = {name: extract_html(page) for name, page in pages.items()}
    undo(monkeypatch)
    for name, page in pages.items():
        assert extract_html(page) == fast[name], name


def test_the_hollowed_chrome_is_what_trafilatura_deletes_whole() -> None:
    assert set(document._CHROME) <= set(MANUALLY_CLEANED)


def _page(body: str) -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring(f"<html><body>{body}</body></html>", parser=document._PARSER)


def test_chrome_is_emptied_for_the_block_and_put_back() -> None:
    tree = _page('<p>Prose.</p><nav class="menu" id="top"><a href="/">Home</a><aside>in</aside></nav>'
                 'after nav<aside><h1>Headline</h1></aside><div><footer><p>Credits</p></footer>tail</div>')
    before = lxml.etree.tostring(tree)
    nav, aside, footer = tree.find(".//nav"), tree.find("body/aside"), tree.find(".//footer")
    with pytest.raises(RuntimeError), document._chrome_hollowed(tree):
        stand_in = tree.find(".//nav")
        assert stand_in is not nav and len(stand_in) == 0 and not stand_in.text
        assert dict(stand_in.attrib) == {"class": "menu", "id": "top"} and stand_in.tail == "after nav"
        assert tree.find("body/aside") is aside  # holds an <h1>: left whole
        assert len(tree.find(".//footer")) == 0 and tree.find(".//footer").tail == "tail"
        raise RuntimeError  # put back all the same
    assert lxml.etree.tostring(tree) == before
    assert (tree.find(".//nav"), tree.find(".//footer")) == (nav, footer)


def test_nothing_is_hollowed_when_every_paragraph_is_in_what_trafilatura_deletes() -> None:
    tree = _page("<div>Loose text.</div><aside><p>The only paragraph.</p></aside><nav>Menu</nav>")
    with document._chrome_hollowed(tree):
        assert tree.find(".//aside/p") is not None and tree.find(".//nav").text == "Menu"


def _regex_key(text: str) -> str:
    """paragraph_key without its ASCII shortcut."""
    head = region._NON_WORD.sub("", text[:region._HEAD_CHARS].lower())
    if len(head) >= region._KEY_CHARS or len(text) <= region._HEAD_CHARS:
        return head[:region._KEY_CHARS]
    return region._NON_WORD.sub("", text.lower())[:region._KEY_CHARS]


# Words, spaces and punctuation, ASCII or not, and the characters whose lowercase is longer
# (İ) or depends on the next one (Σ), at any length around the ASCII head and the 240 read.
_KEY_TEXT = st.text(st.sampled_from("aZ9_ -.,'\n\t’é€İΣσ日"), max_size=300) | st.builds(
    lambda a, b: a + b, st.text(st.sampled_from("Aab1Z_9 -"), min_size=60, max_size=120),
    st.text(st.sampled_from("aΣİ. é"), max_size=200))


@given(_KEY_TEXT)
def test_the_ascii_shortcut_gives_the_regex_key(text: str) -> None:
    assert region.paragraph_key(text) == _regex_key(text)

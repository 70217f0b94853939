"""Link cards inside paragraphs (extract/cards.py): hover cards are not prose."""

from __future__ import annotations

import lxml.html

from postlink.extract.cards import drop_link_cards
from postlink.extract.document import _PARSER, extract_html

# A person's name is a link; a hover card with their photo and three other stories follows
# inside the same sentence, as some news sites print it.
HOVER = (
    '<a href="/people/mara-lind">Mara Lind</a>'
    '<span><span><img src="/lind.jpg" alt="">'
    '<a href="/news/1">Ferry fares rise again for night workers</a> '
    '<a href="/news/2">Harbour council delays its budget vote</a> '
    '<a href="/news/3">Lind asks for a review of the ferry plan</a> '
    '<a href="/people/mara-lind">MORE</a></span></span>'
)
PAGE = """<!doctype html><html lang="en"><head><title>Night ferry stays</title></head><body>
<main><article><h1>Night ferry stays</h1>
<p>The harbour council kept the night ferry on Monday after Councillor {hover} (Harbour Ward) argued for it.</p>
<p>Ferry workers had collected four thousand signatures over the summer.</p>
<p>The operator said timetables would not change before spring.</p>
</article></main></body></html>"""


def _tree(html: str) -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring(html, parser=_PARSER)


def _paragraph_text(html: str) -> str:
    tree = _tree(f"<html><body>{html}</body></html>")
    drop_link_cards(tree)
    return " ".join("".join(tree.find(".//p").itertext()).split())


def test_a_hover_card_inside_a_sentence_is_dropped_and_the_sentence_kept() -> None:
    text = _paragraph_text(f"<p>It was Councillor {HOVER} (Harbour Ward) who spoke first.</p>")
    assert text == "It was Councillor Mara Lind (Harbour Ward) who spoke first."


def test_links_without_an_image_are_prose() -> None:
    html = ('<p>Read <a href="/a">the budget</a>, <a href="/b">the ferry plan</a> and '
            '<span><a href="/c">the council minutes</a> <a href="/d">of May</a></span>.</p>')
    assert _paragraph_text(html) == "Read the budget, the ferry plan and the council minutes of May."


def test_an_inline_photo_among_prose_links_is_prose() -> None:
    html = ('<p><span><img src="/pier.jpg" alt=""> The pier, which <a href="/a">the council</a> '
            'repaired in <a href="/b">2019</a> with <a href="/c">a state grant</a>, is closed again '
            'for repairs to the deck and the railings along the whole eastern side.</span></p>')
    assert "closed again for repairs" in _paragraph_text(html)


def test_the_article_text_has_no_card_headlines() -> None:
    doc = extract_html(PAGE.format(hover=HOVER))
    assert doc.sentences[1].text == ("The harbour council kept the night ferry on Monday after "
                                     "Councillor Mara Lind (Harbour Ward) argued for it.")
    assert "budget vote" not in doc.text


def test_deep_nesting_is_read_in_one_pass() -> None:
    depth = 200  # about what the HTML parser keeps of a deeper tree
    card = "<span>" * depth + HOVER + "</span>" * depth
    assert _paragraph_text(f"<p>Councillor {card} spoke.</p>") == "Councillor Mara Lind spoke."

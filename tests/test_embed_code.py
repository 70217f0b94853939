"""A platform's embed code written as text: pasted raw into plain text or Markdown, or escaped
into a page's text. Own-words fixtures."""

from __future__ import annotations

import html

import pytest

from postlink.extract.document import extract_html, extract_text
from postlink.extract.model import Document

TWEET = ('<blockquote class="twitter-tweet"><p lang="en" dir="ltr">No sailings today. We are sorry '
         'for the trouble.</p>&mdash; Harbour Ferry (@HarbourFerryHB) <a href="https://twitter.com/'
         'HarbourFerryHB/status/1790000000000000001?ref_src=twsrc%5Etfw">May 4, 2024</a></blockquote>')
LOADER = '<script async src="https://platform.twitter.com/widgets.js" charset="utf-8"></script>'
REEL = ('<blockquote class="instagram-media" data-instgrm-permalink="https://www.instagram.com/p/C1abcDEFgh2/'
        '?utm_source=ig_embed" data-instgrm-version="14"><div><a href="https://www.instagram.com/p/'
        'C1abcDEFgh2/">View this post on Instagram</a><p><a href="https://www.instagram.com/p/C1abcDEFgh2/">'
        'A post shared by Harbour Ferry (@harbourferry)</a></p></div></blockquote>')
VIDEO = '<iframe width="560" height="315" src="https://www.youtube.com/embed/aBcDeFgHiJk" allowfullscreen></iframe>'


def _text(*paragraphs: str, markdown: bool = False) -> Document:
    return extract_text("\n\n".join(paragraphs), markdown=markdown)


@pytest.mark.parametrize("markdown", [False, True])
def test_embed_code_pasted_into_text_is_the_embed_and_not_prose(markdown: bool) -> None:
    doc = _text("The harbour ferry stopped on Monday after the crews walked out.", f"{TWEET} {LOADER}",
                LOADER, "Passengers took the bus instead.", markdown=markdown)
    [post] = doc.embeds
    assert (post.key, post.author_handle, post.author_name) == (
        "x:1790000000000000001", "HarbourFerryHB", "Harbour Ferry")
    assert post.text == "No sailings today. We are sorry for the trouble."
    assert post.date_text == "May 4, 2024"
    # the post sits between the two paragraphs, and none of its code or words is a sentence
    assert [s.text for s in doc.sentences] == [
        "The harbour ferry stopped on Monday after the crews walked out.", "Passengers took the bus instead."]
    assert doc.sentences[0].end <= post.position <= doc.sentences[1].start


def test_every_platform_s_code_is_read_and_a_lead_in_on_its_line_stays_prose() -> None:
    doc = _text("Crews walked out at dawn.", f"The company's clip: {VIDEO}", REEL, "Buses ran all day.")
    assert [e.key for e in doc.embeds] == ["youtube:aBcDeFgHiJk", "instagram:C1abcDEFgh2"]
    assert doc.embeds[1].author_handle == "harbourferry"
    assert [s.text for s in doc.sentences] == ["Crews walked out at dawn.", "The company's clip:", "Buses ran all day."]


@pytest.mark.parametrize("paragraph", [
    "A <div> is not an embed, nor is <b>bold</b> text.",
    '<blockquote class="pull-quote">We will sail again, the captain said.</blockquote>',
])
def test_markup_that_holds_no_embed_stays_text(paragraph: str) -> None:
    doc = _text("Crews walked out at dawn.", paragraph)
    assert doc.embeds == ()
    assert len(doc.sentences) >= 2


def _page(body: str) -> bytes:
    return (f"<html><head><title>Ferries stop</title></head><body><article><h1>Ferries stop again</h1>"
            f"<p>The harbour ferry stopped running on Monday after the crews walked out at dawn.</p>{body}"
            f"<p>Passengers were told to take the bus, which added an hour to most journeys.</p>"
            f"</article></body></html>").encode()


def test_embed_code_escaped_into_a_page_s_text_is_the_embed() -> None:
    doc = extract_html(_page(f"<p>{html.escape(TWEET + ' ' + LOADER, quote=False)}</p>"), name="escaped.html")
    [post] = doc.embeds
    assert (post.key, post.author_handle) == ("x:1790000000000000001", "HarbourFerryHB")
    assert post.text == "No sailings today. We are sorry for the trouble."
    assert not any("blockquote" in s.text or "sorry for the trouble" in s.text for s in doc.sentences)


def test_embed_code_shown_as_code_is_an_example_not_an_embed() -> None:
    doc = extract_html(_page(f"<p>Paste this into your page:</p><pre><code>{html.escape(TWEET, quote=False)}"
                             "</code></pre>"), name="howto.html")
    assert doc.embeds == ()

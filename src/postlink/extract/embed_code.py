"""A platform's embed code written as text, read as the markup it is.

Two ways it happens:

- **pasted raw into plain text or Markdown**: a blog post in Markdown embeds a post by
  pasting the platform's code (``<blockquote class="twitter-tweet">…</blockquote>``, an
  ``<iframe>``) between its paragraphs, and a feed's text keeps it so. Read as prose, its
  tags and the post's words became sentences of the article;
- **escaped into an HTML page's text**: a CMS or a feed escaped the code once too often, so
  the page shows ``&lt;blockquote class="twitter-tweet"&gt;…`` as text.

Either way the code is parsed as HTML and given to the same embed finders a page's markup
goes through; code in which they find no embed stays text, as before.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import lxml.etree
import lxml.html
from lxml.html import HtmlElement

from postlink.extract.embeds import find_embeds
from postlink.extract.embeds.markup import MAX_EMBED_MARKUP, markup_elements
from postlink.extract.model import Embed

# The opening tag of an embed's code: every platform's code starts with one of these (the
# finders decide whether it is one).
_CODE = re.compile(r"<(?:blockquote|iframe|amp-[a-z]+|oembed|embetty-[a-z]+|div|figure)\b[^<>]*>", re.I)
# A paragraph that is only tags, with a script among them: the platform's loader, pasted under
# its code (``<script async src=".../widgets.js">``).
_ONLY_TAGS = re.compile(r"(?:\s*<[^<>]*>)+\s*")
# Elements of a page whose text may hold escaped code. Not <pre> or <code>: code shown as
# code is an example of embed code (a how-to), not an embed.
_TEXT_HOLDERS = ("p", "div", "td", "li", "section", "article")


@dataclass(frozen=True)
class PastedCode:
    """What a paragraph of pasted embed code holds: its embeds, and its words that are not
    theirs (a lead-in written on the same line), which stay prose."""

    embeds: tuple[Embed, ...]
    prose: str


def read_pasted_code(paragraph: str) -> PastedCode | None:
    """The embeds of a paragraph that holds a platform's embed code, if any. A paragraph that
    is only a platform's loader script holds none and no prose (``PastedCode((), "")``)."""
    if "<" not in paragraph or len(paragraph) > MAX_EMBED_MARKUP:
        return None
    if "<script" in paragraph.lower() and _ONLY_TAGS.fullmatch(paragraph):
        return PastedCode((), "")
    start = _CODE.search(paragraph)
    if start is None:
        return None
    try:
        root = lxml.html.fragment_fromstring(paragraph[start.start():], create_parent="div")
    except (lxml.etree.ParserError, ValueError):
        return None
    found = find_embeds(root)
    if not found:
        return None
    for f in found:
        f.element.drop_tree()  # keeps the element's tail: words after the code are prose
    lxml.etree.strip_elements(root, "script", "style", with_tail=False)
    prose = " ".join((paragraph[:start.start()] + " " + root.text_content()).split())
    return PastedCode(tuple(f.embed for f in found), prose)


def unescape_code(tree: HtmlElement, source: str) -> None:
    """Put the markup in place of each element of ``tree`` whose text is escaped embed code
    (``source``, the page's text, tells cheaply whether there is any)."""
    if "&lt;blockquote" not in source and "&lt;iframe" not in source:
        return
    for el in list(tree.iter(*_TEXT_HOLDERS)):
        if any(child.tag != "br" for child in el):
            continue  # the code is all the element's text: markup around it is the page's
        text = (el.text or "") + "".join("\n" + (br.tail or "") for br in el)
        start = _CODE.search(text) if "<" in text and len(text) <= MAX_EMBED_MARKUP else None
        if start is None:
            continue
        elements = markup_elements(text[start.start():])
        if elements:
            for br in list(el):
                el.remove(br)
            el.text = text[:start.start()] or None
            el.extend(elements)

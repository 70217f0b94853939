"""Publisher-rendered cards that stand for a post of any platform.

BBC News replaces social embeds by a screenshot (``div.social-embed-post``) with the permalink in
``a.embed-original-post-link`` and the post text in the image's ``data-alt``/``alt``:
"Twitter post by @handle: text". The platform comes from the permalink.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from lxml.html import HtmlElement

from postlink.extract.embeds.markup import Page, Wants, embed_of, has_class, one_line, with_class
from postlink.extract.model import Embed
from postlink.platforms import parse_post_url

CARD_CLASS = "social-embed-post"
PERMALINKS = f".//a[{has_class('embed-original-post-link')}][@href]"
ALT_TEXT = re.compile(r"^\w+ post by @?(?P<handle>[^\s:]+):\s*(?P<text>.*)$", re.S)
# The elements this finder reads, collected for all finders in one pass (markup.Page).
WANTS = Wants(div_classes=(CARD_CLASS,))


def find(page: Page) -> Iterator[tuple[HtmlElement, Embed]]:
    for card in with_class(page.divs, CARD_CLASS):
        ref = None
        for a in card.xpath(PERMALINKS):
            ref = parse_post_url(a.get("href", ""))
            if ref is not None:
                break
        if ref is None:
            continue
        handle, text = ref.handle, ""
        for el in card.xpath(".//*[@data-alt or @alt]"):
            m = ALT_TEXT.match(one_line(el.get("data-alt") or el.get("alt")))
            if m:
                handle, text = handle or m.group("handle"), m.group("text").strip()
                break
        yield card, embed_of(ref, "rendered", author_handle=handle, text=text)

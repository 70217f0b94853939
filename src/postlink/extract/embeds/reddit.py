"""Reddit embeds: ``blockquote.reddit-embed-bq`` (current), ``blockquote.reddit-card`` (legacy),
``amp-reddit[data-src]``, and iframes to ``embed.reddit.com`` / ``redditmedia.com``.

The blockquote reads "<a href=PERMALINK>Title</a> by <a>u/NAME</a> in <a>r/SUB</a>"; a comment
embed adds "from discussion <a href=POST>…</a>". The first post link is the embedded one.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from lxml.html import HtmlElement

from postlink.extract.embeds.markup import (
    Page,
    Wants,
    embed_of,
    find_iframes,
    one_line,
    ref_from_attrs,
    ref_from_links,
    with_class,
)
from postlink.extract.model import Embed

PLATFORM = "reddit"
BLOCKQUOTE_CLASSES = ("reddit-embed-bq", "reddit-card")
AMP_TAG = "amp-reddit"
# The elements this finder reads, collected for all finders in one pass (markup.Page).
WANTS = Wants(tags=("blockquote", "iframe", AMP_TAG))
USER = re.compile(r"\bu/(?P<user>[A-Za-z0-9_-]{3,20})\b")


def find(page: Page) -> Iterator[tuple[HtmlElement, Embed]]:
    for bq in with_class(page.tagged("blockquote"), *BLOCKQUOTE_CLASSES):
        ref = ref_from_links(bq, PLATFORM, last=False)
        if ref is None:
            continue
        links = bq.xpath(".//a[@href]")
        title = one_line(links[0].text_content()) if links else ""
        m = USER.search(one_line(bq.text_content()))
        yield bq, embed_of(ref, "blockquote", author_handle=m.group("user") if m else None,
                           text=title)
    for amp in page.tagged(AMP_TAG):
        ref = ref_from_attrs(amp, ("data-src",), PLATFORM)
        if ref is not None:
            yield amp, embed_of(ref, "amp")
    yield from find_iframes(page, PLATFORM)

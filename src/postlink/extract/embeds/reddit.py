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
USER_PATH = re.compile(r"/(?:user|u)/(?P<user>[A-Za-z0-9_-]{3,20})/?$")


def _user(links: list[HtmlElement]) -> str | None:
    """The author: the link to their profile ("u/NAME", or its /user/NAME address; the embed
    code glues "by" to the link, so the page's text has no word boundary before "u/")."""
    for a in links:
        m = USER.search(one_line(a.text_content())) or USER_PATH.search(a.get("href") or "")
        if m:
            return m.group("user")
    return None


def find(page: Page) -> Iterator[tuple[HtmlElement, Embed]]:
    for bq in with_class(page.tagged("blockquote"), *BLOCKQUOTE_CLASSES):
        ref = ref_from_links(bq, PLATFORM, last=False)
        if ref is None:
            continue
        links = bq.xpath(".//a[@href]")
        # a comment embed's first link reads "Comment": the comment's words are not in it
        title = one_line(links[0].text_content()) if links and "/comment/" not in links[0].get("href", "") else ""
        yield bq, embed_of(ref, "blockquote", author_handle=_user(links), text=title)
    for amp in page.tagged(AMP_TAG):
        ref = ref_from_attrs(amp, ("data-src",), PLATFORM)
        if ref is not None:
            yield amp, embed_of(ref, "amp")
    yield from find_iframes(page, PLATFORM)

"""Mastodon (and compatible servers) embeds.

New form: ``blockquote.mastodon-embed[data-embed-url=https://HOST/@user/ID/embed]`` holding a
link with "Post by @user@HOST" and "View on Mastodon"; old form: ``iframe.mastodon-embed`` with
``src=https://HOST/@user/ID/embed``. No post text is in the markup before the script runs.

Any host is accepted here (``fediverse=True``) because the markup itself says Mastodon: the
``mastodon-embed`` class, or an iframe whose address ends in ``/@user/ID/embed``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from lxml.html import HtmlElement

from postlink.extract.embeds.markup import (
    Page,
    Wants,
    classes,
    embed_of,
    iframe_markup,
    one_line,
    ref_from_attrs,
    ref_from_links,
    with_class,
)
from postlink.extract.model import Embed

PLATFORM = "mastodon"
# The elements this finder reads, collected for all finders in one pass (markup.Page).
WANTS = Wants(tags=("blockquote", "iframe"))
BLOCKQUOTE_CLASS = "mastodon-embed"
BLOCKQUOTE_URL_ATTRS = ("data-embed-url", "cite")
# An iframe address shaped like a Mastodon embed page, whatever the host.
EMBED_SRC = re.compile(r"^(?:https?:)?//[^/]+/@[A-Za-z0-9_.-]+(?:@[A-Za-z0-9.-]+)?/\d+/embed/?(?:[?#]|$)")
POST_BY = re.compile(r"@(?P<handle>[A-Za-z0-9_.-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,})")


def find(page: Page) -> Iterator[tuple[HtmlElement, Embed]]:
    for bq in with_class(page.tagged("blockquote"), BLOCKQUOTE_CLASS):
        ref = (ref_from_attrs(bq, BLOCKQUOTE_URL_ATTRS, PLATFORM, fediverse=True)
               or ref_from_links(bq, PLATFORM, fediverse=True))
        if ref is None:
            continue
        m = POST_BY.search(one_line(" ".join(bq.itertext())))  # divs run together otherwise
        yield bq, embed_of(ref, "blockquote", author_handle=m.group("handle") if m else ref.handle)
    for iframe, urls in page.iframe_urls():
        marked = BLOCKQUOTE_CLASS in classes(iframe)
        for src in urls:
            if marked or EMBED_SRC.match(src):
                ref = page.ref(src, PLATFORM, fediverse=True)
                if ref is not None:
                    yield iframe, embed_of(ref, iframe_markup(iframe))
                    break

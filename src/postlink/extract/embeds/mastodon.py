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
    IFRAME_URL_ATTRS,
    embed_of,
    has_class,
    one_line,
    ref_from_attrs,
    ref_from_links,
    ref_of,
)
from postlink.extract.model import Embed

PLATFORM = "mastodon"
# Text that must occur in the page source for this finder to find anything.
MARKERS = ("mastodon-embed", "/embed")
BLOCKQUOTES = f"//blockquote[{has_class('mastodon-embed')}]"
BLOCKQUOTE_URL_ATTRS = ("data-embed-url", "cite")
IFRAMES = "//iframe"
# An iframe address shaped like a Mastodon embed page, whatever the host.
EMBED_SRC = re.compile(r"^(?:https?:)?//[^/]+/@[A-Za-z0-9_.-]+(?:@[A-Za-z0-9.-]+)?/\d+/embed/?(?:[?#]|$)")
POST_BY = re.compile(r"@(?P<handle>[A-Za-z0-9_.-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,})")


def find(tree: HtmlElement) -> Iterator[tuple[HtmlElement, Embed]]:
    for bq in tree.xpath(BLOCKQUOTES):
        ref = (ref_from_attrs(bq, BLOCKQUOTE_URL_ATTRS, PLATFORM, fediverse=True)
               or ref_from_links(bq, PLATFORM, fediverse=True))
        if ref is None:
            continue
        m = POST_BY.search(one_line(" ".join(bq.itertext())))  # divs run together otherwise
        yield bq, embed_of(ref, "blockquote", author_handle=m.group("handle") if m else ref.handle)
    for iframe in tree.xpath(IFRAMES):
        marked = "mastodon-embed" in (iframe.get("class") or "").split()
        for name in IFRAME_URL_ATTRS:
            src = iframe.get(name) or ""
            if marked or EMBED_SRC.match(src):
                ref = ref_of(src, PLATFORM, fediverse=True)
                if ref is not None:
                    yield iframe, embed_of(ref, "iframe")
                    break

"""Bluesky embeds: ``blockquote.bluesky-embed[data-bluesky-uri]`` and the embed.bsky.app iframe.

The blockquote holds the post text in a <p>, then "— Name (<a>@handle</a>)" and a date link
to ``bsky.app/profile/DID/post/RKEY``. The AT-URI in ``data-bluesky-uri`` is the stable key.
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
    paragraphs_text,
    ref_from_attrs,
    ref_from_links,
    with_class,
)
from postlink.extract.model import Embed

PLATFORM = "bluesky"
# The elements this finder reads, collected for all finders in one pass (markup.Page).
WANTS = Wants(tags=("blockquote", "iframe"))
BLOCKQUOTE_CLASS = "bluesky-embed"
URL_ATTRS = ("data-bluesky-uri",)
# "— Display Name (@handle)": the name is the text between the dash and the handle link.
AUTHOR_NAME = re.compile(r"[—–-]\s*(?P<name>[^()]*?)\s*\(?\s*$")
# The oEmbed server's form links the profile as a whole: "<a>Display Name (@handle)</a>".
NAME_AND_HANDLE = re.compile(r"^(?P<name>[^()]*?)\s*\(@(?P<handle>[A-Za-z0-9.-]+)\)$")


def find(page: Page) -> Iterator[tuple[HtmlElement, Embed]]:
    for bq in with_class(page.tagged("blockquote"), BLOCKQUOTE_CLASS):
        ref = ref_from_attrs(bq, URL_ATTRS, PLATFORM) or ref_from_links(bq, PLATFORM)
        if ref is None:
            continue
        handle = name = date = None
        for a in bq.xpath(".//a[@href]"):
            label = one_line(a.text_content())
            both = NAME_AND_HANDLE.match(label) if handle is None and "/post/" not in (a.get("href") or "") else None
            if both:
                handle, name = both.group("handle"), one_line(both.group("name")) or None
            elif label.startswith("@") and handle is None:
                handle = label[1:]
                prev = a.getprevious()
                before = (prev.tail if prev is not None else a.getparent().text) or ""
                m = AUTHOR_NAME.search(before)
                name = one_line(m.group("name")) or None if m else None
            elif "/post/" in (a.get("href") or ""):
                date = label or None
        text = paragraphs_text(bq.xpath(".//p")).replace("[image or embed]", "").strip()
        yield bq, embed_of(ref, "blockquote", author_handle=handle or ref.handle,
                           author_name=name, text=text, date_text=date)
    # embed.js swaps the blockquote for an iframe that keeps its class: a rendered embed.
    yield from find_iframes(page, PLATFORM, rendered_classes=(BLOCKQUOTE_CLASS,))

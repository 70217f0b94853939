"""Threads embeds: ``blockquote.text-post-media[data-text-post-permalink]`` (no text before the
script runs, only a localised "View on Threads"), and iframes to ``threads.net|com/…/embed``."""

from __future__ import annotations

from collections.abc import Iterator

from lxml.html import HtmlElement

from postlink.extract.embeds.markup import (
    Page,
    Wants,
    embed_of,
    find_iframes,
    ref_from_attrs,
    ref_from_links,
    with_class,
)
from postlink.extract.model import Embed

PLATFORM = "threads"
# The elements this finder reads, collected for all finders in one pass (markup.Page).
WANTS = Wants(tags=("blockquote", "iframe"))
BLOCKQUOTE_CLASS = "text-post-media"
URL_ATTRS = ("data-text-post-permalink", "cite")


def find(page: Page) -> Iterator[tuple[HtmlElement, Embed]]:
    for bq in with_class(page.tagged("blockquote"), BLOCKQUOTE_CLASS):
        ref = ref_from_attrs(bq, URL_ATTRS, PLATFORM) or ref_from_links(bq, PLATFORM)
        if ref is not None:
            yield bq, embed_of(ref, "blockquote")
    yield from find_iframes(page, PLATFORM, rendered_classes=(BLOCKQUOTE_CLASS,))

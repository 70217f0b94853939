"""Threads embeds: ``blockquote.text-post-media[data-text-post-permalink]`` (no text before the
script runs, only a localised "View on Threads"), and iframes to ``threads.net|com/…/embed``."""

from __future__ import annotations

from collections.abc import Iterator

from lxml.html import HtmlElement

from postlink.extract.embeds.markup import (
    embed_of,
    find_iframes,
    has_class,
    ref_from_attrs,
    ref_from_links,
)
from postlink.extract.model import Embed

PLATFORM = "threads"
# Text that must occur in the page source for this finder to find anything.
MARKERS = ("threads.", "text-post-media")
BLOCKQUOTES = f"//blockquote[{has_class('text-post-media')}]"
URL_ATTRS = ("data-text-post-permalink", "cite")


def find(tree: HtmlElement) -> Iterator[tuple[HtmlElement, Embed]]:
    for bq in tree.xpath(BLOCKQUOTES):
        ref = ref_from_attrs(bq, URL_ATTRS, PLATFORM) or ref_from_links(bq, PLATFORM)
        if ref is not None:
            yield bq, embed_of(ref, "blockquote")
    yield from find_iframes(tree, PLATFORM, rendered_classes=("text-post-media",))

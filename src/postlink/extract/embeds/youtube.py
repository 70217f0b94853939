"""YouTube embeds: iframes to ``youtube.com|youtube-nocookie.com/embed/ID`` (lazy ones too),
``amp-youtube[data-videoid]``, ``lite-youtube[videoid]``, and lazy-loader placeholders that
keep the embed address in ``data-src`` / ``data-lazy-src`` until they inject the iframe.

A video counts as a post. The markup carries no post text (at most the iframe ``title``).
"""

from __future__ import annotations

from collections.abc import Iterator

from lxml.html import HtmlElement

from postlink.extract.embeds.markup import embed_of, find_iframes, ref_of
from postlink.extract.model import Embed

PLATFORM = "youtube"
# Text that must occur in the page source for this finder to find anything.
MARKERS = ("youtu",)
ID_ELEMENTS = (("//amp-youtube[@data-videoid]", "data-videoid", "amp"),
               ("//lite-youtube[@videoid]", "videoid", "iframe"))
# Placeholders of lazy loaders (WP Rocket, lazysizes, Jetpack): not iframes yet, not links.
LAZY = ("//*[not(self::iframe) and not(self::a) and not(self::img)]"
        "[contains(@data-src, 'youtu') or contains(@data-lazy-src, 'youtu') or contains(@data-embed-src, 'youtu')]")
LAZY_ATTRS = ("data-src", "data-lazy-src", "data-embed-src")


def find(tree: HtmlElement) -> Iterator[tuple[HtmlElement, Embed]]:
    yield from find_iframes(tree, PLATFORM)
    for xpath, attr, markup in ID_ELEMENTS:
        for el in tree.xpath(xpath):
            ref = ref_of(f"https://www.youtube.com/watch?v={(el.get(attr) or '').strip()}", PLATFORM)
            if ref is not None:
                yield el, embed_of(ref, markup)
    for el in tree.xpath(LAZY):
        for attr in LAZY_ATTRS:
            value = el.get(attr) or ""
            # Only embed addresses: a watch URL in data-src is as often a share widget's target.
            ref = ref_of(value, PLATFORM) if "/embed/" in value else None
            if ref is not None:
                yield el, embed_of(ref, "iframe")
                break

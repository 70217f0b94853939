"""YouTube embeds: iframes to ``youtube.com|youtube-nocookie.com/embed/ID`` (lazy ones too),
``amp-youtube[data-videoid]``, ``lite-youtube[videoid]``, Embetty's ``embetty-video``, WP
YouTube Lyte's facade (``<div class="lyte-wrapper"><div class="lyMe" id="WYL_ID">``), and
lazy-loader placeholders that keep the embed address in ``data-src`` / ``data-lazy-src`` until
they inject the iframe.

A video counts as a post. The markup carries no post text (at most the iframe ``title``).
"""

from __future__ import annotations

from collections.abc import Iterator

from lxml.html import HtmlElement

from postlink.extract.embeds.markup import Page, Wants, embed_of, find_iframes, ref_of, with_class
from postlink.extract.model import Embed

PLATFORM = "youtube"
# (tag, attribute holding the video id, markup)
ID_ELEMENTS = (("amp-youtube", "data-videoid", "amp"), ("lite-youtube", "videoid", "iframe"))
# Embetty's privacy proxy: <embetty-video type="youtube" video-id="ID"> (other types are Vimeo
# and Facebook videos, which name no YouTube video).
EMBETTY_TAG, EMBETTY_TYPE, EMBETTY_ID = "embetty-video", "youtube", "video-id"
# WP YouTube Lyte's facade: the video id is in the id of the div its script swaps for the
# player ("WYL_" + id), inside a wrapper div.
LYTE_CLASSES, LYTE_ID_PREFIX = ("lyte-wrapper", "lyMe"), "WYL_"
# Placeholders of lazy loaders (WP Rocket, lazysizes, Jetpack): any element but an iframe
# (found as one), a link or an image with a YouTube address in one of these attributes.
LAZY_ATTRS = ("data-src", "data-lazy-src", "data-embed-src")
NOT_PLACEHOLDERS = ("iframe", "a", "img")
# The elements this finder reads, collected for all finders in one pass (markup.Page).
WANTS = Wants(tags=("iframe", EMBETTY_TAG, *(tag for tag, _, _ in ID_ELEMENTS)), div_classes=LYTE_CLASSES,
              attributes=LAZY_ATTRS)


def find(page: Page) -> Iterator[tuple[HtmlElement, Embed]]:
    yield from find_iframes(page, PLATFORM)
    for tag, attr, markup in ID_ELEMENTS:
        for el in page.tagged(tag):
            if el.get(attr) is None:
                continue
            ref = ref_of(f"https://www.youtube.com/watch?v={(el.get(attr) or '').strip()}", PLATFORM)
            if ref is not None:
                yield el, embed_of(ref, markup)
    for el in page.tagged(EMBETTY_TAG):
        if (el.get("type") or "").strip().lower() != EMBETTY_TYPE:
            continue
        ref = ref_of(f"https://www.youtube.com/watch?v={(el.get(EMBETTY_ID) or '').strip()}", PLATFORM)
        if ref is not None:
            yield el, embed_of(ref, "rendered")
    for div in with_class(page.divs, *LYTE_CLASSES):
        facade = next((el for el in div.iter("div") if (el.get("id") or "").startswith(LYTE_ID_PREFIX)), None)
        if facade is not None:
            ref = ref_of(f"https://www.youtube.com/watch?v={facade.get('id', '')[len(LYTE_ID_PREFIX):]}", PLATFORM)
            if ref is not None:
                yield div, embed_of(ref, "iframe")
    lazy = [el for el in page.attributed(*LAZY_ATTRS) if el.tag not in NOT_PLACEHOLDERS
            and any("youtu" in (el.get(attr) or "") for attr in LAZY_ATTRS)]
    for el in lazy:
        for attr in LAZY_ATTRS:
            value = el.get(attr) or ""
            # Only embed addresses: a watch URL in data-src is as often a share widget's target.
            ref = ref_of(value, PLATFORM) if "/embed/" in value else None
            if ref is not None:
                yield el, embed_of(ref, "iframe")
                break

"""TikTok embeds: ``blockquote.tiktok-embed[cite][data-video-id]``, ``amp-tiktok[data-src]``
(an id or a URL) and iframes to ``tiktok.com/embed/v2/ID``.

The blockquote's <section> reads "@handle caption #tags ♬ sound"; the caption is the post text.
"""

from __future__ import annotations

from collections.abc import Iterator

from lxml.html import HtmlElement

from postlink.extract.embeds.markup import (
    embed_of,
    find_iframes,
    has_class,
    one_line,
    ref_from_attrs,
    ref_from_links,
    ref_of,
)
from postlink.extract.model import Embed
from postlink.platforms import PostRef

PLATFORM = "tiktok"
# Text that must occur in the page source for this finder to find anything.
MARKERS = ("tiktok",)
BLOCKQUOTES = f"//blockquote[{has_class('tiktok-embed')}]"
URL_ATTRS = ("cite",)
AMP = "//amp-tiktok[@data-src]"


def find(tree: HtmlElement) -> Iterator[tuple[HtmlElement, Embed]]:
    for bq in tree.xpath(BLOCKQUOTES):
        ref = ref_from_attrs(bq, URL_ATTRS, PLATFORM) or ref_from_links(bq, PLATFORM)
        video_id = (bq.get("data-video-id") or "").strip()
        if ref is None and video_id.isdigit():
            ref = ref_of(f"https://www.tiktok.com/@/video/{video_id}", PLATFORM)
        if ref is not None:
            yield bq, _from_blockquote(bq, ref)
    for amp in tree.xpath(AMP):
        src = (amp.get("data-src") or "").strip()
        ref = ref_of(f"https://www.tiktok.com/@/video/{src}" if src.isdigit() else src, PLATFORM)
        if ref is not None:
            yield amp, embed_of(ref, "amp")
    yield from find_iframes(tree, PLATFORM)


def _from_blockquote(bq: HtmlElement, ref: PostRef) -> Embed:
    handle = ref.handle
    text_parts: list[str] = []
    for section in bq.xpath(".//section"):
        for a in section.xpath(".//a[@title]"):
            title = (a.get("title") or "").strip()
            if title.startswith("@") and not handle:
                handle = title[1:]
        words = one_line(section.text_content())
        if handle and words.startswith("@" + handle):
            words = words[len(handle) + 1:].strip()
        words = words.split("♬", 1)[0].strip()  # the sound credit is not the caption
        if words:
            text_parts.append(words)
    return embed_of(ref, "blockquote", author_handle=handle, text="\n".join(text_parts))

"""TikTok embeds: ``blockquote.tiktok-embed[cite][data-video-id]``, ``amp-tiktok[data-src]``
(an id or a URL) and iframes to ``tiktok.com/embed/v2/ID``.

The blockquote's <section> reads "@handle caption #tags ♬ sound"; the caption is the post text.
"""

from __future__ import annotations

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
    ref_of,
    with_class,
)
from postlink.extract.model import Embed
from postlink.platforms import PostRef

PLATFORM = "tiktok"
BLOCKQUOTE_CLASS = "tiktok-embed"
URL_ATTRS = ("cite",)
AMP_TAG, AMP_SRC = "amp-tiktok", "data-src"
# The elements this finder reads, collected for all finders in one pass (markup.Page).
WANTS = Wants(tags=("blockquote", "iframe", AMP_TAG))


def find(page: Page) -> Iterator[tuple[HtmlElement, Embed]]:
    for bq in with_class(page.tagged("blockquote"), BLOCKQUOTE_CLASS):
        ref = ref_from_attrs(bq, URL_ATTRS, PLATFORM) or ref_from_links(bq, PLATFORM)
        video_id = (bq.get("data-video-id") or "").strip()
        if ref is None and video_id.isdigit():
            ref = ref_of(f"https://www.tiktok.com/@/video/{video_id}", PLATFORM)
        if ref is not None:
            yield bq, _from_blockquote(bq, ref)
    for amp in page.tagged(AMP_TAG):
        if amp.get(AMP_SRC) is None:
            continue
        src = (amp.get(AMP_SRC) or "").strip()
        ref = ref_of(f"https://www.tiktok.com/@/video/{src}" if src.isdigit() else src, PLATFORM)
        if ref is not None:
            yield amp, embed_of(ref, "amp")
    yield from find_iframes(page, PLATFORM)


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

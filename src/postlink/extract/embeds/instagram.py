"""Instagram embeds: ``blockquote.instagram-media``, rendered ``iframe.instagram-media``,
``amp-instagram[data-shortcode]`` and iframes to ``instagram.com/p/CODE/embed``.

The blockquote names its post in ``data-instgrm-permalink`` or, in old versions (v7), only in
its inner links. Its last <p> is the footer "A post shared by Name (@handle) [on <time>]" (the
words are localised); a captioned embed has the caption in a <p> before it.
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
    handle_in_parens,
    json_attribute,
    one_line,
    paragraphs_text,
    ref_from_attrs,
    ref_from_links,
    ref_of,
    with_class,
)
from postlink.extract.model import Embed
from postlink.platforms import PostRef

PLATFORM = "instagram"
BLOCKQUOTE_CLASS = "instagram-media"
URL_ATTRS = ("data-instgrm-permalink", "cite")
AMP_TAG, AMP_SHORTCODE = "amp-instagram", "data-shortcode"
# Substack's server-rendered post: div.instagram-embed-wrap (or, class stripped, its editor
# component's name) with the card as JSON in data-attrs: instagram_id, author_name, title (the
# caption, '<Name> on Instagram: "<caption>"', or "A post shared by @handle"), timestamp.
SUBSTACK_CLASS, SUBSTACK_ATTRS = "instagram-embed-wrap", "data-attrs"
SUBSTACK_COMPONENT = ("data-component-name", "InstagramToDOM")
_SHORTCODE = re.compile(r"[A-Za-z0-9_-]{5,40}")
_ON_INSTAGRAM = re.compile(r'^.{1,80}? on Instagram: [“"](?P<caption>.*?)[”"]?$', re.S)
# The elements this finder reads, collected for all finders in one pass (markup.Page).
WANTS = Wants(tags=("blockquote", "iframe", AMP_TAG), div_classes=(SUBSTACK_CLASS,),
              attributes=(SUBSTACK_COMPONENT[0],))
RENDERED_CLASSES = ("instagram-media", "instagram-media-rendered")
# The words before the name in the footer, in the languages the embed code is copied in, and
# in the old footers ("A photo posted by", German "Ein von … gepostetes Foto").
FOOTER_LEAD = re.compile(
    r"^.*?(?:shared by|posted by|geteilt von|partagée par|compartida (?:de|por)|publicad[oa] (?:de|por)|"
    r"condiviso da|compartilhada por|gedeeld door|udostępniony przez|Публикация от|delat av|delt av|"
    r"delt af|sdílený uživatelem|^Eine? von)\s+", re.I | re.S
)


def find(page: Page) -> Iterator[tuple[HtmlElement, Embed]]:
    for bq in with_class(page.tagged("blockquote"), BLOCKQUOTE_CLASS):
        ref = ref_from_attrs(bq, URL_ATTRS, PLATFORM) or ref_from_links(bq, PLATFORM)
        if ref is not None:
            yield bq, _from_blockquote(bq, ref)
    for amp in page.tagged(AMP_TAG):
        if amp.get(AMP_SHORTCODE) is None:
            continue
        ref = ref_of(f"https://www.instagram.com/p/{amp.get(AMP_SHORTCODE, '').strip()}/", PLATFORM)
        if ref is not None:
            yield amp, embed_of(ref, "amp")
    for card in [*with_class(page.divs, SUBSTACK_CLASS), *page.attributed_as(*SUBSTACK_COMPONENT)]:
        embed = _from_substack_card(card)
        if embed is not None:
            yield card, embed
    yield from find_iframes(page, PLATFORM, rendered_classes=RENDERED_CLASSES)


def _from_substack_card(card: HtmlElement) -> Embed | None:
    attrs = json_attribute(card, SUBSTACK_ATTRS)
    if attrs is None:
        return None
    code = attrs.get("instagram_id")
    if not isinstance(code, str) or not _SHORTCODE.fullmatch(code):
        return None
    ref = ref_of(f"https://www.instagram.com/p/{code}/", PLATFORM)
    if ref is None:
        return None
    title = one_line(str(attrs.get("title") or ""))
    on_instagram = _ON_INSTAGRAM.match(title)
    caption = on_instagram.group("caption") if on_instagram else "" if FOOTER_LEAD.match(title) else title
    handle = str(attrs.get("author_name") or "").lstrip("@") or None
    return embed_of(ref, "rendered", author_handle=handle, text=caption,
                    date_text=attrs.get("timestamp") or None, truncated=caption.endswith("…"))


def _from_blockquote(bq: HtmlElement, ref: PostRef) -> Embed:
    paragraphs = [p for p in bq.xpath(".//p") if one_line(p.text_content())]
    handle = name = date = None
    caption: list[HtmlElement] = paragraphs
    if paragraphs:
        footer = one_line(paragraphs[-1].text_content())
        m = handle_in_parens(footer)
        if m:
            handle = m.group("handle")
            name = one_line(FOOTER_LEAD.sub("", footer[: m.start()])) or None
            caption = paragraphs[:-1]
            times = paragraphs[-1].xpath(".//time[@datetime]")
            date = times[0].get("datetime") if times else None
    # Only a captioned embed carries post text; the rest is the generic footer.
    text = paragraphs_text(caption) if bq.get("data-instgrm-captioned") is not None else ""
    return embed_of(ref, "blockquote", author_handle=handle or ref.handle, author_name=name,
                    text=text, date_text=date)

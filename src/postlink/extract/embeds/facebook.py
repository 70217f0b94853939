"""Facebook embeds: the JS SDK's ``div.fb-post|fb-video[data-href]`` (with its fallback
``blockquote.fb-xfbml-parse-ignore[cite]``), plugin iframes (``/plugins/post.php?href=``),
and ``amp-facebook[data-href]``.

The fallback may hold the post text in <p> and "Posted by <a>Page</a> on <a>date</a>".
"""

from __future__ import annotations

from collections.abc import Iterator

from lxml.html import HtmlElement

from postlink.extract.embeds.markup import (
    Page,
    Wants,
    classes,
    embed_of,
    find_iframes,
    has_class,
    one_line,
    paragraphs_text,
    ref_from_attrs,
    with_class,
)
from postlink.extract.model import Embed

PLATFORM = "facebook"
# The elements this finder reads, collected for all finders in one pass (markup.Page).
CONTAINER_CLASSES = ("fb-post", "fb-video")
AMP_TAG = "amp-facebook"
WANTS = Wants(tags=("blockquote", "iframe", AMP_TAG), div_classes=CONTAINER_CLASSES)
FALLBACK_CLASS = "fb-xfbml-parse-ignore"
# The fallback is a blockquote in the SDK's current code, a div in older code.
FALLBACK_INSIDE = f".//*[{has_class(FALLBACK_CLASS)}]"
URL_ATTRS = ("data-href", "cite")
# Class the SDK adds once it has swapped in its iframe.
RENDERED_CLASS = "fb_iframe_widget"


def find(page: Page) -> Iterator[tuple[HtmlElement, Embed]]:
    containers = with_class(page.divs, *CONTAINER_CLASSES)
    for el in containers + with_class(page.tagged("blockquote"), FALLBACK_CLASS):
        ref = ref_from_attrs(el, URL_ATTRS, PLATFORM)
        if ref is None:
            continue
        inner = el.xpath(FALLBACK_INSIDE)
        fallback = el if el.tag == "blockquote" else (inner[0] if inner else None)
        text, name, date = "", None, None
        if fallback is not None:
            text = paragraphs_text(fallback.xpath(".//p"))
            links = fallback.xpath(".//a[@href]")
            pages = [a for a in links if ref_from_attrs(a, ("href",), PLATFORM) is None]
            name = one_line(pages[0].text_content()) or None if pages else None
            # "Posted by <a>Page</a> on <a href=post>Thursday, August 27, 2015</a>": the link
            # to the post itself shows its date (Facebook ids do not encode one)
            dated = [one_line(a.text_content()) for a in links if a not in pages]
            date = dated[-1] if dated and any(c.isdigit() for c in dated[-1]) else None
        markup = "rendered" if RENDERED_CLASS in classes(el) else "blockquote"
        yield el, embed_of(ref, markup, author_name=name, text=text, date_text=date)
    for amp in page.tagged(AMP_TAG):
        ref = ref_from_attrs(amp, ("data-href",), PLATFORM)
        if ref is not None:
            yield amp, embed_of(ref, "amp")
    yield from find_iframes(page, PLATFORM)

"""Facebook embeds: the JS SDK's ``div.fb-post|fb-video[data-href]`` (with its fallback
``blockquote.fb-xfbml-parse-ignore[cite]``), plugin iframes (``/plugins/post.php?href=``),
and ``amp-facebook[data-href]``.

The fallback may hold the post text in <p> and "Posted by <a>Page</a> on <a>date</a>".
"""

from __future__ import annotations

from collections.abc import Iterator

from lxml.html import HtmlElement

from postlink.extract.embeds.markup import (
    classes,
    embed_of,
    find_iframes,
    has_class,
    one_line,
    paragraphs_text,
    ref_from_attrs,
)
from postlink.extract.model import Embed

PLATFORM = "facebook"
# Text that must occur in the page source for this finder to find anything.
MARKERS = ("fb-", "facebook.com/plugins", "amp-facebook")
CONTAINERS = f"//div[{has_class('fb-post')} or {has_class('fb-video')}]"
FALLBACKS = f"//blockquote[{has_class('fb-xfbml-parse-ignore')}]"
FALLBACK_INSIDE = "." + FALLBACKS
URL_ATTRS = ("data-href", "cite")
AMP = "//amp-facebook[@data-href]"
# Class the SDK adds once it has swapped in its iframe.
RENDERED_CLASS = "fb_iframe_widget"


def find(tree: HtmlElement) -> Iterator[tuple[HtmlElement, Embed]]:
    for el in tree.xpath(CONTAINERS) + tree.xpath(FALLBACKS):
        ref = ref_from_attrs(el, URL_ATTRS, PLATFORM)
        if ref is None:
            continue
        inner = el.xpath(FALLBACK_INSIDE)
        fallback = el if el.tag == "blockquote" else (inner[0] if inner else None)
        text, name = "", None
        if fallback is not None:
            text = paragraphs_text(fallback.xpath(".//p"))
            pages = [a for a in fallback.xpath(".//a[@href]") if ref_from_attrs(a, ("href",), PLATFORM) is None]
            name = one_line(pages[0].text_content()) or None if pages else None
        markup = "rendered" if RENDERED_CLASS in classes(el) else "blockquote"
        yield el, embed_of(ref, markup, author_name=name, text=text)
    for amp in tree.xpath(AMP):
        ref = ref_from_attrs(amp, ("data-href",), PLATFORM)
        if ref is not None:
            yield amp, embed_of(ref, "amp")
    yield from find_iframes(tree, PLATFORM)

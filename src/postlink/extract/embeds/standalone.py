"""Bare post URLs standing where an embed should be (markup ``link-only``).

Two shapes: WordPress ``figure.wp-block-embed`` whose wrapper holds only the post URL (raw
``post_content``, before oEmbed ran), and a paragraph holding nothing but one post URL, which
CMSs (WordPress, Ghost, Medium) turn into an embed when they render. A post URL inside prose is
a post link, not an embed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from lxml.html import HtmlElement

from postlink.extract.embeds.markup import embed_of, has_class, one_line
from postlink.extract.model import Embed
from postlink.platforms import parse_post_url

WRAPPERS = f"//figure[{has_class('wp-block-embed')}]"
EMBED_INSIDE = ".//blockquote|.//iframe|.//script|.//*[starts-with(name(), 'amp-')]|.//*[@data-tweet-id]"
# Paragraphs of one word with a slash in it, holding nothing but links and line breaks.
PARAGRAPHS = ("//p[not(*[not(self::a) and not(self::br)])]"
              "[contains(., '/')][not(contains(normalize-space(.), ' '))]")
# The whole text is one URL, with or without its scheme.
URL_TEXT = re.compile(r"^(?:https?://)?[\w-]+(?:\.[\w-]+)+/\S+$", re.I)
# Text that must occur in the page source for this finder to find anything.
MARKERS = ("wp-block-embed", "http")


def find(tree: HtmlElement) -> Iterator[tuple[HtmlElement, Embed]]:
    for figure in tree.xpath(WRAPPERS):
        if figure.xpath(EMBED_INSIDE):
            continue  # a real embed inside: its platform module finds it
        embed = _lone_url(figure, allow_caption=True)
        if embed:
            yield figure, embed
    for p in tree.xpath(PARAGRAPHS):
        embed = _lone_url(p, allow_caption=False)
        if embed:
            yield p, embed


def _lone_url(el: HtmlElement, *, allow_caption: bool) -> Embed | None:
    """The post named by the element's only URL, written out as its whole text."""
    links = el.xpath(".//a[@href]")
    captions = el.xpath(".//figcaption") if allow_caption else []
    text = one_line(el.text_content())
    for caption in captions:
        text = one_line(text.replace(one_line(caption.text_content()), ""))
    if len(links) > 1 or not URL_TEXT.match(text):
        return None
    if links and one_line(links[0].text_content()) != text:
        return None
    url = links[0].get("href", "") if links else text
    ref = parse_post_url(url if "://" in url else "https://" + url)
    return embed_of(ref, "link-only") if ref is not None else None

"""Bare post URLs standing where an embed should be (markup ``link-only``).

Three shapes: WordPress ``figure.wp-block-embed`` whose wrapper holds only the post URL (raw
``post_content``, before oEmbed ran), a paragraph holding nothing but one post URL, which
CMSs (WordPress, Ghost, Medium) turn into an embed when they render, and a paragraph holding
nothing but a WordPress shortcode for a post that was never run ("[embed]URL[/embed]", as a
feed's content may carry it). A post URL inside prose is a post link, not an embed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from lxml.html import HtmlElement

from postlink.extract.embeds.markup import Page, Wants, embed_of, one_line, with_class
from postlink.extract.model import Embed
from postlink.platforms import parse_post_url

WRAPPER_CLASS = "wp-block-embed"
EMBED_INSIDE = ".//blockquote|.//iframe|.//script|.//*[starts-with(name(), 'amp-')]|.//*[@data-tweet-id]"
# Candidate paragraphs hold nothing but links and line breaks (as elements: comments don't count).
PARAGRAPH_CHILDREN = ("a", "br")
# XPath's whitespace (normalize-space): the paragraph's text must be one word with a slash in it.
XML_SPACE = " \t\r\n"
_INNER_SPACE = re.compile(f"[{XML_SPACE}]")
# The whole text is one URL, with or without its scheme.
URL_TEXT = re.compile(r"^(?:https?://)?[\w-]+(?:\.[\w-]+)+/\S+$", re.I)
# "[embed]URL[/embed]", "[tweet URL]", "[twitter url="URL"]", "[instagram url=URL]": the
# shortcode's name, then the post's address as its body or its first argument.
SHORTCODE = re.compile(
    r"\[(?P<tag>embed|tweet|twitter|instagram|facebook|tiktok|youtube|bluesky|mastodon)\b[^\]]*?"
    r"(?:(?:url=)?[\"']?(?P<url>https?://[^\s\]\"'\[]+)[\"']?[^\]]*\](?:\[/(?P=tag)\])?"
    r"|\]\s*(?P<body>https?://[^\s\[]+)\s*\[/(?P=tag)\])", re.I)
# The elements this finder reads, collected for all finders in one pass (markup.Page).
WANTS = Wants(tags=("figure", "p"))


def find(page: Page) -> Iterator[tuple[HtmlElement, Embed]]:
    for figure in with_class(page.tagged("figure"), WRAPPER_CLASS):
        if figure.xpath(EMBED_INSIDE):
            continue  # a real embed inside: its platform module finds it
        embed = _lone_url(figure, allow_caption=True)
        if embed:
            yield figure, embed
    for p in page.tagged("p"):
        embed = _shortcode(p) if (p.text or "").lstrip(XML_SPACE).startswith("[") else None
        if embed is None and _one_word_with_a_slash(p):
            embed = _lone_url(p, allow_caption=False)
        if embed:
            yield p, embed


def _shortcode(p: HtmlElement) -> Embed | None:
    """A WordPress shortcode the page was published without running ("[embed]URL[/embed]",
    Jetpack's "[tweet URL]", "[instagram url=URL]"), alone in its paragraph."""
    m = SHORTCODE.fullmatch(one_line(p.text_content()))
    if m is None:
        return None
    ref = parse_post_url(m["url"] or m["body"])
    return embed_of(ref, "link-only") if ref is not None else None


def _one_word_with_a_slash(p: HtmlElement) -> bool:
    """``p[not(*[not(self::a) and not(self::br)])][contains(., '/')][not(contains(normalize-space(.), ' '))]``
    without an XPath call per paragraph: most paragraphs fail on their first words."""
    if _INNER_SPACE.search((p.text or "").strip(XML_SPACE)):
        return False  # the leading text alone has two words (checked first: it needs no children)
    if any(isinstance(child.tag, str) and child.tag not in PARAGRAPH_CHILDREN for child in p):
        return False
    text = p.text_content()  # XPath string(.): all descendant text, comments excluded
    return "/" in text and not _INNER_SPACE.search(text.strip(XML_SPACE))


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

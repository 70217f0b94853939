"""Publisher-rendered cards that stand for a post of any platform.

- BBC News replaces social embeds by a screenshot (``div.social-embed-post``) with the permalink
  in ``a.embed-original-post-link`` and the post text in the image's ``data-alt``/``alt``:
  "Twitter post by @handle: text". The platform comes from the permalink.
- Sites that render posts on their own server write a ``<blockquote>`` whose class names the
  platform as a word (``subbuzz-tweet__container``, ``js-instagram__container``) around the
  post's permalink, its text in ``<p>``s. A blockquote counts when a class word names the
  platform of the single post it links to and it holds no embed of its own (an official
  embed inside is that embed's, found by the platform's module).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from lxml.html import HtmlElement

from postlink.extract.embeds.markup import (
    Page,
    Wants,
    embed_of,
    has_class,
    one_line,
    paragraphs_text,
    with_class,
)
from postlink.extract.model import Embed
from postlink.platforms import parse_post_url

CARD_CLASS = "social-embed-post"
PERMALINKS = f".//a[{has_class('embed-original-post-link')}][@href]"
ALT_TEXT = re.compile(r"^\w+ post by @?(?P<handle>[^\s:]+):\s*(?P<text>.*)$", re.S)
# Class words naming a platform on a server-rendered card, and the platform they name.
PLATFORM_WORDS = {
    "tweet": "x", "twitter": "x", "instagram": "instagram", "facebook": "facebook",
    "tiktok": "tiktok", "youtube": "youtube", "reddit": "reddit", "bluesky": "bluesky",
    "bsky": "bluesky", "mastodon": "mastodon", "threads": "threads", "linkedin": "linkedin",
    "telegram": "telegram", "truthsocial": "truthsocial",
}
_CLASS_WORDS = re.compile(r"[-_\s]+")
# The elements this finder reads, collected for all finders in one pass (markup.Page).
WANTS = Wants(tags=("blockquote",), div_classes=(CARD_CLASS,))


def find(page: Page) -> Iterator[tuple[HtmlElement, Embed]]:
    for card in with_class(page.divs, CARD_CLASS):
        embed = _from_screenshot(card)
        if embed is not None:
            yield card, embed
    for bq in page.tagged("blockquote"):
        embed = _from_server_card(bq)
        if embed is not None:
            yield bq, embed


def _from_screenshot(card: HtmlElement) -> Embed | None:
    ref = None
    for a in card.xpath(PERMALINKS):
        ref = parse_post_url(a.get("href", ""))
        if ref is not None:
            break
    if ref is None:
        return None
    handle, text = ref.handle, ""
    for el in card.xpath(".//*[@data-alt or @alt]"):
        m = ALT_TEXT.match(one_line(el.get("data-alt") or el.get("alt")))
        if m:
            handle, text = handle or m.group("handle"), m.group("text").strip()
            break
    return embed_of(ref, "rendered", author_handle=handle, text=text)


def _from_server_card(bq: HtmlElement) -> Embed | None:
    named = {PLATFORM_WORDS[w] for w in _CLASS_WORDS.split((bq.get("class") or "").lower())
             if w in PLATFORM_WORDS}
    if not named or next(bq.iterdescendants("blockquote", "iframe"), None) is not None:
        return None
    for a in bq.iter("a"):
        ref = parse_post_url(a.get("href") or "")
        if ref is not None and ref.platform in named:
            return embed_of(ref, "rendered", text=paragraphs_text(bq.xpath(".//p")))
    return None

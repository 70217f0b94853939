"""X / Twitter embeds: the oEmbed blockquote, the widget iframe, amp-twitter, rendered embeds.

Rendered forms: widgets.js output (``iframe.twitter-tweet-rendered[data-tweet-id]``,
``twitter-widget``) and Substack's server-rendered tweet cards (``div.tweet[data-attrs]`` with
the post's url, text and author as JSON). Embetty (a privacy proxy some German publishers
use) writes ``<embetty-tweet status=ID>``. BBC screenshot cards live in ``cards.py``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from urllib.parse import parse_qs, urlsplit

from lxml.etree import ParserError
from lxml.html import HtmlElement, fragment_fromstring

from postlink.extract.embeds.flattened import parse_flattened
from postlink.extract.embeds.markup import (
    Page,
    Wants,
    embed_of,
    iframe_markup,
    json_attribute,
    one_line,
    paragraphs_text,
    ref_from_links,
    ref_of,
    text_with_breaks,
    tidy,
    with_class,
)
from postlink.extract.model import Embed
from postlink.platforms import PostRef

PLATFORM = "x"
# The elements this finder reads, collected for all finders in one pass (markup.Page).
# blockquote.twitter-tweet / .twitter-video: the oEmbed markup.
BLOCKQUOTE_CLASSES = ("twitter-tweet", "twitter-video")
WANTS = Wants(tags=("blockquote", "iframe", "amp-twitter", "embetty-tweet"), div_classes=("tweet", *BLOCKQUOTE_CLASSES),
              attributes=("data-tweet-id", "data-component-name"))
# Blockquotes whose class a CMS sanitiser stripped are recognised by structure (a status
# permalink and an "— Name (@handle)" author line), as tweetfinder does (reference §15.1).
BARE_PERMALINK = "/status"
# The widget iframe, in src or a lazy loader's attribute; widgets.js marks its own.
RENDERED_CLASSES = ("twitter-tweet", "twitter-tweet-rendered")
IFRAME_ADDRESS = "platform.twitter.com/embed"
AMP_TAG, AMP_ID = "amp-twitter", "data-tweetid"
# widgets.js output names the post in data-tweet-id on one of these tags (a page saved from a
# browser after rendering has <twitterwidget>, the custom element's name in older widgets.js).
RENDERED_ID = "data-tweet-id"
RENDERED_TAGS = ("iframe", "div", "twitter-widget", "twitterwidget", "article", "blockquote")
EMBETTY_TAG, EMBETTY_ID = "embetty-tweet", "status"
# Substack's server-rendered tweet: div.tweet[data-attrs], or an element of its editor's
# component (data-component-name="Twitter2ToDOM"): a div holding the same attributes (feeds),
# or the link the web page renders the card as.
SUBSTACK_CLASS, SUBSTACK_ATTRS = "tweet", "data-attrs"
SUBSTACK_COMPONENT = ("data-component-name", "Twitter2ToDOM")
# A post id: ASCII digits, at most 20 (a 64-bit snowflake). str.isdigit() also takes "²" and
# other Unicode digits, and int() of a million digits raises (Python's 4300-digit limit).
_ID = re.compile(r"[0-9]{1,20}")
# "— Display Name (@handle)" at the end of the blockquote, before the permalink date.
AUTHOR = re.compile(r"[—–-]\s*(?P<name>.*?)\s*\(@(?P<handle>[A-Za-z0-9_]{1,15})\)\s*$", re.S)


def find(page: Page) -> Iterator[tuple[HtmlElement, Embed]]:
    blockquotes = page.tagged("blockquote")
    classed = with_class(blockquotes, *BLOCKQUOTE_CLASSES)
    for bq in classed:
        embed = _from_blockquote(bq)
        if embed:
            yield bq, embed
    claimed = set(classed)  # a set: list membership made pages with many embeds quadratic
    bare = [bq for bq in blockquotes if bq not in claimed and _links_to_a_status(bq)]
    for bq in bare:
        embed = _from_blockquote(bq)
        if embed and (embed.author_name or not paragraphs_text(bq.xpath(".//p"))):
            yield bq, embed
    # the oEmbed code in a <div> (a sanitiser or a Markdown copy changed its tag): read as the
    # blockquote when it still has the permalink and the author line, and widgets.js has not
    # rendered it (a rendered one holds the iframe, found below)
    for div in with_class(page.divs, *BLOCKQUOTE_CLASSES):
        if next(div.iter("iframe"), None) is None and _links_to_a_status(div):
            embed = _from_blockquote(div)
            if embed and embed.author_name:
                yield div, embed
    for iframe, urls in page.iframe_urls():
        for url in urls:
            ids = parse_qs(urlsplit(url).query).get("id") if IFRAME_ADDRESS in url else None
            if ids and _ID.fullmatch(ids[0]):
                yield iframe, _by_id(ids[0], iframe_markup(iframe, RENDERED_CLASSES))
                break
            # a CMS's oEmbed proxy passes the post on in its query (Drupal's media iframe
            # "/media/oembed?url=https://twitter.com/…/status/…"), as iframe wrappers do
            ref = page.iframe_ref(url, PLATFORM)
            if ref is not None:
                yield iframe, embed_of(ref, iframe_markup(iframe, RENDERED_CLASSES))
                break
    for amp in page.tagged(AMP_TAG):
        if amp.get(AMP_ID) is None:
            continue
        tweet_id = (amp.get(AMP_ID) or "").strip()
        if not _ID.fullmatch(tweet_id):
            continue
        # the placeholder AMP shows until the tweet loads is often the oEmbed blockquote,
        # with the author line
        placeholder = next((e for e in map(_from_blockquote, amp.iter("blockquote"))
                            if e is not None and e.key == f"x:{_id(tweet_id)}"), None)
        if placeholder is not None:
            yield amp, replace(placeholder, markup="amp")
        else:
            yield amp, _by_id(tweet_id, "amp", text=paragraphs_text(amp.xpath(".//p")))
    for el in page.tagged(EMBETTY_TAG):
        tweet_id = (el.get(EMBETTY_ID) or "").strip()
        if _ID.fullmatch(tweet_id):
            yield el, _by_id(tweet_id, "rendered")
    for el in page.attributed(RENDERED_ID):
        tweet_id = (el.get(RENDERED_ID) or "").strip()
        if _ID.fullmatch(tweet_id) and el.tag in RENDERED_TAGS:
            yield el, _by_id(tweet_id, "rendered")
    for card in [*with_class(page.divs, SUBSTACK_CLASS), *page.attributed_as(*SUBSTACK_COMPONENT)]:
        embed = _from_substack_card(card)
        if embed:
            yield card, embed


def _links_to_a_status(bq: HtmlElement) -> bool:
    return any(BARE_PERMALINK in (a.get("href") or "") for a in bq.iter("a"))


def _id(tweet_id: str) -> str:
    """An id as markup writes it, as keys hold it: leading zeros dropped (as platforms.py does)."""
    return tweet_id.lstrip("0") or "0"


def _by_id(tweet_id: str, markup: str, **fields: object) -> Embed:
    """An embed that names its post by id only (no handle): the /i/web/status/ permalink."""
    tweet_id = _id(tweet_id)
    ref = PostRef(PLATFORM, f"x:{tweet_id}", f"https://twitter.com/i/web/status/{tweet_id}")
    return embed_of(ref, markup, **fields)


def _from_blockquote(bq: HtmlElement) -> Embed | None:
    ref = ref_from_links(bq, PLATFORM)
    if ref is None:
        return None
    paragraphs = bq.xpath(".//p")
    text = paragraphs_text(paragraphs)
    name = handle = None
    outside = _text_outside_paragraphs(bq)
    if not paragraphs:  # a sanitiser dropped the <p>: the text is what precedes the last dash
        cut = max(outside.rfind("—"), outside.rfind("–"))
        if cut > 0:
            text, outside = tidy(outside[:cut]), outside[cut:]
    m = AUTHOR.search(one_line(outside))
    if m:
        name = one_line(m.group("name")) or None
        handle = m.group("handle")
    else:  # some CMSs wrap the author line in the <p> too
        inline = parse_flattened(text)
        if inline is not None and inline.platform == PLATFORM:
            text, name, handle = inline.text, inline.name, inline.handle
    permalinks = [a for a in bq.iter("a") if BARE_PERMALINK in (a.get("href") or "")]
    date = one_line(permalinks[-1].text_content()) if permalinks else ""
    return embed_of(ref, "blockquote", author_handle=handle or ref.handle, author_name=name,
                    text=text, date_text=date or None, truncated=_cut_short(paragraphs, text))


def _text_outside_paragraphs(bq: HtmlElement) -> str:
    """Text of the blockquote outside its <p>s and before the permalink (the date link): the
    author line, and the post's text too when there is no <p>. A link before the permalink
    (the author's name as a link, a mention) is part of that text."""
    pieces = [bq.text or ""]
    for child in bq:
        if child.tag == "p":
            pieces.append(child.tail or "")
            continue
        if child.tag == "a" and BARE_PERMALINK in (child.get("href") or ""):
            break
        if isinstance(child.tag, str) and child.tag not in ("script", "style"):
            pieces.append(text_with_breaks(child) if child.tag != "br" else "\n")
        pieces.append(child.tail or "")
    return "".join(pieces)


def _cut_short(paragraphs: list[HtmlElement], text: str) -> bool:
    """The platform cut the text short ("…"), as opposed to a link's display text that ends in
    "…" because X shortens the URLs it shows."""
    if not text.rstrip().endswith("…"):
        return False
    links = paragraphs[-1].xpath(".//a") if paragraphs else []
    return not (links and one_line(links[-1].text_content()).endswith("…")
                and not one_line(links[-1].tail or ""))


def _markup_text(text: str) -> str:
    """The text of a post that Substack's card data holds as HTML (mentions and links are
    ``<span class="tweet-fake-link">@name</span>``, line breaks ``<br>``): its words only."""
    if "<" not in text:
        return text.strip()
    try:
        fragment = fragment_fromstring(text, create_parent="div")
    except (ValueError, ParserError):
        return text.strip()
    return tidy(text_with_breaks(fragment))


def _from_substack_card(card: HtmlElement) -> Embed | None:
    """The card's JSON (on it, or on a box inside the link Substack renders it as on the web:
    <a href=POST data-component-name=Twitter2ToDOM>); the rendered link without one still
    names the post, and its text (name, handle, post, counts run together) is no prose."""
    if card.get(SUBSTACK_ATTRS) is not None:
        attrs = json_attribute(card, SUBSTACK_ATTRS)
    elif card.tag == "a":  # the rendered link: its JSON, if any, on a box inside
        holder = next(card.iterfind(f".//*[@{SUBSTACK_ATTRS}]"), None)
        attrs = json_attribute(holder, SUBSTACK_ATTRS) if holder is not None else {}
    else:
        return None
    if attrs is None:
        return None
    ref = ref_of(str(attrs.get("url") or card.get("href") or ""), PLATFORM) \
        or ref_from_links(card, PLATFORM, last=False)
    if ref is None:
        return None
    text = _markup_text(str(attrs.get("full_text") or ""))
    return embed_of(ref, "rendered", author_handle=attrs.get("username") or ref.handle,
                    author_name=attrs.get("name") or None, text=text,
                    date_text=attrs.get("date") or None)

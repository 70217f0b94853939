"""X / Twitter embeds: the oEmbed blockquote, the widget iframe, amp-twitter, rendered embeds."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

from lxml.html import HtmlElement

from postlink.extract.embeds.flattened import parse_flattened
from postlink.extract.model import Embed
from postlink.platforms import parse_post_url

_BLOCKQUOTES = (
    "//blockquote[contains(concat(' ', normalize-space(@class), ' '), ' twitter-tweet ')"
    " or contains(concat(' ', normalize-space(@class), ' '), ' twitter-video ')]"
)
_IFRAMES = "//iframe[contains(@src, 'platform.twitter.com/embed') or contains(@data-src, 'platform.twitter.com/embed')]"
_AMP = "//amp-twitter[@data-tweetid]"
_RENDERED = "//*[@data-tweet-id][not(self::blockquote)]"
# "— Display Name (@handle)" at the end of the blockquote, before the permalink date.
_AUTHOR = re.compile(r"[—–-]\s*(?P<name>.*?)\s*\(@(?P<handle>[A-Za-z0-9_]{1,15})\)\s*$", re.S)


def find(tree: HtmlElement) -> Iterator[tuple[HtmlElement, Embed]]:
    for bq in tree.xpath(_BLOCKQUOTES):
        embed = _from_blockquote(bq)
        if embed:
            yield bq, embed
    for iframe in tree.xpath(_IFRAMES):
        src = iframe.get("src") or iframe.get("data-src") or ""
        ids = parse_qs(urlsplit(src).query).get("id")
        if ids and ids[0].isdigit():
            yield iframe, Embed("x", f"x:{ids[0]}", "iframe",
                                url=f"https://twitter.com/i/web/status/{ids[0]}")
    for amp in tree.xpath(_AMP):
        tweet_id = (amp.get("data-tweetid") or "").strip()
        if tweet_id.isdigit():
            yield amp, Embed("x", f"x:{tweet_id}", "amp",
                             url=f"https://twitter.com/i/web/status/{tweet_id}",
                             text=_text_of_paragraphs(amp))
    for el in tree.xpath(_RENDERED):
        tweet_id = (el.get("data-tweet-id") or "").strip()
        if tweet_id.isdigit() and el.tag in ("iframe", "div", "twitter-widget"):
            yield el, Embed("x", f"x:{tweet_id}", "rendered",
                            url=f"https://twitter.com/i/web/status/{tweet_id}")


def _from_blockquote(bq: HtmlElement) -> Embed | None:
    ref = None
    for a in reversed(bq.xpath(".//a[@href]")):
        ref = parse_post_url(a.get("href", ""))
        if ref and ref.platform == "x":
            break
        ref = None
    if ref is None:
        return None
    text = _text_of_paragraphs(bq)
    name = handle = None
    m = _AUTHOR.search(_text_after_paragraphs(bq))
    if m:
        name = " ".join(m.group("name").split()) or None
        handle = m.group("handle")
    else:  # some CMSs wrap the author line in the <p> too
        inline = parse_flattened(text)
        if inline is not None:
            text, name, handle = inline.text, inline.name, inline.handle
    handle = handle or ref.handle
    return Embed(
        "x", ref.key, "blockquote", url=ref.permalink, author_handle=handle,
        author_name=name, text=text, truncated=text.rstrip().endswith("…"),
    )


def _text_of_paragraphs(el: HtmlElement) -> str:
    """The post text: the blockquote's <p> elements, <br> kept as line breaks."""
    text = "\n".join(text_with_breaks(p) for p in el.xpath(".//p"))
    return "\n".join(" ".join(line.split()) for line in text.split("\n")).strip()


def text_with_breaks(el: HtmlElement) -> str:
    """Text content with <br> as a newline; comments skipped. Does not modify the tree."""
    out = [el.text or ""]
    for child in el:
        if child.tag == "br":
            out.append("\n")
        elif isinstance(child.tag, str):
            out.append(text_with_breaks(child))
        out.append(child.tail or "")
    return "".join(out)


def _text_after_paragraphs(bq: HtmlElement) -> str:
    """Text of the blockquote outside its <p>s and before the permalink: the author line."""
    pieces = [bq.text or ""]
    for child in bq:
        if child.tag == "p":
            pieces.append(child.tail or "")
            continue
        if child.tag == "a":
            break
        pieces.append(child.text_content() + (child.tail or ""))
    return " ".join("".join(pieces).split())

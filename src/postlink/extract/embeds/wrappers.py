"""Iframe wrapper services (Iframely, Embedly) around a post of any platform.

Publishers that embed through Iframely write ``div.iframely-embed`` holding either the
rendered ``<iframe src="https://cdn.iframe.ly/api/iframe?url=<post URL>&key=…">`` or, before
its script runs, an ``<a href="<post URL>" data-iframely-url="…">``. Embedly's iframes carry the
post in ``url=``/``src=`` the same way, and its card markup is ``blockquote.embedly-card``
around a link to the post, or, in the form its docs give first, ``a.embedly-card`` that is
the link itself; its script (``cdn.embedly.com/widgets/platform.js``) turns either into the
iframe. Twitframe's iframe passes the post in ``url=`` too. Some wrappers keep nothing but the address they wrap, in
``data-embedded-url`` (Iframely's and several CMSs' embed blocks), ``data-oembed-url``
(CKEditor 5) or ``data-embed-url`` (Drupal's URL Embed) on an otherwise empty element, in CKEditor 5's ``<oembed url>``, or in an
``<a data-iframely-url>`` outside any wrapper div. A platform's own finder claims the wrappers it knows
(YouTube, Facebook…); this one runs last and catches the rest, X included. The markup is
``iframe``, as the corpus labels wrappers.
"""

from __future__ import annotations

from collections.abc import Iterator

from lxml.etree import XPath
from lxml.html import HtmlElement

from postlink.extract.embeds.markup import Page, Wants, embed_of, with_class
from postlink.extract.model import Embed
from postlink.platforms import parse_post_url

WRAPPER_DIV_CLASSES = ("iframely-embed",)
CARD_CLASS = "embedly-card"
# Attributes whose value is the wrapped post's own address, on any tag (CKEditor 5 saves a
# media embed as <div data-oembed-url=…> around its preview, or without one; Drupal's URL
# Embed filter writes <drupal-url data-embed-url=…>).
EMBEDDED_URL_ATTRS = ("data-embedded-url", "data-oembed-url", "data-embed-url")
# CKEditor 5's semantic output for a media embed: <figure class="media"><oembed url=…>.
OEMBED_TAG = "oembed"
# Iframely's link before its script runs: the post is the link's href.
IFRAMELY_LINK_ATTR = "data-iframely-url"
# Hosts of wrapper iframes; their query names the post (markup._wrapped_urls).
WRAPPER_HOSTS = ("iframe.ly", "embedly.com", "twitframe.com")
# Embedly's script, which a page with anchor cards loads: only then are its anchors read, as
# collecting every anchor of every page for this rare markup would cost a pass of its own.
CARD_SCRIPT = "embedly.com/widgets/platform"
_CARD_ANCHORS = XPath("//a[contains(concat(' ', normalize-space(@class), ' '), ' embedly-card ')]")
PLATFORMS = ("x", "bluesky", "mastodon", "truthsocial", "threads", "instagram", "facebook",
             "tiktok", "youtube", "reddit", "linkedin", "telegram")
WANTS = Wants(tags=("iframe", "blockquote", "script", OEMBED_TAG), div_classes=WRAPPER_DIV_CLASSES,
              attributes=(*EMBEDDED_URL_ATTRS, IFRAMELY_LINK_ATTR))


def find(page: Page) -> Iterator[tuple[HtmlElement, Embed]]:
    for div in with_class(page.divs, *WRAPPER_DIV_CLASSES):
        embed = _from_wrapper_div(div, page)
        if embed is not None:
            yield div, embed
    for iframe, urls in page.iframe_urls():
        if not any(host in url for url in urls for host in WRAPPER_HOSTS):
            continue
        embed = _from_urls(urls, page)
        if embed is not None:
            yield iframe, embed
    for el in page.attributed(*EMBEDDED_URL_ATTRS):
        embed = _from_urls([el.get(a) or "" for a in EMBEDDED_URL_ATTRS], page)
        if embed is not None:
            yield el, embed
    for el in page.tagged(OEMBED_TAG):
        embed = _from_urls([el.get("url") or ""], page)
        if embed is not None:
            yield el, embed
    for el in page.attributed(IFRAMELY_LINK_ATTR):
        ref = parse_post_url(el.get("href") or "") if el.tag == "a" else None
        if ref is not None:
            yield el, embed_of(ref, "iframe")
    for bq in with_class(page.tagged("blockquote"), CARD_CLASS):
        ref = next((r for r in (parse_post_url(a.get("href") or "") for a in bq.iter("a")) if r), None)
        if ref is not None:
            yield bq, embed_of(ref, "iframe")
    if any(CARD_SCRIPT in (script.get("src") or "") for script in page.tagged("script")):
        for a in _CARD_ANCHORS(page.tree):
            ref = parse_post_url(a.get("href") or "")
            if ref is not None:
                yield a, embed_of(ref, "iframe")


def _from_wrapper_div(div: HtmlElement, page: Page) -> Embed | None:
    for iframe in div.iter("iframe"):
        embed = _from_urls([iframe.get("src") or "", iframe.get("data-src") or ""], page)
        if embed is not None:
            return embed
    for a in div.iter("a"):
        ref = parse_post_url(a.get("href") or "")
        if ref is not None:
            return embed_of(ref, "iframe")
        embed = _from_urls([a.get("data-iframely-url") or ""], page)
        if embed is not None:
            return embed
    return None


def _from_urls(urls: list[str], page: Page) -> Embed | None:
    for url in urls:
        if not url:
            continue
        src = "https:" + url if url.startswith("//") else url
        for platform in PLATFORMS:
            ref = page.iframe_ref(src, platform)
            if ref is not None:
                return embed_of(ref, "iframe")
    return None

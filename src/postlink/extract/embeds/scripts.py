"""Embeds an inline script injects at an empty placeholder (lazy loaders, consent managers).

Before its script runs the page holds only an empty element (``<div id="player-3"></div>``)
and an inline ``<script>`` that writes the platform's iframe or blockquote into it, or calls
the platform's widget API with the post. The post is the one post URL the script names
(quotes JSON-escaped as ``https:\\/\\/…`` included), or the id passed to X's documented
``twttr.widgets.createTweet(ID, element)``. Its place is the placeholder:

- the element whose ``id`` the script names, when it is empty; else
- the empty element just before the script (the loader's usual shape).

A script with no empty placeholder is left alone: post URLs in scripts are as often
configuration, analytics or a JSON copy of embeds shown elsewhere (those are found as
markup). Scripts that are data (``type="application/json"``, JSON-LD, templates) and scripts
longer than a loader (a framework bundle names many URLs) are not read. The markup is
``iframe``, as a lazy loader injects one.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from lxml.html import HtmlElement

from postlink.extract.embeds.markup import Page, Wants, embed_of
from postlink.extract.embeds.postlinks import POST_URL_HINT
from postlink.extract.model import Embed
from postlink.platforms import PostRef, parse_post_url

# A loader that injects one embed is a few hundred characters; bundles and state blobs are
# kilobytes and name every post on the page.
MAX_SCRIPT_CHARS = 4000
# Script types that run (no type is JavaScript too); anything else is data or a template.
JS_TYPES = frozenset({"", "text/javascript", "application/javascript", "module",
                      "text/ecmascript", "application/ecmascript"})
_URL = re.compile(r"""(?:https?:)?//[^\s"'<>()\\]+""")
# X's widget API (developer.x.com, "Scripting: factory functions"): createTweet(ID, target).
_CREATE_TWEET = re.compile(r"""createTweet\(\s*['"]?([0-9]{1,20})['"]?\s*,""")
_ID_REFERENCE = re.compile(r"""getElementById\(\s*['"]([^'"]{1,100})['"]\s*\)|['"]#([A-Za-z][\w-]{0,99})['"]""")
# Elements a loader fills: layout boxes, not an image, a form field or a script of its own.
SLOT_TAGS = frozenset({"div", "span", "figure", "section", "p"})
WANTS = Wants(tags=("script",))


def find(page: Page) -> Iterator[tuple[HtmlElement, Embed]]:
    for script in page.tagged("script"):
        if script.get("src") is not None or (script.get("type") or "").strip().lower() not in JS_TYPES:
            continue
        code = script.text or ""
        if len(code) > MAX_SCRIPT_CHARS or not (POST_URL_HINT.search(code) or "createTweet" in code):
            continue  # most scripts name no platform at all
        ref = _post_named(code)
        if ref is None:
            continue
        placeholder = _placeholder(script, code)
        if placeholder is not None:
            yield placeholder, embed_of(ref, "iframe")


def _post_named(code: str) -> PostRef | None:
    """The one post the script names; None when it names none or several."""
    keys: dict[str, PostRef] = {}
    for m in _URL.finditer(code.replace("\\/", "/")):
        url = m.group(0)
        ref = parse_post_url("https:" + url if url.startswith("//") else url)
        if ref is not None:
            keys.setdefault(ref.key, ref)
    for m in _CREATE_TWEET.finditer(code):
        tweet_id = m.group(1).lstrip("0") or "0"
        keys.setdefault(f"x:{tweet_id}", PostRef("x", f"x:{tweet_id}",
                                                 f"https://twitter.com/i/web/status/{tweet_id}"))
    return next(iter(keys.values())) if len(keys) == 1 else None


def _placeholder(script: HtmlElement, code: str) -> HtmlElement | None:
    tree = script.getroottree()
    for m in _ID_REFERENCE.finditer(code):
        found = tree.xpath("//*[@id=$id]", id=m.group(1) or m.group(2))
        if found and _empty(found[0]):
            return found[0]  # type: ignore[no-any-return]
    before = script.getprevious()
    while before is not None and not isinstance(before.tag, str):  # comments
        before = before.getprevious()
    if before is not None and not (before.tail or "").strip() and _empty(before):
        return before
    return None


def _empty(el: HtmlElement) -> bool:
    """No text and no content element: a slot waiting for its embed."""
    return el.tag in SLOT_TAGS and not "".join(el.itertext()).strip() and all(
        child.tag in SLOT_TAGS for child in el.iterdescendants() if isinstance(child.tag, str))

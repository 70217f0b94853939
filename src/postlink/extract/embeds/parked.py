"""Embeds that a consent plugin parked in encoded form until the reader agrees.

Some WordPress consent plugins do not leave the embed's markup in the page: they store it
encoded and show a "load content from X" box in its place, which is all a saved page or a
crawler gets. Three stores are read here, each written by the plugin's own code:

- Borlabs Cookie 3: base64 of the markup in ``data-borlabs-cookie-content`` on the box;
- Borlabs Cookie 2: base64 in a ``<script type="text/template">`` inside the element with
  ``data-borlabs-cookie-type="content-blocker"``, beside the box;
- Embed Privacy: ``var _oembed_<md5> = '<json>';`` in a script in ``.embed-privacy-content``,
  the JSON ``{"embed": …}`` holding the markup (HTML-escaped by newer versions), and the whole
  string escaped once more for the single quotes (PHP's ``addslashes``).

``unpark`` puts the decoded markup where the box was, so the platform finders read it as
the publisher embedded it and the box's "click to load" text never becomes prose.

Squarespace's embed block parks nothing, but keeps the oEmbed markup in the ``html`` of its
``data-block-json`` and often renders an empty wrapper: the markup is put inside the block
(where it stands beside the rendered embed, when there is one, they are one embed).
"""

from __future__ import annotations

import base64
import binascii
import html
import json
import re
from collections.abc import Iterator

from lxml.html import HtmlElement

from postlink.extract.embeds.markup import MAX_EMBED_MARKUP, markup_elements

_EMBED_PRIVACY = re.compile(r"var\s+_oembed_\w+\s*=\s*'(?P<value>.*)'\s*;?\s*$", re.S)
_SLASHED = re.compile(r"\\(['\"\\0])")
# The page source holds one of these when a plugin parked anything: a cheap test before any
# walk of the tree.
_SIGNS = ("data-borlabs-cookie", "embed-privacy-content", "data-block-json")


def unpark(tree: HtmlElement, source: str) -> None:
    """Replace each parked embed's box in ``tree`` by the embed's decoded markup; ``source``
    is the page's text."""
    if not any(sign in source for sign in _SIGNS):
        return
    for block in tree.xpath("//*[@data-block-json]"):
        block.extend(markup_elements(_block_json_markup(block.get("data-block-json") or "")))
    for box, markup in list(_parked(tree)):
        parent = box.getparent()
        elements = markup_elements(markup)
        if parent is None or not elements:
            continue
        tail = box.tail
        index = parent.index(box)
        parent.remove(box)
        for offset, el in enumerate(elements):
            parent.insert(index + offset, el)
        elements[-1].tail = (elements[-1].tail or "") + (tail or "") or None


def _parked(tree: HtmlElement) -> Iterator[tuple[HtmlElement, str]]:
    """(the box to replace, the markup it stands for) for every parked embed."""
    for el in tree.xpath("//*[@data-borlabs-cookie-content]"):
        markup = _base64(el.get("data-borlabs-cookie-content") or "")
        if markup:
            yield el, markup
    for el in tree.xpath("//*[@data-borlabs-cookie-type='content-blocker']"):
        for script in el.iter("script"):
            if (script.get("type") or "").lower() == "text/template":
                markup = _base64(script.text or "")
                if markup:
                    yield _borlabs_box(el), markup
                break
    for content in tree.xpath("//*[contains(concat(' ', normalize-space(@class), ' '), ' embed-privacy-content ')]"):
        for script in content.iter("script"):
            markup = _embed_privacy(script.text or "")
            if markup:
                box = content.getparent()
                yield (box if box is not None and "embed-privacy-container" in (box.get("class") or "")
                       else content), markup
                break


def _borlabs_box(blocker: HtmlElement) -> HtmlElement:
    """The Borlabs 2 box around the parked markup: the ``BorlabsCookie`` wrapper, or the
    ``_brlbs-content-blocker`` that holds the preview beside it."""
    for node in (blocker, *blocker.iterancestors()):
        classes = (node.get("class") or "").split()
        if "BorlabsCookie" in classes or "_brlbs-content-blocker" in classes:
            return node
        if node.tag in ("body", "html"):
            break
    return blocker


def _base64(value: str) -> str | None:
    value = "".join(value.split())
    if not value or len(value) > MAX_EMBED_MARKUP * 4 // 3 + 4:
        return None
    try:
        return base64.b64decode(value, validate=True).decode("utf-8")
    except (binascii.Error, ValueError):
        return None


def _embed_privacy(script: str) -> str | None:
    m = _EMBED_PRIVACY.search(script)
    if m is None or len(m["value"]) > MAX_EMBED_MARKUP * 2:
        return None
    try:
        data = json.loads(_SLASHED.sub(lambda s: "\0" if s[1] == "0" else s[1], m["value"]))
    except ValueError:
        return None
    markup = data.get("embed") if isinstance(data, dict) else None
    if not isinstance(markup, str):
        return None
    # newer versions escape the markup as text; older ones store it as it is
    return html.unescape(markup) if "<" not in markup else markup


def _block_json_markup(value: str) -> str:
    if len(value) > MAX_EMBED_MARKUP * 2:
        return ""
    try:
        data = json.loads(value)
    except ValueError:
        return ""
    markup = data.get("html") if isinstance(data, dict) else None
    return markup if isinstance(markup, str) else ""

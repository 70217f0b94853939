"""Telegram embeds: the widget ``<script src=…telegram-widget.js data-telegram-post="chan/ID">``,
placeholders such as ``div.tg-embed[data-telegram-post]``, and the iframe the script injects
(``t.me/chan/ID?embed=1``). The script tag has no fallback content, so there is no post text.
"""

from __future__ import annotations

from collections.abc import Iterator

from lxml.html import HtmlElement

from postlink.extract.embeds.markup import Page, Wants, embed_of, find_iframes, ref_of
from postlink.extract.model import Embed

PLATFORM = "telegram"
POST_ATTR = "data-telegram-post"
# The widget is <script src=…telegram-widget.js data-telegram-post=…>; any other tag with the
# attribute is a placeholder.
WIDGET_SCRIPT = "telegram-widget.js"
# The elements this finder reads, collected for all finders in one pass (markup.Page).
WANTS = Wants(tags=("iframe",), attributes=(POST_ATTR,))


def find(page: Page) -> Iterator[tuple[HtmlElement, Embed]]:
    marked = page.attributed(POST_ATTR)
    widgets = [el for el in marked if el.tag == "script" and WIDGET_SCRIPT in (el.get("src") or "")]
    placeholders = [el for el in marked if el.tag != "script"]
    for el in widgets + placeholders:
        post = (el.get(POST_ATTR) or "").strip().strip("/")
        ref = ref_of(f"https://t.me/{post}", PLATFORM)
        if ref is not None:
            yield el, embed_of(ref, "iframe")
    yield from find_iframes(page, PLATFORM)

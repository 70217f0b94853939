"""Telegram embeds: the widget ``<script src=…telegram-widget.js data-telegram-post="chan/ID">``,
placeholders such as ``div.tg-embed[data-telegram-post]``, and the iframe the script injects
(``t.me/chan/ID?embed=1``). The script tag has no fallback content, so there is no post text.
"""

from __future__ import annotations

from collections.abc import Iterator

from lxml.html import HtmlElement

from postlink.extract.embeds.markup import embed_of, find_iframes, ref_of
from postlink.extract.model import Embed

PLATFORM = "telegram"
# Text that must occur in the page source for this finder to find anything.
MARKERS = ("telegram", "t.me/")
WIDGETS = "//script[contains(@src, 'telegram-widget.js')][@data-telegram-post]"
PLACEHOLDERS = "//*[not(self::script)][@data-telegram-post]"


def find(tree: HtmlElement) -> Iterator[tuple[HtmlElement, Embed]]:
    for xpath, markup in ((WIDGETS, "iframe"), (PLACEHOLDERS, "iframe")):
        for el in tree.xpath(xpath):
            post = (el.get("data-telegram-post") or "").strip().strip("/")
            ref = ref_of(f"https://t.me/{post}", PLATFORM)
            if ref is not None:
                yield el, embed_of(ref, markup)
    yield from find_iframes(tree, PLATFORM)

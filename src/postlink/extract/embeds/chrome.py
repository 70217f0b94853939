"""Site chrome: navigation, sidebars, share bars, "follow us" and related-story widgets.

Embeds and post links inside chrome are not the article's. An element is in chrome when an
ancestor is a chrome tag, or has a class or id whose first or last word is a chrome word
(``site-sidebar``, ``share-tools``, ``related-stories``). Whole-word matching matters: Vox
wraps its article body in ``l-sidebar-fixed`` (a layout that has a sidebar), which is not chrome,
and Substack's article is ``newsletter-post``, so a word like "newsletter" only counts last.
``<body>`` and ``<html>`` are never read: their classes describe the page (``one-sidebar``).
``<header>`` is not chrome: article headers hold lead images and their credits.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from lxml.html import HtmlElement

CHROME_TAGS = frozenset({"nav", "aside", "footer", "form", "menu"})
CHROME_WORDS = frozenset({
    "sidebar", "widget", "widgets", "share", "sharing", "sharebar", "follow", "related",
    "newsletter", "comments", "comment", "promo", "recirc", "recirculation", "trending",
    "popular", "mostread", "nav", "navigation", "menu", "footer", "breadcrumb", "breadcrumbs",
    "subscribe", "signup", "outbrain", "taboola", "sbi",
})
# Words that also mark chrome as the first word of a name (``share-tools``, ``nav-list``).
CHROME_FIRST_WORDS = frozenset({
    "sidebar", "share", "sharing", "related", "comments", "footer", "nav", "menu", "follow",
    "breadcrumb", "trending", "outbrain", "taboola", "sbi", "recirc",
})
_WORDS = re.compile(r"[-_]+")


@lru_cache(maxsize=4096)  # pages repeat the same few class names on every ancestor walk
def _is_chrome_name(value: str) -> bool:
    for token in value.lower().split():
        words = [w for w in _WORDS.split(token) if w]
        if words and (words[0] in CHROME_FIRST_WORDS or words[-1] in CHROME_WORDS):
            return True
    return False


def in_chrome(el: HtmlElement, ancestors: Sequence[HtmlElement] | None = None) -> bool:
    """True when ``el`` (or an ancestor) is page chrome rather than article content.

    ``ancestors`` (``list(el.iterancestors())``) saves a second walk to a caller that has them.
    """
    for node in (el, *(el.iterancestors() if ancestors is None else ancestors)):
        if node.tag in ("body", "html"):
            break
        if node.tag in CHROME_TAGS:
            return True
        if _is_chrome_name(node.get("class") or "") or _is_chrome_name(node.get("id") or ""):
            return True
    return False

"""Post links: ``<a href>`` in the article to one single post, found on the raw DOM.

They are looked for on the raw DOM, after the embeds have been cut out of it (so links inside an
embed's own markup never count) and before main-content extraction, because image credits,
footnotes and collapsed "read more" parts are article content that extractors often drop.
Site chrome (``chrome.py``) is skipped. Profiles, hashtags, searches and share intents
(``twitter.com/intent/…``, ``facebook.com/sharer…``) are not single-post URLs, so
``parse_post_url`` refuses them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin

from lxml.html import HtmlElement

from postlink.extract.embeds.chrome import in_chrome
from postlink.platforms import PostRef, parse_post_url

# Cheap test before the full parse: most links go nowhere near a platform. One regex search
# per href costs less than half the XPath ``//a[contains(@href, …) or …]`` it replaces, which
# ran fourteen contains() per link inside libxml2's evaluator.
_HINTS = ("twitter.", "x.com", "bsky", "threads.", "instagr", "facebook", "tiktok", "youtu",
          "redd", "linkedin", "t.me", "telegram", "truthsocial", "/@")
_HINT = re.compile("|".join(re.escape(h) for h in _HINTS))
_INERT = frozenset({"noscript", "template"})


@dataclass(frozen=True)
class RawPostLink:
    href: str
    absolute: str
    ref: PostRef
    text: str


def find_post_links(tree: HtmlElement, *, base_url: str | None = None) -> list[RawPostLink]:
    """Links to single posts outside chrome, in page order, each href once."""
    out: list[RawPostLink] = []
    seen: set[str] = set()
    for a in tree.iter("a"):
        raw = a.get("href")
        if raw is None or not _HINT.search(raw):
            continue
        href = raw.strip()
        if not href or href in seen:
            continue
        try:
            absolute = urljoin(base_url, href) if base_url else href
        except ValueError:
            continue
        ref = parse_post_url(absolute)
        if ref is None:
            continue
        ancestors = list(a.iterancestors())  # one walk for both tests
        if any(anc.tag in _INERT for anc in ancestors) or in_chrome(a, ancestors):
            continue
        seen.add(href)
        out.append(RawPostLink(href, absolute, ref, " ".join(a.text_content().split())))
    return out

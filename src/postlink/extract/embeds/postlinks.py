"""Post links: ``<a href>`` in the article to one single post, found on the raw DOM.

They are looked for on the raw DOM, after the embeds have been cut out of it (so links inside an
embed's own markup never count) and before main-content extraction, because image credits,
footnotes and collapsed "read more" parts are article content that extractors often drop.
Site chrome is skipped: ``is_article`` judges each link (the body region once it is known,
``chrome.in_chrome`` by default). Profiles, hashtags, searches and share intents
(``twitter.com/intent/…``, ``facebook.com/sharer…``) are not single-post URLs, so
``parse_post_url`` refuses them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
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
POST_URL_HINT = re.compile("|".join(re.escape(h) for h in _HINTS))
_INERT = frozenset({"noscript", "template"})


@dataclass(frozen=True)
class RawPostLink:
    href: str
    absolute: str
    ref: PostRef
    text: str
    in_region: bool = False  # inside the body region, not only outside chrome


def _outside_chrome(a: HtmlElement) -> bool:
    return not in_chrome(a)


def find_post_links(tree: HtmlElement, *, base_url: str | None = None,
                    is_article: Callable[[HtmlElement], bool] = _outside_chrome,
                    in_region: Callable[[HtmlElement], bool] | None = None) -> list[RawPostLink]:
    """Links to single posts that ``is_article`` keeps, in page order, each href once;
    ``in_region`` says which of them sit inside the body region."""
    out: list[RawPostLink] = []
    seen: set[str] = set()
    for a in tree.iter("a"):
        raw = a.get("href")
        if raw is None or not POST_URL_HINT.search(raw):
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
        if any(anc.tag in _INERT for anc in a.iterancestors()) or not is_article(a):
            continue
        seen.add(href)
        out.append(RawPostLink(href, absolute, ref, " ".join(a.text_content().split()),
                               in_region is not None and in_region(a)))
    return out

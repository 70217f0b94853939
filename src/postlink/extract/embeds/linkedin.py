"""LinkedIn embeds: iframes to ``linkedin.com/embed/feed/update/urn:li:share|ugcPost:ID``, and
``div.linkedin-post[data-href]`` placeholders some sites use. No post text in the markup."""

from __future__ import annotations

from collections.abc import Iterator

from lxml.html import HtmlElement

from postlink.extract.embeds.markup import embed_of, find_iframes, has_class, ref_from_attrs
from postlink.extract.model import Embed

PLATFORM = "linkedin"
# Text that must occur in the page source for this finder to find anything.
MARKERS = ("linkedin",)
PLACEHOLDERS = f"//div[{has_class('linkedin-post')}][@data-href]"


def find(tree: HtmlElement) -> Iterator[tuple[HtmlElement, Embed]]:
    yield from find_iframes(tree, PLATFORM)
    for div in tree.xpath(PLACEHOLDERS):
        ref = ref_from_attrs(div, ("data-href",), PLATFORM)
        if ref is not None:
            yield div, embed_of(ref, "iframe")

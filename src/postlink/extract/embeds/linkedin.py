"""LinkedIn embeds: iframes to ``linkedin.com/embed/feed/update/urn:li:share|ugcPost:ID``, and
``div.linkedin-post[data-href]`` placeholders some sites use. No post text in the markup."""

from __future__ import annotations

from collections.abc import Iterator

from lxml.html import HtmlElement

from postlink.extract.embeds.markup import (
    Page,
    Wants,
    embed_of,
    find_iframes,
    ref_from_attrs,
    with_class,
)
from postlink.extract.model import Embed

PLATFORM = "linkedin"
PLACEHOLDER_CLASS, PLACEHOLDER_URL = "linkedin-post", "data-href"
# The elements this finder reads, collected for all finders in one pass (markup.Page).
WANTS = Wants(tags=("iframe",), div_classes=(PLACEHOLDER_CLASS,))


def find(page: Page) -> Iterator[tuple[HtmlElement, Embed]]:
    yield from find_iframes(page, PLATFORM)
    for div in with_class(page.divs, PLACEHOLDER_CLASS):
        ref = ref_from_attrs(div, (PLACEHOLDER_URL,), PLATFORM)
        if ref is not None:
            yield div, embed_of(ref, "iframe")

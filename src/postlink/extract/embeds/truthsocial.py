"""Truth Social embeds: ``iframe.truthsocial-embed[src=https://truthsocial.com/@user/ID/embed]``.

Truth Social is a Mastodon fork but has its own host and key (``truthsocial:<id>``). The
``embed.truthsocial.com/embed.js`` follow button is not a post and names none.
"""

from __future__ import annotations

from collections.abc import Iterator

from lxml.html import HtmlElement

from postlink.extract.embeds.markup import Page, Wants, find_iframes
from postlink.extract.model import Embed

PLATFORM = "truthsocial"
# The elements this finder reads, collected for all finders in one pass (markup.Page).
WANTS = Wants(tags=("iframe",))


def find(page: Page) -> Iterator[tuple[HtmlElement, Embed]]:
    yield from find_iframes(page, PLATFORM)

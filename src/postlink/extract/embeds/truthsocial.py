"""Truth Social embeds: ``iframe.truthsocial-embed[src=https://truthsocial.com/@user/ID/embed]``.

Truth Social is a Mastodon fork but has its own host and key (``truthsocial:<id>``). The
``embed.truthsocial.com/embed.js`` follow button is not a post and names none.
"""

from __future__ import annotations

from collections.abc import Iterator

from lxml.html import HtmlElement

from postlink.extract.embeds.markup import find_iframes
from postlink.extract.model import Embed

PLATFORM = "truthsocial"
# Text that must occur in the page source for this finder to find anything.
MARKERS = ("truthsocial",)


def find(tree: HtmlElement) -> Iterator[tuple[HtmlElement, Embed]]:
    yield from find_iframes(tree, PLATFORM)

"""Embedded posts in the raw DOM, one module per platform, registered here.

Each platform module exposes ``find(tree) -> list[Found]``: the element that holds the embed
(which the document builder replaces by a position marker) and the Embed it describes.
Embeds are found before main-content extraction, on the raw DOM, and HTML comments are never
read (lxml keeps them as comment nodes, which XPath element steps skip).
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml.html import HtmlElement

from postlink.extract.embeds import x
from postlink.extract.model import Embed


@dataclass(frozen=True)
class Found:
    element: HtmlElement
    embed: Embed


PLATFORM_FINDERS = (x.find,)


def find_embeds(tree: HtmlElement) -> list[Found]:
    """Every embed in document order; an embed nested inside another counts once (the outer)."""
    found: list[Found] = []
    for finder in PLATFORM_FINDERS:
        found.extend(Found(el, emb) for el, emb in finder(tree))
    elements = {id(f.element) for f in found}
    outer = [
        f for f in found
        if not any(id(anc) in elements for anc in f.element.iterancestors())
    ]
    order = {id(el): i for i, el in enumerate(tree.iter())}
    outer.sort(key=lambda f: order.get(id(f.element), 0))
    return outer

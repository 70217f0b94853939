"""Posts pasted into an HTML page as text, with no embed markup (markup ``flattened-text``).

A page may hold a post as its copy left it: a paragraph, or a blockquote that lost its class,
ending in the platform's attribution line ("— Harbour Ferry (@HarbourFerryEx) March 3, 2024").
The body's paragraphs are read as plain text is (flattened.find_posts), each blockquote as one
paragraph, since a page's markup already groups a post's paragraphs. Facebook is left out: its
embed code is always markup, and "Posted by … on …" in a page is a byline.
"""

from __future__ import annotations

from collections.abc import Container, Iterable
from dataclasses import replace
from typing import TypeAlias

import lxml.etree

from postlink.extract.embeds.flattened import FlattenedPost, find_posts
from postlink.platforms import parse_post_url

Element: TypeAlias = lxml.etree._Element


def pasted_posts(body: Element, blocks: Container[str]) -> list[tuple[list[Element], FlattenedPost]]:
    """Each pasted post in the body (trafilatura's tree, whose block tags are ``blocks``), with
    the body elements that hold it, in page order."""
    units: list[Element] = []  # the body's paragraphs; a blockquote is one

    def collect(el: Element) -> None:
        for child in el:
            if child.tag != "quote" and any(c.tag in blocks for c in child):
                collect(child)
            elif child.tag in blocks:
                units.append(child)

    collect(body)
    texts = ["\n\n".join(" ".join("".join(p.itertext()).split()) for p in _paragraphs_of(el, blocks))
             for el in units]
    found = []
    for span in find_posts(texts, runs=False):
        if span.post.platform == "facebook":
            continue
        held = units[span.first:span.last + 1]
        found.append((held, span.post if span.post.url else _with_permalink(span.post, held)))
    return found


def _with_permalink(post: FlattenedPost, elements: Iterable[Element]) -> FlattenedPost:
    """The post with the permalink its paragraphs link to (the date, as the embed code links
    it), when exactly one link there is a post of its platform and author."""
    found = set()
    for el in elements:
        for ref in el.iter("ref"):
            target = parse_post_url(ref.get("target", ""))
            if target and target.platform == post.platform and (
                    target.handle is None or target.handle.lower() == post.handle.lower()):
                found.add(target.permalink)
    return replace(post, url=found.pop()) if len(found) == 1 else post


def _paragraphs_of(el: Element, blocks: Container[str]) -> list[Element]:
    """A quote's paragraphs (the quote itself when it has none); any other block alone."""
    inner = [c for c in el if c.tag in blocks] if el.tag == "quote" else []
    return inner or [el]

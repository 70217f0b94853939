"""Embedded posts in the raw DOM, one module per platform, registered here.

Each platform module exposes ``find(tree) -> Iterator[tuple[element, Embed]]``: the element that
holds the embed (which the document builder replaces by a position marker) and the Embed it
describes, and ``MARKERS``: strings of which one must occur in the page source for
``find`` to have anything to find (a cheap test that skips most finders on most pages).
Adding a platform is one module plus one line in ``PLATFORM_FINDERS``.

Embeds are found before main-content extraction, on the raw DOM. What does not count:
- HTML comments: lxml keeps them as comment nodes, which XPath element steps skip;
- ``<script>`` JSON and CSS/JS mentioning ``.twitter-tweet``: script and style bodies are text,
  not elements (the Telegram widget is matched by its own ``<script>`` tag's attributes);
- embeds in site chrome (``chrome.py``);
- copies inside ``<noscript>``/``<template>`` of a post also embedded outside them (a lazy
  loader's fallback); a post found only inside one still counts once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from types import ModuleType

from lxml.html import HtmlElement

from postlink.extract.embeds import (
    bluesky,
    cards,
    facebook,
    instagram,
    linkedin,
    mastodon,
    reddit,
    standalone,
    telegram,
    threads,
    tiktok,
    truthsocial,
    x,
    youtube,
)
from postlink.extract.embeds.chrome import in_chrome
from postlink.extract.model import Embed


@dataclass(frozen=True)
class Found:
    element: HtmlElement
    embed: Embed


Finder = Callable[[HtmlElement], Iterable[tuple[HtmlElement, Embed]]]


@dataclass(frozen=True)
class PlatformFinder:
    name: str
    markers: tuple[str, ...]
    find: Finder


def _entry(module: ModuleType) -> PlatformFinder:
    return PlatformFinder(module.__name__.rsplit(".", 1)[-1], module.MARKERS, module.find)


# Order matters only when two finders claim the same element: the first one wins.
PLATFORM_FINDERS: tuple[PlatformFinder, ...] = tuple(_entry(m) for m in (
    x, bluesky, mastodon, truthsocial, threads, instagram, facebook, tiktok, youtube, reddit,
    linkedin, telegram, cards, standalone,
))
# Iframe wrappers hide the platform's address (percent-encoded) in a parameter: run every finder.
_WRAPPER_MARKERS = ("iframe.ly", "embedly")
_INERT = frozenset({"noscript", "template"})


def find_embeds(tree: HtmlElement, *, source: str | None = None) -> list[Found]:
    """Every embed in document order; an embed nested inside another counts once (the outer).

    ``source``, the page's HTML text, lets finders whose markers it lacks be skipped.
    """
    # Case-sensitive on purpose: lower-casing a 1 MB page costs more than the finders it skips,
    # and class names and embed addresses are written in lower case.
    run_all = source is None or any(m in source for m in _WRAPPER_MARKERS)
    found: list[Found] = []
    seen: set[int] = set()
    for entry in PLATFORM_FINDERS:
        if not run_all and not any(m in source for m in entry.markers):  # type: ignore[operator]
            continue
        for el, emb in entry.find(tree):
            if id(el) not in seen:
                seen.add(id(el))
                found.append(Found(el, emb))
    outer = [
        f for f in found
        if not any(id(anc) in seen for anc in f.element.iterancestors()) and not in_chrome(f.element)
    ]
    inert = [f for f in outer if _is_inert(f.element)]
    if inert:
        live_keys = {f.embed.key for f in outer if not _is_inert(f.element)}
        kept: set[str] = set()
        for f in inert:  # keep a noscript-only post once
            if f.embed.key in live_keys or f.embed.key in kept:
                outer.remove(f)
            kept.add(f.embed.key)
    lines = [f.element.sourceline or 0 for f in outer]
    if len(set(lines)) < len(lines):  # two embeds on one source line: count elements instead
        order = {id(el): i for i, el in enumerate(tree.iter())}
        outer.sort(key=lambda f: order.get(id(f.element), 0))
    else:
        outer.sort(key=lambda f: f.element.sourceline or 0)
    return outer


def _is_inert(el: HtmlElement) -> bool:
    return any(anc.tag in _INERT for anc in el.iterancestors())

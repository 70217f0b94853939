"""Embedded posts in the raw DOM, one module per platform, registered here.

Each platform module exposes ``WANTS`` (a ``markup.Wants``: the tags, div classes and attributes
of the elements it reads) and ``find(page) -> Iterator[tuple[element, Embed]]``: the element that
holds the embed (which the document builder replaces by a position marker) and the Embed it
describes. ``page`` (a ``markup.Page``) holds what every finder wants, collected in one pass over
the tree. Before, each finder ran its own ``//…`` XPath scans of the whole page, gated by a
search of the page source for platform names; on the dev corpus the scans cost 0.07 s and the
gates 0.05 s per pass (a name that is absent, the usual case, is searched to the end of the
page), against 0.03 s for the one pass and all finders now.
Adding a platform is one module plus one line in ``PLATFORM_FINDERS``.

Embeds are found before main-content extraction, on the raw DOM. What does not count:
- HTML comments: lxml keeps them as comment nodes, which XPath element steps skip;
- ``<script>`` JSON and CSS/JS mentioning ``.twitter-tweet``: script and style bodies are text,
  not elements (the Telegram widget is matched by its own ``<script>`` tag's attributes);
- embeds in site chrome: ``select`` takes the judge (``region.BodyRegion.is_article`` once the
  body is known, else ``chrome.in_chrome``);
- copies inside ``<noscript>``/``<template>`` of a post also embedded outside them (a lazy
  loader's fallback); a post found only inside one still counts once;
- the hidden original beside a rendered widget: a platform script that renders an embed
  (an iframe) often leaves the publisher's blockquote in place, hidden. The two are one
  embed (``one_per_rendering``): the rendered state's markup, the original's text and author.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
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
    scripts,
    standalone,
    telegram,
    threads,
    tiktok,
    truthsocial,
    wrappers,
    x,
    youtube,
)
from postlink.extract.embeds.chrome import in_chrome
from postlink.extract.embeds.markup import Page, Wants
from postlink.extract.model import Embed


@dataclass(frozen=True)
class Found:
    element: HtmlElement
    embed: Embed


Finder = Callable[[Page], Iterable[tuple[HtmlElement, Embed]]]


@dataclass(frozen=True)
class PlatformFinder:
    name: str
    wants: Wants
    find: Finder


def _entry(module: ModuleType) -> PlatformFinder:
    return PlatformFinder(module.__name__.rsplit(".", 1)[-1], module.WANTS, module.find)


# Order matters only when two finders claim the same element: the first one wins.
PLATFORM_FINDERS: tuple[PlatformFinder, ...] = tuple(_entry(m) for m in (
    x, bluesky, mastodon, truthsocial, threads, instagram, facebook, tiktok, youtube, reddit,
    linkedin, telegram, cards, standalone, wrappers, scripts,
))
_WANTS = Wants.union(entry.wants for entry in PLATFORM_FINDERS)
_INERT = frozenset({"noscript", "template"})


def find_embeds(tree: HtmlElement) -> list[Found]:
    """Every embed outside chrome (judged by class names) in document order."""
    return select(find_candidates(tree), lambda el: not in_chrome(el))


def find_candidates(tree: HtmlElement) -> list[Found]:
    """Every embed in document order, chrome included; an embed nested inside another counts
    once (the outer)."""
    page = Page(tree, _WANTS)
    found: list[Found] = []
    seen: set[int] = set()
    for entry in PLATFORM_FINDERS:
        for el, emb in entry.find(page):
            if id(el) not in seen:
                seen.add(id(el))
                found.append(Found(el, emb))
    outer = [f for f in found if not any(id(anc) in seen for anc in f.element.iterancestors())]
    lines = [f.element.sourceline or 0 for f in outer]
    if len(set(lines)) < len(lines):  # two embeds on one source line: count elements instead
        # Only the embeds' own tags: their relative order is the same, and lxml filters in C.
        order = {id(el): i for i, el in enumerate(tree.iter(*{f.element.tag for f in outer}))}
        outer.sort(key=lambda f: order.get(id(f.element), 0))
    else:
        outer.sort(key=lambda f: f.element.sourceline or 0)
    return outer


def select(candidates: Iterable[Found], is_article: Callable[[HtmlElement], bool]) -> list[Found]:
    """The candidates ``is_article`` keeps, in their order, with ``<noscript>``/``<template>``
    copies of a post shown elsewhere left out (a post found only there counts once)."""
    outer = [f for f in candidates if is_article(f.element)]
    inert = [f for f in outer if _is_inert(f.element)]
    if inert:
        live_keys = {f.embed.key for f in outer if not _is_inert(f.element)}
        kept: set[str] = set()
        for f in inert:  # keep a noscript-only post once
            if f.embed.key in live_keys or f.embed.key in kept:
                outer.remove(f)
            kept.add(f.embed.key)
    return outer


def _is_inert(el: HtmlElement) -> bool:
    return any(anc.tag in _INERT for anc in el.iterancestors())


def one_per_rendering(embeds: Sequence[Embed]) -> list[Embed]:
    """Embeds in page order with each rendered widget and its original merged into one.

    Two embeds are one rendering when they are next to each other with no body text between
    them (the same ``position``), name the same post and come in different markup (the
    widget and the blockquote it was rendered from). The same post shown twice in one markup,
    or with article text between, still counts twice.
    """
    out: list[Embed] = []
    for emb in embeds:
        prev = out[-1] if out else None
        if prev is not None and prev.key == emb.key and prev.position == emb.position \
                and prev.markup != emb.markup:
            out[-1] = _merged(prev, emb)
        else:
            out.append(emb)
    return out


def _merged(a: Embed, b: Embed) -> Embed:
    """The rendered state's markup with what either copy knows of the post; the copy with
    the post's text (the original) gives text, author, date and truncation."""
    original, shown = (a, b) if len(a.text) >= len(b.text) else (b, a)
    return replace(original, markup=shown.markup,
                   author_handle=original.author_handle or shown.author_handle,
                   author_name=original.author_name or shown.author_name,
                   url=original.url or shown.url)

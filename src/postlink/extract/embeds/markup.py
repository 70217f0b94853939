"""Helpers the platform modules share: the page's candidate elements, class tests, URLs in
attributes, text of an embed.

Everything here reads the tree and never changes it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlsplit

import lxml.etree
import lxml.html
from lxml.html import HtmlElement

from postlink.extract.model import Embed
from postlink.platforms import PostRef, parse_post_url

# Where an iframe keeps its address: src, or a lazy loader's attribute until it scrolls into
# view, or a consent manager's until the reader accepts (Cookiebot, Complianz, LiteSpeed Cache,
# consentmanager.net; their src is then empty or about:blank).
IFRAME_URL_ATTRS = ("src", "data-src", "data-lazy-src", "data-original", "data-url",
                    "data-cookieblock-src", "data-src-cmplz", "data-litespeed-src", "data-cmp-src")
# AMP pages write iframes as <amp-iframe src=…>; a finder that wants iframes gets both.
IFRAME_TAGS = ("iframe", "amp-iframe")
# Iframe wrappers that carry the real address in a query parameter (Iframely, Embedly).
_WRAPPER_PARAMS = ("url", "src", "href")


# The separators of XPath's normalize-space(): class words are split on these and no others
# (a no-break space is part of a word), as the ``has_class`` predicate splits them.
_XML_SPACE = re.compile(r"[ \t\r\n]+")


def has_class(name: str) -> str:
    """XPath predicate: the element has ``name`` among its classes."""
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


def with_class(elements: Iterable[HtmlElement], *names: str) -> list[HtmlElement]:
    """The elements that have one of ``names`` among their classes (``has_class`` in Python)."""
    wanted = set(names)
    return [el for el in elements if not wanted.isdisjoint(_XML_SPACE.split(el.get("class") or ""))]


def classes(el: HtmlElement) -> set[str]:
    return set((el.get("class") or "").split())


@dataclass(frozen=True)
class Wants:
    """What a platform module reads from a page, so that one pass can collect it for all of them.

    ``tags``: every element of these tags (rare ones: blockquote, iframe, amp-*); ``div_classes``:
    the <div>s with one of these class words (there are thousands of divs, few of these);
    ``attributes``: elements of any tag that carry one of these attributes.
    """

    tags: tuple[str, ...] = ()
    div_classes: tuple[str, ...] = ()
    attributes: tuple[str, ...] = ()

    @staticmethod
    def union(wants: Iterable[Wants]) -> Wants:
        tags: dict[str, None] = {}
        div_classes: dict[str, None] = {}
        attributes: dict[str, None] = {}
        for w in wants:
            tags.update(dict.fromkeys(w.tags))
            div_classes.update(dict.fromkeys(w.div_classes))
            attributes.update(dict.fromkeys(w.attributes))
        return Wants(tuple(tags), tuple(div_classes), tuple(attributes))


class Page:
    """The elements of one page that embed finders read, collected once for all finders.

    Each finder scanning the whole tree with ``//…`` XPath cost as much as this whole pass, and
    there are fourteen finders. ``tree.iter(*tags)`` filters by tag in C, so only the few
    elements asked for become Python objects; attributes on any tag need one XPath. Lists are
    in document order. Post URLs are parsed once per page, not once per finder.
    """

    def __init__(self, tree: HtmlElement, wants: Wants) -> None:
        self.tree = tree
        tags = (*wants.tags, *IFRAME_TAGS) if "iframe" in wants.tags else wants.tags
        self._by_tag: dict[str, list[HtmlElement]] = {tag: [] for tag in tags}
        self.divs: list[HtmlElement] = []  # only those with one of wants.div_classes
        div_class = _class_words_regex(wants.div_classes) if wants.div_classes else None
        scan = set(tags) | ({"div"} if div_class else set())
        for el in tree.iter(*scan) if scan else ():
            tag = el.tag
            if tag == "div" and div_class and div_class.search(el.get("class") or ""):
                self.divs.append(el)
            if tag in self._by_tag:
                self._by_tag[tag].append(el)
        self._attributed: list[HtmlElement] = (
            _attributes_xpath(wants.attributes)(tree) if wants.attributes else [])  # type: ignore[assignment]
        self._refs: dict[tuple[str, bool], PostRef | None] = {}
        self._wrapped: dict[str, list[str]] = {}
        self._iframe_urls: list[tuple[HtmlElement, list[str]]] | None = None

    def tagged(self, tag: str) -> list[HtmlElement]:
        """Every element of ``tag`` (which a finder's ``WANTS.tags`` must name)."""
        return self._by_tag[tag]

    def iframe_urls(self) -> list[tuple[HtmlElement, list[str]]]:
        """Each iframe (``amp-iframe`` too) with its non-empty ``IFRAME_URL_ATTRS`` values in
        that order, read once for the finders that look at iframes."""
        if self._iframe_urls is None:
            self._iframe_urls = [
                (iframe, [v for v in (iframe.get(a) for a in IFRAME_URL_ATTRS) if v])
                for tag in IFRAME_TAGS for iframe in self.tagged(tag)]
        return self._iframe_urls

    def attributed(self, *names: str) -> list[HtmlElement]:
        """Elements that carry one of ``names`` (which ``WANTS.attributes`` must name)."""
        return [el for el in self._attributed if any(el.get(n) is not None for n in names)]

    def attributed_as(self, name: str, value: str) -> list[HtmlElement]:
        """Elements whose attribute ``name`` (which ``WANTS.attributes`` must name) is ``value``."""
        return [el for el in self._attributed if el.get(name) == value]

    def ref(self, url: str | None, platform: str, *, fediverse: bool = False) -> PostRef | None:
        """``ref_of``, parsing each URL once per page (every iframe is offered to every finder)."""
        if not url:
            return None
        key = (url, fediverse)
        if key not in self._refs:
            self._refs[key] = parse_post_url(url, fediverse=fediverse)
        ref = self._refs[key]
        return ref if ref is not None and ref.platform == platform else None

    def iframe_ref(self, src: str, platform: str, *, fediverse: bool = False) -> PostRef | None:
        """The post an iframe shows: its own address, or the one an iframe wrapper passes on."""
        ref = self.ref(src, platform, fediverse=fediverse)
        if ref is not None:
            return ref
        if src not in self._wrapped:
            self._wrapped[src] = _wrapped_urls(src)
        refs = [r for r in (self.ref(v, platform, fediverse=fediverse) for v in self._wrapped[src]) if r]
        # Embedly passes the player (tiktok.com/embed/v2/ID) and the post (…/@user/video/ID):
        # the one that names the author
        return next((r for r in refs if r.handle), refs[0] if refs else None)


_ATTRIBUTE_XPATHS: dict[tuple[str, ...], lxml.etree.XPath] = {}
_CLASS_REGEXES: dict[tuple[str, ...], re.Pattern[str]] = {}


def _class_words_regex(names: tuple[str, ...]) -> re.Pattern[str]:
    """Matches a class attribute with one of ``names`` as a word (``has_class``): one search per
    <div> is cheaper than splitting thousands of class attributes."""
    if names not in _CLASS_REGEXES:
        words = "|".join(re.escape(n) for n in names)
        _CLASS_REGEXES[names] = re.compile(rf"(?:^|[ \t\r\n])(?:{words})(?=[ \t\r\n]|$)")
    return _CLASS_REGEXES[names]


def _attributes_xpath(names: tuple[str, ...]) -> lxml.etree.XPath:
    """Elements with one of the attributes. Selecting the attributes and stepping up to their
    elements is faster in libxml2 than testing each element with ``//*[@a or @b]``."""
    if names not in _ATTRIBUTE_XPATHS:
        _ATTRIBUTE_XPATHS[names] = lxml.etree.XPath("(" + " | ".join(f"//@{n}" for n in names) + ")/..")
    return _ATTRIBUTE_XPATHS[names]


def ref_of(url: str | None, platform: str, *, fediverse: bool = False) -> PostRef | None:
    """The post ``url`` names, if it is one of ``platform``'s."""
    if not url:
        return None
    ref = parse_post_url(url, fediverse=fediverse)
    return ref if ref is not None and ref.platform == platform else None


def ref_from_attrs(el: HtmlElement, attrs: Iterable[str], platform: str, *,
                   fediverse: bool = False) -> PostRef | None:
    for name in attrs:
        ref = ref_of(el.get(name), platform, fediverse=fediverse)
        if ref is not None:
            return ref
    return None


def ref_from_links(el: HtmlElement, platform: str, *, last: bool = True,
                   fediverse: bool = False) -> PostRef | None:
    """The post named by the element's links; the last one wins (an embed's permalink is last)."""
    links = el.xpath(".//a[@href]")
    for a in reversed(links) if last else links:
        ref = ref_of(a.get("href"), platform, fediverse=fediverse)
        if ref is not None:
            return ref
    return None


def _wrapped_urls(src: str) -> list[str]:
    """The addresses an iframe wrapper passes on in its query, in order."""
    try:
        query = urlsplit(src).query
    except ValueError:
        return []
    return [value for name, value in parse_qsl(query)
            if name in _WRAPPER_PARAMS and value.startswith(("http://", "https://", "//"))]


def find_iframes(page: Page, platform: str, *, rendered_classes: Iterable[str] = (),
                 fediverse: bool = False) -> Iterator[tuple[HtmlElement, Embed]]:
    """Iframes (lazy ones included) showing one of ``platform``'s posts.

    An iframe carrying one of ``rendered_classes`` was put there by the platform's script, so
    its markup is ``rendered``; an ``amp-iframe`` is ``amp``; otherwise the publisher wrote
    it and it is ``iframe``.
    """
    rendered = frozenset(rendered_classes)
    for iframe, urls in page.iframe_urls():
        for value in urls:
            ref = page.iframe_ref(value, platform, fediverse=fediverse)
            if ref is not None:
                yield iframe, embed_of(ref, iframe_markup(iframe, rendered))
                break


def iframe_markup(iframe: HtmlElement, rendered_classes: Iterable[str] = ()) -> str:
    """``amp`` for an ``amp-iframe``; ``rendered`` when the iframe or the box the platform's
    script put it in carries one of ``rendered_classes``; else ``iframe``."""
    if iframe.tag != "iframe":
        return "amp"
    parent = iframe.getparent()
    marks = classes(iframe) | (classes(parent) if parent is not None else set())
    return "rendered" if not marks.isdisjoint(rendered_classes) else "iframe"


# Markup larger than this is not one embed's: not parsed (markup_elements).
MAX_EMBED_MARKUP = 200_000


def markup_elements(markup: str) -> list[HtmlElement]:
    """The elements of a piece of embed ``markup`` held as text (parked by a consent plugin,
    escaped into a page); text between them is dropped. Markup too large to be one embed's
    gives none."""
    if len(markup) > MAX_EMBED_MARKUP or "<" not in markup:
        return []
    try:
        elements = lxml.html.fragments_fromstring(markup)
    except (lxml.etree.ParserError, ValueError):
        return []
    return [el for el in elements if isinstance(el, HtmlElement)]


def json_attribute(el: HtmlElement, name: str) -> dict | None:
    """The JSON object an attribute holds (Substack's cards keep theirs in ``data-attrs``), or
    None when it is absent, malformed or not an object."""
    try:
        value = json.loads(el.get(name) or "")
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def embed_of(ref: PostRef, markup: str, **fields: object) -> Embed:
    fields.setdefault("author_handle", ref.handle)
    return Embed(ref.platform, ref.key, markup, url=ref.permalink, **fields)  # type: ignore[arg-type]


def text_with_breaks(el: HtmlElement) -> str:
    """Text content with <br> as a newline; comments, scripts and styles skipped."""
    out = [el.text or ""]
    for child in el:
        if child.tag == "br":
            out.append("\n")
        elif isinstance(child.tag, str) and child.tag not in ("script", "style"):
            out.append(text_with_breaks(child))
        out.append(child.tail or "")
    return "".join(out)


def tidy(text: str) -> str:
    """Collapse spaces inside each line and drop empty edges; keep line breaks."""
    return "\n".join(" ".join(line.split()) for line in text.split("\n")).strip()


def paragraphs_text(paragraphs: Iterable[HtmlElement]) -> str:
    return tidy("\n".join(text_with_breaks(p) for p in paragraphs))


def one_line(text: str | None) -> str:
    return " ".join((text or "").split())


_HANDLE_IN_PARENS = re.compile(r"\(\s*@(?P<handle>[A-Za-z0-9_.\-]{1,64})\s*\)")


def handle_in_parens(text: str) -> re.Match[str] | None:
    """The last "(@handle)" in a footer line such as "A post shared by Name (@handle)"."""
    matches = list(_HANDLE_IN_PARENS.finditer(text))
    return matches[-1] if matches else None

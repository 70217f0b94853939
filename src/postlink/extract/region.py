"""The article body region: where on the page the extracted body paragraphs sit.

Whether an embed or a post link is the article's is decided by structure, not by class names:
it is when it sits inside the body region, whatever its wrappers are called (WordPress/Elementor
wraps whole article bodies in ``elementor-widget-container``; listicles put image credits in a
``figure-footer``). The region is

- the deepest element holding at least nine tenths of the body text the extractor kept (the
  lowest common ancestor of the kept paragraphs, tolerant of a stray caption or teaser kept
  from elsewhere on the page), and
- everything between the first and the last kept paragraph in document order;
- when the article is cut into several containers of one kind (the deepest element's tag and
  class, with ads between them), each of them.

Inside it only a chrome *tag* (``nav``, ``aside``, ``menu``, ``form``) that holds no kept
paragraph makes an element chrome; outside it, the class-name words of ``embeds/chrome.py``
break the tie. Kept paragraphs are found again in the page by their first words
(``paragraph_key``), as the extractor hands back its own copy of them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import lxml.etree
from lxml.html import HtmlElement

from postlink.extract.embeds.chrome import in_chrome

# Page elements that the extractor turns into body paragraphs.
PARAGRAPH_TAGS = ("p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "td", "dd", "pre")
# Extractor elements that are paragraphs (trafilatura's output tags).
_BODY_BLOCKS = ("p", "head", "item", "quote", "cell", "code")
# A paragraph is found again by its first words only when they are this long: shorter keys
# ("Share", "Advertisement") repeat across the page.
_MIN_KEY = 20
_KEY_CHARS = 60
_HEAD_CHARS = 4 * _KEY_CHARS  # text read for a key before looking further
_CORE_SHARE = 0.9
# Chrome by tag even inside the region (a menu or a form box in the article column).
REGION_CHROME_TAGS = frozenset({"nav", "aside", "menu", "form"})
_NON_WORD = re.compile(r"\W+")
# The ASCII characters _NON_WORD matches, and how much of a text is tried as ASCII first.
_ASCII_NON_WORD = bytes(c for c in range(128) if not (chr(c).isalnum() or chr(c) == "_"))
_ASCII_HEAD = 80


def paragraph_key(text: str) -> str:
    """The first words of a paragraph, letters and digits only, to recognise it again."""
    # Dropping non-word characters keeps prefixes, so a long text's key is its first
    # characters' key whenever those already give _KEY_CHARS of it (most paragraphs). ASCII
    # lowercases character by character, so an ASCII head is lowercased and filtered as bytes:
    # the same key, for a fraction of the regex's time (which was a third of the body region's).
    ascii_head = text[:_ASCII_HEAD]
    if ascii_head.isascii():
        key = ascii_head.encode("ascii").lower().translate(None, _ASCII_NON_WORD)
        if len(key) >= _KEY_CHARS:
            return key[:_KEY_CHARS].decode("ascii")
    head = _NON_WORD.sub("", text[:_HEAD_CHARS].lower())
    if len(head) >= _KEY_CHARS or len(text) <= _HEAD_CHARS:
        return head[:_KEY_CHARS]
    return _NON_WORD.sub("", text.lower())[:_KEY_CHARS]


def _leading_key(el: HtmlElement) -> str:
    """``paragraph_key`` of an element's text, reading only as much of it as the key needs
    (a table cell or list item can hold a whole page)."""
    pieces: list[str] = []
    size, check_at = 0, _HEAD_CHARS
    for piece in el.itertext():
        pieces.append(piece)
        size += len(piece)
        if size > check_at:  # looked at again only when the text has doubled: linear
            key = paragraph_key("".join(pieces))
            if len(key) >= _KEY_CHARS:
                return key
            check_at = 2 * size
    return paragraph_key("".join(pieces))


class BodyRegion:
    """Where the kept body paragraphs are in the page ``tree``.

    >>> region = BodyRegion(tree, extracted_body)   # doctest: +SKIP
    >>> region.is_article(element)                  # doctest: +SKIP
    """

    def __init__(self, tree: HtmlElement, body: lxml.etree._Element | None) -> None:
        lengths: dict[str, int] = {}
        if body is not None:
            for el in body.iter(*_BODY_BLOCKS):
                text = " ".join(" ".join(el.itertext()).split())
                key = paragraph_key(text)
                if len(key) >= _MIN_KEY:
                    lengths[key] = max(lengths.get(key, 0), len(text))
        self.kept: list[HtmlElement] = []
        self._mass: dict[HtmlElement, int] = {}  # kept body characters under each element
        total = 0
        if lengths:
            for el in tree.iter(*PARAGRAPH_TAGS):
                n = lengths.get(_leading_key(el), 0)
                if not n:
                    continue
                self.kept.append(el)
                total += n
                for anc in (el, *el.iterancestors()):
                    self._mass[anc] = self._mass.get(anc, 0) + n
        self.lengths = lengths  # kept paragraph key -> its length in the extracted body
        self.root: HtmlElement | None = None
        depth = -1
        for el, mass in self._mass.items():
            if mass >= _CORE_SHARE * total and el.tag not in ("html", "body"):
                d = sum(1 for _ in el.iterancestors())
                if d > depth:
                    self.root, depth = el, d
        self.containers: list[HtmlElement] = []  # the root and its like, in document order
        if self.root is not None:
            cls = self.root.get("class")
            chunks = tree.xpath(f"//{self.root.tag}[@class=$cls]", cls=cls) if cls else []
            self.containers = chunks if len(chunks) > 1 and self.root in chunks else [self.root]
        self._containers = set(self.containers)

    def holds(self, el: HtmlElement, ancestors: Iterable[HtmlElement] | None = None) -> bool:
        """True when ``el`` is inside the region."""
        if not self.kept:
            return False
        if not self._containers.isdisjoint(el.iterancestors() if ancestors is None else ancestors):
            return True
        return _precedes(self.kept[0], el) and _precedes(el, self.kept[-1])

    def is_article(self, el: HtmlElement) -> bool:
        """True when ``el`` is article content: in the region and not in a chrome box there,
        or outside it (or on a page with no kept paragraph) and not named like chrome."""
        ancestors = list(el.iterancestors())
        if not self.holds(el, ancestors):
            return not in_chrome(el, ancestors)
        for node in (el, *ancestors):
            if node in self._containers or node.tag in ("body", "html"):
                break
            if node.tag in REGION_CHROME_TAGS and node not in self._mass and not _wraps_only(node, el):
                return False
        return True


# An aside in the article column holding one embed and at most a caption this long is the
# embed's frame ("<aside class="embed">"), not a sidebar.
_ASIDE_CAPTION = 80


def _wraps_only(node: HtmlElement, el: HtmlElement) -> bool:
    """``node`` is an aside whose text, but for a short caption, is ``el``'s."""
    if node.tag != "aside" or node is el:
        return False
    return len(node.text_content().strip()) - len(el.text_content().strip()) <= _ASIDE_CAPTION


def _path(el: HtmlElement) -> list[int]:
    """Child indexes from the root down to ``el``."""
    out = []
    node = el
    parent = node.getparent()
    while parent is not None:
        out.append(parent.index(node))
        node, parent = parent, parent.getparent()
    return out[::-1]


def _precedes(a: HtmlElement, b: HtmlElement) -> bool:
    """True when ``a`` starts before ``b`` in document order and is not its ancestor."""
    pa, pb = _path(a), _path(b)
    return pa < pb and pb[: len(pa)] != pa

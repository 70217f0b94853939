"""Helpers the platform modules share: class tests, URLs in attributes, text of an embed.

Everything here reads the tree and never changes it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from urllib.parse import parse_qsl, urlsplit

from lxml.html import HtmlElement

from postlink.extract.model import Embed
from postlink.platforms import PostRef, parse_post_url

# Where an iframe keeps its address: src, or a lazy-loader's attribute until it scrolls into view.
IFRAME_URL_ATTRS = ("src", "data-src", "data-lazy-src", "data-original", "data-url")
# Iframe wrappers that carry the real address in a query parameter (Iframely, Embedly).
_WRAPPER_PARAMS = ("url", "src", "href")


def has_class(name: str) -> str:
    """XPath predicate: the element has ``name`` among its classes."""
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


def classes(el: HtmlElement) -> set[str]:
    return set((el.get("class") or "").split())


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


def iframe_ref(src: str, platform: str, *, fediverse: bool = False) -> PostRef | None:
    """The post an iframe shows: its own address, or the one an iframe wrapper passes on."""
    ref = ref_of(src, platform, fediverse=fediverse)
    if ref is not None:
        return ref
    try:
        query = urlsplit(src).query
    except ValueError:
        return None
    for name, value in parse_qsl(query):
        if name in _WRAPPER_PARAMS and value.startswith(("http://", "https://", "//")):
            ref = ref_of(value, platform, fediverse=fediverse)
            if ref is not None:
                return ref
    return None


def find_iframes(tree: HtmlElement, platform: str, *, rendered_classes: Iterable[str] = (),
                 fediverse: bool = False) -> Iterator[tuple[HtmlElement, Embed]]:
    """Iframes (lazy ones included) showing one of ``platform``'s posts.

    An iframe carrying one of ``rendered_classes`` was put there by the platform's script, so
    its markup is ``rendered``; otherwise the publisher wrote it and it is ``iframe``.
    """
    rendered = set(rendered_classes)
    for iframe in tree.iter("iframe"):
        for name in IFRAME_URL_ATTRS:
            value = iframe.get(name)
            ref = iframe_ref(value, platform, fediverse=fediverse) if value else None
            if ref is not None:
                markup = "rendered" if rendered & classes(iframe) else "iframe"
                yield iframe, embed_of(ref, markup)
                break


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

"""XML sitemaps (urlset, sitemap index, Google News sitemaps, gzip) to article items.

Parsed with lxml without network access or entity expansion, so a hostile sitemap cannot
read local files or expand into gigabytes (billion laughs).
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

from lxml import etree

from postlink.errors import FetchError
from postlink.sources import Item

# The sitemaps.org protocol caps a file at 50,000 URLs; anything past it is not a sitemap.
MAX_URLS = 50_000
_GZIP_MAGIC = b"\x1f\x8b"


@dataclass(frozen=True)
class Sitemap:
    """A parsed sitemap: article items (urlset) or child sitemaps (sitemap index)."""

    items: tuple[Item, ...] = ()
    children: tuple[Item, ...] = ()


_CHECK = "check the sitemap URL, or set kind to what the address serves (feed, list)"


def parse_sitemap(body: bytes, *, url: str, max_bytes: int = 50_000_000) -> Sitemap:
    """Parse a urlset or sitemap index, gzipped or not; FetchError if it is neither."""
    if body.startswith(_GZIP_MAGIC):
        body = _gunzip(body, url=url, max_bytes=max_bytes)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, recover=True,
                             huge_tree=False)
    try:
        root = etree.fromstring(body, parser=parser)
    except etree.XMLSyntaxError as exc:
        raise FetchError(url, f"not a readable sitemap ({exc}); {_CHECK}") from exc
    if root is None:
        raise FetchError(url, f"not a readable sitemap (empty or not XML); {_CHECK}")
    kind = etree.QName(root).localname
    if kind == "urlset":
        return Sitemap(items=tuple(_entries(root, "url", url)))
    if kind == "sitemapindex":
        return Sitemap(children=tuple(_entries(root, "sitemap", url)))
    raise FetchError(url, f"not a sitemap (root element <{kind}>, expected <urlset> or "
                          f"<sitemapindex>); {_CHECK}")


def _entries(root: etree._Element, tag: str, url: str) -> list[Item]:
    items: list[Item] = []
    seen: set[str] = set()
    for element in root:
        if not isinstance(element.tag, str) or etree.QName(element).localname != tag:
            continue
        fields = _fields(element)
        loc = fields.get("loc", "").strip()
        if not loc.startswith(("http://", "https://")) or loc in seen:
            continue
        seen.add(loc)
        # News sitemaps date an article by news:publication_date; lastmod wins when both exist.
        stamp = fields.get("lastmod") or fields.get("publication_date") or None
        items.append(Item(loc, stamp=stamp, title=fields.get("title") or None))
        if len(items) >= MAX_URLS:
            break
    return items


def _fields(element: etree._Element) -> dict[str, str]:
    """Text of the element's descendants by local name (loc, lastmod, news:title, ...)."""
    out: dict[str, str] = {}
    for child in element.iter():
        if child is element or not isinstance(child.tag, str):
            continue
        name = etree.QName(child).localname
        if name not in out and child.text and child.text.strip():
            out[name] = child.text.strip()
    return out


def _gunzip(body: bytes, *, url: str, max_bytes: int) -> bytes:
    """Decompress with a size cap: a small .gz can unpack to gigabytes."""
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        data = inflater.decompress(body, max_bytes + 1)
    except zlib.error as exc:
        raise FetchError(url, f"not a readable gzip file ({exc}); {_CHECK}") from exc
    if len(data) > max_bytes:
        raise FetchError(url, f"sitemap unpacks to more than {max_bytes} bytes; "
                              "raise [network] max_bytes")
    return data

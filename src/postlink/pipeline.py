"""One article end to end: read or fetch → extract → cite (analysis.py) → store. Idempotent.

Adding the same content twice adds nothing; changed content adds a version. Everything an
article version produces is written in one transaction. ``batch`` runs analysis.py on a
cluster and stores each result with ``store_analysis``, the same writer ``add`` uses.
"""

from __future__ import annotations

import html
import re
import sqlite3
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx

from postlink.analysis import (
    Analysis,
    ArchiveView,
    ArticleInput,
    analyse,
    extract,
    same_text,
    wanted,
)
from postlink.config import Config
from postlink.errors import InputError
from postlink.extract.dates import parse_date
from postlink.extract.links import canonical_url, find_text_urls
from postlink.extract.model import Document, Embed
from postlink.net.client import Response, charset_of, content_type_of, fetch_sync
from postlink.net.guard import Resolver
from postlink.platforms import created_at, parse_post_url
from postlink.store import Store, sha256
from postlink.unshorten import Resolution, is_shortener, resolve_sync

__all__ = ["AddResult", "ArticleInput", "add_article", "archive_view", "article_from_response",
           "extract", "read_input", "resolve_article_links", "store_analysis", "store_citations",
           "stored_input"]

HTML_SUFFIXES = (".html", ".htm")
TEXT_SUFFIXES = (".txt", ".md")


@dataclass(frozen=True)
class AddResult:
    article_id: int
    version_id: int
    version: int
    created: bool
    url: str
    sentences: int
    posts: int
    citations: int
    unmatched: int


def read_input(source: str, *, url: str | None, offline: bool, config: Config,
               transport: httpx.AsyncBaseTransport | None = None,
               store: Store | None = None) -> ArticleInput:
    """Turn a command-line SOURCE (URL, file path or ``-``) into article bytes."""
    if source.startswith(("http://", "https://")):
        if offline:
            raise InputError(f"{source}: --offline given, so a URL cannot be fetched; "
                             "save the page and pass the file with --url")
        log = store.log_fetch if store else None
        resp = fetch_sync(source, config.network, transport=transport, log=log)
        return article_from_response(resp, url=url)
    if source == "-":
        body = sys.stdin.buffer.read(config.network.max_bytes + 1)
        _check_size("stdin", len(body), config)
        kind = _sniffed_kind(body)
        name = url or f"stdin:{sha256(body)[:16]}"
        return ArticleInput(canonical_url(name) if url else name, body, kind)
    path = Path(source)
    suffix = path.suffix.lower()
    if suffix not in HTML_SUFFIXES + TEXT_SUFFIXES:
        raise InputError(f"{source}: unsupported file type {suffix or '(none)'!r}; "
                         "give an .html, .htm, .txt or .md file, a URL, or - for stdin")
    try:
        _check_size(source, path.stat().st_size, config)
        body = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{source}: cannot read ({exc.strerror}); check the file name and "
                         "its permissions") from exc
    kind = _suffix_kind(source) or "text"
    resolved = str(path.resolve())
    article_url = canonical_url(url) if url else path.resolve().as_uri()
    return ArticleInput(article_url, body, kind, input_path=resolved)


def _sniffed_kind(body: bytes) -> str:
    """HTML if the bytes start like markup, else text (stdin says nothing else)."""
    head = body[:2048].lstrip().lower()
    return "html" if head.startswith((b"<!doctype", b"<html", b"<")) else "text"


def _suffix_kind(path: str) -> str | None:
    suffix = Path(path).suffix.lower()
    return "html" if suffix in HTML_SUFFIXES else "markdown" if suffix == ".md" else \
        "text" if suffix == ".txt" else None


def stored_input(source: dict[str, Any]) -> ArticleInput:
    """The input an archived version was read from, rebuilt from ``Store.version_source``:
    its raw bytes, read as ``add`` read them (a fetched page by its content type, a file by
    its suffix, stdin by its first bytes)."""
    content_type = source.get("content_type") or ""
    if content_type:
        kind = "text" if content_type_of(content_type) == "text/plain" else "html"
    else:
        kind = _suffix_kind(source.get("input_path") or "") or _sniffed_kind(source["body"])
    return ArticleInput(source["url"], source["body"], kind, original_url=source.get("original_url"),
                        input_path=source.get("input_path"), status=source.get("status"),
                        headers=source.get("headers"), charset=charset_of(content_type))


def article_from_response(resp: Response, *, url: str | None = None) -> ArticleInput:
    """Article bytes from a fetched page, named by its canonical URL.

    The name is ``url`` if given, else the page's same-site ``<link rel="canonical">``, else
    the address after redirects, with tracking parameters stripped: one article, one row,
    however many feeds, proxies or campaign links lead to it.
    """
    kind = "html" if resp.content_type in ("", "text/html", "application/xhtml+xml") \
        else "text" if resp.content_type == "text/plain" else None
    if kind is None:
        raise InputError(f"{resp.url}: content type {resp.content_type!r} is not HTML or "
                         "text; give the address of the article's page")
    canonical = rel_canonical(resp.body, resp.final_url) if kind == "html" else None
    name = url or canonical or resp.final_url
    return ArticleInput(canonical_url(name), resp.body, kind, original_url=resp.url,
                        status=resp.status, headers=resp.headers, charset=resp.charset,
                        fetched=tuple(dict.fromkeys((resp.url, *resp.redirects,
                                                     resp.final_url))))


_LINK_TAG = re.compile(rb"<link\b[^>]*>", re.I)
_ATTR = re.compile(rb"""([a-z-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.I)


def rel_canonical(body: bytes, page_url: str) -> str | None:
    """The page's ``<link rel="canonical">`` if it points to the same site, else None.

    Only same-site targets are followed: a canonical link to another host would let any page
    claim to be (and overwrite the record of) someone else's article.
    """
    head = body[:65536]
    end = head.lower().find(b"</head>")
    if end >= 0:
        head = head[:end]
    for tag in _LINK_TAG.findall(head):
        attrs = {m.group(1).lower(): (m.group(2) or m.group(3) or m.group(4) or b"")
                 for m in _ATTR.finditer(tag)}
        if b"canonical" not in attrs.get(b"rel", b"").lower().split():
            continue
        href = html.unescape(attrs.get(b"href", b"").decode("utf-8", "replace")).strip()
        target = urljoin(page_url, href) if href else ""
        if target.startswith(("http://", "https://")) and _same_site(target, page_url):
            return target
        return None
    return None


def _same_site(a: str, b: str) -> bool:
    pa, pb = urlsplit(a), urlsplit(b)
    host_a = (pa.hostname or "").removeprefix("www.")
    host_b = (pb.hostname or "").removeprefix("www.")
    return bool(host_a) and host_a == host_b and pa.port == pb.port


def _check_size(name: str, size: int, config: Config) -> None:
    if size > config.network.max_bytes:
        raise InputError(f"{name}: larger than [network] max_bytes ({config.network.max_bytes}"
                         " bytes); raise it in config.toml to read this input")


def add_article(store: Store, article: ArticleInput, *, source_id: int | None = None) -> AddResult:
    """Extract, store and cite one article; a no-op (apart from last_seen) if unchanged."""
    doc = extract(article)
    analysis = analyse(doc, archive_view(store, doc))
    with store.transaction() as conn:
        return store_analysis(store, conn, article, analysis, source_id=source_id)


def archive_view(store: Store, doc: Document) -> ArchiveView:
    """What the archive knows that changes how ``doc`` is read (analysis.ArchiveView)."""
    handles, linked = wanted(doc)
    by_handle = {h.lower(): store.posts_by_handle(h, provisional=False) for h in handles}
    return ArchiveView({h: rows for h, rows in by_handle.items() if rows},
                       store.post_texts(linked))


def store_analysis(store: Store, conn: sqlite3.Connection, article: ArticleInput,
                   analysis: Analysis, *, source_id: int | None = None) -> AddResult:
    """Write one analysed article version inside the caller's transaction ``conn``: the raw
    capture, the article and, when its content is new, sentences, posts, embeds and links;
    the citations are replaced either way."""
    doc, embeds, result = analysis.doc, analysis.embeds, analysis.cited
    capture_id = store.add_capture(conn, url=article.original_url or article.url,
                                   body=article.body, status=article.status,
                                   headers=article.headers,
                                   content_type=(article.headers or {}).get("content-type"))
    saved = store.save_article(
        conn, url=article.url, original_url=article.original_url,
        input_path=article.input_path, title=doc.title, byline=doc.author,
        published=doc.published, content_sha256=analysis.content_sha256, text=doc.text,
        capture_id=capture_id, source_id=source_id)
    if article.fetched:  # the raw exchanges that brought it say which version they made
        store.link_exchanges(conn, saved.version_id, urls=article.fetched,
                             body_sha256=sha256(article.body))
    if saved.created:
        store.add_sentences(conn, saved.version_id,
                            ((s.index, s.start, s.end, s.text) for s in doc.sentences))
        for i, embed in enumerate(embeds):
            _store_post(store, conn, embed)
            store.add_embed(conn, saved.version_id, i, post_key=embed.key,
                            markup=embed.markup, position=embed.position, text=embed.text,
                            truncated=embed.truncated, date_text=embed.date_text,
                            in_region=embed.in_body_region)
        for ref in analysis.linked:
            store.upsert_post(conn, key=ref.key, platform=ref.platform,
                              permalink=ref.permalink, author_handle=ref.handle,
                              author_name=None, created_at=_created(ref.key),
                              provisional=False)
        in_region = {p.href.strip(): p.in_body_region for p in doc.post_links}
        outside = [p for p in doc.post_links if p.start is None]
        store.add_links(conn, saved.version_id, [
            *((link.href, link.url, link.text, link.start, link.end,
               ref.key if ref else None, None, in_region.get(link.href.strip()) if ref else None)
              for link, ref in zip(doc.links, analysis.link_refs, strict=True)),
            *((p.href, p.url, p.text, None, None, p.key, None, p.in_body_region) for p in outside),
            *_embed_links(embeds),
        ])
    store_citations(store, conn, saved.version_id, analysis)
    return AddResult(saved.article_id, saved.version_id, saved.version, saved.created, article.url,
                     len(doc.sentences), len({p.key for p in analysis.posts}),
                     len(result.citations), len(result.unmatched_quotes))


def store_citations(store: Store, conn: sqlite3.Connection, version_id: int,
                    analysis: Analysis) -> None:
    """Replace the citations and unmatched quotes of one version with ``analysis``'s, each
    citation naming the archived post text it was checked against when not the page's."""
    result = analysis.cited
    store.replace_citations(
        conn, version_id,
        ({"sentence_idx": c.sentence_index, "post_key": c.post_key, "kind": c.kind,
          "score": c.score, "quote": c.quote, "article_start": c.article_span[0],
          "article_end": c.article_span[1],
          "post_start": c.post_span[0] if c.post_span else None,
          "post_end": c.post_span[1] if c.post_span else None, "diff": c.diff,
          "beyond_truncation": int(c.beyond_truncation),
          "post_version_id": analysis.text_from.get(c.post_key)} for c in result.citations),
        ({"sentence_idx": u.sentence_index, "quote": u.quote,
          "article_start": u.article_span[0], "article_end": u.article_span[1]}
         for u in result.unmatched_quotes),
    )


def resolve_article_links(store: Store, config: Config, version_id: int, *,
                          all_hosts: bool = False,
                          transport: httpx.AsyncBaseTransport | None = None,
                          resolver: Resolver | None = None) -> list[Resolution]:
    """Resolve the short links of an article version concurrently; results go to short_links.

    Only known shorteners and wrappers are resolved (``all_hosts`` resolves every absolute
    link): a link straight to an article already says where it goes. Cached results cost no
    request, so calling this again for an unchanged article is cheap.
    """
    hrefs = [row["href"] for row in store.version_rows(version_id, "links", "idx")
             if row["href"].lower().startswith(("http://", "https://"))
             and (all_hosts or is_shortener(row["href"]))]
    if not hrefs:
        return []
    return resolve_sync(hrefs, config.network, store=store, transport=transport,
                        resolver=resolver)


def _embed_links(embeds: Sequence[Embed]) -> list[tuple]:
    """Links written in embedded posts' text (t.co, pic.twitter.com): kept, and resolved,
    but not article links: they carry no offsets and ``in_post`` names their post."""
    rows, seen = [], set()
    for embed in embeds:
        for href, _, _ in find_text_urls(embed.text):
            if (embed.key, href) in seen:
                continue
            seen.add((embed.key, href))
            ref = parse_post_url(href)
            rows.append((href, canonical_url(href), href, None, None, ref.key if ref else None,
                         embed.key, None))
    return rows


def _store_post(store: Store, conn: sqlite3.Connection, embed: Embed) -> None:
    store.upsert_post(conn, key=embed.key, platform=embed.platform, permalink=embed.url,
                      author_handle=embed.author_handle, author_name=embed.author_name,
                      created_at=_created(embed.key) or parse_date(embed.date_text),
                      provisional=embed.provisional)
    if embed.text:
        store.add_post_version(conn, post_key=embed.key, text=embed.text,
                               truncated=embed.truncated, source="embed")
    if not embed.provisional and embed.author_handle and embed.text:
        for row in store.provisional_posts(embed.author_handle):
            if same_text(row["text"], bool(row["truncated"]), embed.text):
                store.merge_post(conn, row["key"], embed.key)


def _created(key: str) -> str | None:
    value = created_at(key)
    return value.isoformat() if value else None

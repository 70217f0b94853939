"""One article version read, before anything is stored: extract, then cite. Pure.

``add`` and ``batch`` both go through here, so they give the same answers by construction:

    doc = extract(article)                      # bytes -> Document
    view = pipeline.archive_view(store, doc)    # the archive's few facts that change the reading
    analysis = analyse(doc, view)               # embeds, posts, citations, content hash
    pipeline.store_analysis(store, conn, article, analysis)   # one transaction

A batch worker never sees the archive, so it analyses with ``EMPTY_VIEW``; the writer then
asks the archive and calls ``revise``, which re-cites only when the archive knows something
that changes the page's posts (a flattened post already archived with its permalink, the text
of a post the page only links to).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from postlink.cite.match import PostText, link_citations
from postlink.cite.model import CiteResult
from postlink.cite.normalize import normalize, words
from postlink.extract.decode import decode_bytes
from postlink.extract.document import extract_html, extract_text
from postlink.extract.embeds.flattened import before_cut, text_fingerprint
from postlink.extract.model import Document, Embed
from postlink.platforms import PostRef, parse_post_url


@dataclass(frozen=True)
class ArticleInput:
    """Raw article bytes and where they came from."""

    url: str  # canonical article URL (or a file:// / stdin: name when none is known)
    body: bytes
    kind: str  # html | text | markdown
    original_url: str | None = None
    input_path: str | None = None
    status: int | None = None
    headers: dict[str, str] | None = None
    charset: str | None = None
    fetched: tuple[str, ...] = ()  # the URLs requested for it, redirect hops first


@dataclass(frozen=True)
class ArchiveView:
    """What the archive already knows that changes how one page is read.

    ``by_handle``: archived (non-provisional) posts, with each of their texts, by the folded
    author handle of each flattened post on the page; ``texts``: the best archived text
    (``Store.post_texts`` rows: a capture first) of each post the page links to or embeds
    without any text (an embed whose markup carries none, a bare post link).
    """

    by_handle: Mapping[str, Sequence[Mapping[str, Any]]] = field(default_factory=dict)
    texts: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)


EMPTY_VIEW = ArchiveView()


@dataclass(frozen=True)
class Analysis:
    """Everything one article version yields, ready to store; plain data (picklable).

    ``embeds`` are the document's, flattened posts already archived taking their post's key;
    ``link_refs`` is the post each of ``doc.links`` names (or None); ``linked`` every post the
    page links to, in the text or outside it (``doc.post_links`` without offsets);
    ``text_from`` the post_versions id of each post whose text came from the archive because
    the page had none or cut it short (posts checked against the page's own text are not in it).
    """

    doc: Document
    embeds: tuple[Embed, ...]
    link_refs: tuple[PostRef | None, ...]
    linked: tuple[PostRef, ...]
    posts: tuple[PostText, ...]
    cited: CiteResult
    content_sha256: str
    text_from: Mapping[str, int] = field(default_factory=dict)


def extract(article: ArticleInput) -> Document:
    """Pure extraction of an input (HTML or text)."""
    base = article.url if article.url.startswith("http") else None
    name = article.input_path or article.url  # errors name the file the user gave
    if article.kind == "html":
        return extract_html(article.body, url=base, charset=article.charset, name=name)
    text = decode_bytes(article.body, declared=article.charset, what=name)
    return extract_text(text, url=base, markdown=article.kind == "markdown", name=name)


def wanted(doc: Document) -> tuple[list[str], list[str]]:
    """What to ask the archive about ``doc``: the author handles of its flattened posts, and
    the keys of the posts whose whole text the page does not give (linked, embedded without
    text, or embedded with a text the platform cut short)."""
    handles = [e.author_handle for e in doc.embeds if e.provisional and e.author_handle]
    return handles, list(dict.fromkeys(
        [ref.key for ref in _linked(doc)[1]] + _incomplete(doc.embeds)))


def analyse(doc: Document, view: ArchiveView = EMPTY_VIEW) -> Analysis:
    """The page's posts and citations, given what the archive knows (``view``)."""
    embeds, link_refs, linked, posts, text_from = _page_posts(doc, view)
    return Analysis(doc, embeds, link_refs, linked, posts, link_citations(doc, posts),
                    _content_hash(doc, embeds), text_from)


def revise(analysis: Analysis, view: ArchiveView) -> Analysis:
    """``analysis`` (made with another view, e.g. a worker's empty one) as ``analyse(doc, view)``
    would make it: re-cited only when ``view`` changes the page's posts, as citations are a
    function of the document and its posts alone."""
    embeds, _, _, posts, text_from = _page_posts(analysis.doc, view)
    if embeds == analysis.embeds and posts == analysis.posts:
        return replace(analysis, text_from=text_from)
    return analyse(analysis.doc, view)


def _incomplete(embeds: Sequence[Embed]) -> list[str]:
    """Keys of the embedded posts none of whose embeds on the page carries their whole text
    (no text, or one cut short with …)."""
    complete = {e.key for e in embeds if e.text and not e.truncated}
    return list(dict.fromkeys(e.key for e in embeds if e.key not in complete))


def _takes_archived(post: PostText, row: Mapping[str, Any]) -> bool:
    """The archived text ``row`` replaces the page's text of ``post``: the page has none, or
    has it cut short (…) where the archive has it whole and it goes on from the page's words."""
    text = row.get("text") or ""
    if not text:
        return False
    if not post.text:
        return True
    return post.truncated and not row.get("truncated") and same_text(post.text, True, text)


def _page_posts(doc: Document, view: ArchiveView
                ) -> tuple[tuple[Embed, ...], tuple[PostRef | None, ...], tuple[PostRef, ...],
                           tuple[PostText, ...], dict[str, int]]:
    embeds = tuple(_resolve_provisional(e, view) for e in doc.embeds)
    link_refs, linked = _linked(doc)
    asked = dict.fromkeys([r.key for r in linked] + _incomplete(embeds))
    known = {k: view.texts[k] for k in asked if k in view.texts}
    posts, archived = _posts_and_archived(embeds, known, linked)
    text_from = {k: int(known[k]["version_id"]) for k in archived
                 if known[k].get("version_id") is not None}
    return embeds, link_refs, linked, tuple(posts), text_from


def _linked(doc: Document) -> tuple[tuple[PostRef | None, ...], tuple[PostRef, ...]]:
    link_refs = tuple(parse_post_url(link.url) for link in doc.links)  # the post each link names
    # Post links the main text left out (image credits, collapsed parts) are the article's
    # too: stored as links without offsets, so the audit lists their posts.
    outside = [p for p in doc.post_links if p.start is None]
    linked = tuple(ref for ref in (*link_refs, *(parse_post_url(p.url) for p in outside))
                   if ref is not None)
    return link_refs, linked


def _content_hash(doc: Document, embeds: Sequence[Embed]) -> str:
    return hashlib.sha256(json.dumps(
        [doc.text, [(e.key, e.text) for e in embeds], [link.url for link in doc.links]],
        ensure_ascii=False).encode("utf-8")).hexdigest()


def _post_texts(embeds: Sequence[Embed], known: Mapping[str, Mapping[str, Any]],
                linked: Sequence[PostRef] = ()) -> list[PostText]:
    """One PostText per post: the embed's text (else the archived text, ``known``) and where
    it sits."""
    return _posts_and_archived(embeds, known, linked)[0]


def _posts_and_archived(embeds: Sequence[Embed], known: Mapping[str, Mapping[str, Any]],
                        linked: Sequence[PostRef] = ()) -> tuple[list[PostText], list[str]]:
    """``_post_texts``, and the keys of the posts whose text is the archived one."""
    archived: list[str] = []
    posts: dict[str, PostText] = {}
    positions: dict[str, tuple[int, ...]] = {}
    for e in embeds:
        if e.position is not None:
            positions[e.key] = (*positions.get(e.key, ()), e.position)
        if e.key not in posts or (not posts[e.key].text and e.text):
            posts[e.key] = PostText(e.key, e.text, e.author_handle, e.author_name, e.truncated,
                                    e.url)
    for key, where in positions.items():
        posts[key] = replace(posts[key], positions=where)
    for key, row in known.items():
        if key not in posts:
            posts[key] = PostText(key, row.get("text") or "", row.get("author_handle"),
                                  row.get("author_name"), bool(row.get("truncated")),
                                  row.get("permalink"))
            if row.get("text"):
                archived.append(key)
        elif _takes_archived(posts[key], row):  # embedded without text, or cut short:
            # the archive's text, where the embed sits
            archived.append(key)
            post = posts[key]
            posts[key] = replace(post, text=row.get("text") or "",
                                 truncated=bool(row.get("truncated")),
                                 author_handle=post.author_handle or row.get("author_handle"),
                                 author_name=post.author_name or row.get("author_name"))
    for ref in linked:  # a linked post is cited by its link even before its text is known
        if ref.key not in posts:
            posts[ref.key] = PostText(ref.key, "", ref.handle, None, url=ref.permalink)
    return list(posts.values()), archived


def _resolve_provisional(embed: Embed, view: ArchiveView) -> Embed:
    """A flattened post whose text matches an archived post by the same author takes its key."""
    if not embed.provisional or not embed.author_handle:
        return embed
    for row in view.by_handle.get(embed.author_handle.lower(), ()):
        if same_text(embed.text, embed.truncated, row["text"]):
            return replace(embed, key=row["key"], provisional=False, url=row["permalink"])
    return embed


def same_text(provisional_text: str, truncated: bool, full_text: str) -> bool:
    """Whether a flattened post's text (cut with … when ``truncated``) is ``full_text``."""
    if text_fingerprint(provisional_text) == text_fingerprint(full_text):
        return True
    if truncated:
        head = words(normalize(before_cut(provisional_text)).text)[:-1]
        return len(head) >= 4 and words(normalize(full_text).text)[: len(head)] == head
    return False

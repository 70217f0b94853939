"""The audit as one self-contained HTML page: the article with its citing sentences and
quoted spans marked, each post beside it with its matched span, word diffs, unmatched quotes.

A pure function of the audit dict (the JSON contract), the body text its spans index, the
sentences' offsets and the posts' archived versions. The page is rendered by Jinja2 with
autoescaping on: article and post text are third-party input and only ever reach the page
as text. The page loads nothing (CSS inline, no scripts, fonts or images; a Content Security
Policy forbids them besides), so it opens offline and is safe to mail. Only http(s) URLs
become links.
"""

from __future__ import annotations

import heapq
import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Mapping, Sequence, Set
from dataclasses import dataclass
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

from postlink.report.markdown import KINDS
from postlink.report.table import TEXT_SOURCES

_PARAGRAPHS = re.compile(r"\n[ \t]*\n\s*")
_DIFF = re.compile(r"\[-(.*?)-\]|\{\+(.*?)\+\}")
STATUS_LABELS = {"live": "live", "deleted": "deleted", "gated": "gated",
                 "unavailable": "unavailable", "not_checked": "not checked"}


@dataclass(frozen=True)
class Run:
    """A stretch of article text that is the same all along: in one sentence (or between
    sentences) and under one mark (or none)."""

    text: str
    sentence: int | None = None
    cited: bool = False  # its sentence cites a post
    mark: str | None = None  # a citation kind, or "unmatched"
    first: bool = False  # the sentence starts here: it carries the sentence's anchor
    last: bool = False  # the sentence ends here: its citation references follow


@dataclass(frozen=True)
class Piece:
    """A stretch of post text, or of a word diff: plain, marked, removed or added."""

    text: str
    kind: str = "plain"  # plain | mark | del | ins


def http_url(url: str | None) -> str | None:
    """The URL if it is http(s) (the only kind the page links), else None."""
    return url if url and re.match(r"(?i)https?://", url.strip()) else None


def _find_parts(text: str, quote: str, lo: int, hi: int) -> list[tuple[int, int]] | None:
    """Where each part of a quote (parts joined by " | ") occurs in ``text[lo:hi]``, in
    order, ignoring case; None unless every part is found."""
    found: list[tuple[int, int]] = []
    at = lo
    for part in (p.strip() for p in quote.split(" | ")):
        if not part:
            continue
        pattern = re.compile(re.escape(part), re.IGNORECASE)
        m = pattern.search(text, at, hi) or pattern.search(text, lo, hi)  # else out of order
        if m is None:
            return None
        found.append((m.start(), m.end()))
        at = m.end()
    return found or None


def _valid(span: Sequence[Any] | None, size: int) -> tuple[int, int] | None:
    if not span or len(span) != 2:
        return None
    start, end = span
    if isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= size:
        return start, end
    return None


def article_marks(audit: Mapping[str, Any], body: str,
                  sentences: Mapping[int, tuple[int, int]]) -> list[tuple[int, int, str]]:
    """(start, end, mark) of each quoted span and unmatched quote in the body text. A quote
    is marked where its words occur in its sentence; when they cannot be found there (the
    stored quote was normalised), its whole ``article_span``."""
    marks: list[tuple[int, int, str]] = []
    for c in audit["citations"]:
        if not c.get("quote"):
            continue  # attribution, paraphrase, link: the sentence is the citation
        span = _valid(c.get("article_span"), len(body))
        lo, hi = sentences.get(c["sentence_index"], span or (0, len(body)))
        if span:
            lo, hi = min(lo, span[0]), max(hi, span[1])
        parts = _find_parts(body, c["quote"], lo, hi)
        for start, end in parts or ([span] if span else []):
            marks.append((start, end, c["kind"]))
    for u in audit["unmatched_quotes"]:
        if span := _valid(u.get("article_span"), len(body)):
            marks.append((span[0], span[1], "unmatched"))
    return marks


def article_paragraphs(body: str, sentences: Mapping[int, tuple[int, int]], cited: Set[int],
                       marks: Sequence[tuple[int, int, str]]) -> list[tuple[int, list[Run]]]:
    """The body text as paragraphs (each with its start offset) of runs, split wherever a
    sentence or a mark begins or ends. A mark listed first wins where two overlap. One sweep
    over the sorted boundaries, so a huge article costs n log n, not n squared."""
    paragraphs: list[tuple[int, int]] = []
    start = 0
    for m in _PARAGRAPHS.finditer(body):
        paragraphs.append((start, m.start()))
        start = m.end()
    paragraphs.append((start, len(body)))
    paragraphs = [(s, e) for s, e in paragraphs if s < e]
    ordered = sorted((s, e, i) for i, (s, e) in sentences.items())
    by_start = sorted(range(len(marks)), key=lambda n: marks[n][0])
    points = sorted({x for s, e in paragraphs for x in (s, e)}
                    | {x for s, e, _ in ordered for x in (s, e) if 0 <= x <= len(body)}
                    | {x for s, e, _ in marks for x in (s, e)})
    out: list[tuple[int, list[Run]]] = [(s, []) for s, _ in paragraphs]
    p = si = mi = 0
    active: list[tuple[int, int]] = []  # (mark number, end): the lowest number still open wins
    for a, b in zip(points, points[1:], strict=False):
        while p < len(paragraphs) and paragraphs[p][1] <= a:
            p += 1
        if p == len(paragraphs):
            break
        p_start, p_end = paragraphs[p]
        while si < len(ordered) and ordered[si][1] <= a:
            si += 1
        while mi < len(by_start) and marks[by_start[mi]][0] <= a:
            heapq.heappush(active, (by_start[mi], marks[by_start[mi]][1]))
            mi += 1
        while active and active[0][1] <= a:
            heapq.heappop(active)
        if a < p_start:
            continue  # the blank lines between paragraphs
        s_start, s_end, index = ordered[si] if si < len(ordered) else (0, 0, -1)
        inside = s_start <= a < s_end
        out[p][1].append(Run(
            text=body[a:b], sentence=index if inside else None, cited=inside and index in cited,
            mark=marks[active[0][0]][2] if active else None,
            first=inside and a == max(s_start, p_start),
            last=inside and b == min(s_end, p_end)))
    return out


def post_pieces(text: str, citations: Sequence[Mapping[str, Any]]) -> list[Piece]:
    """The post text with each citation's matched span marked: each part of the quote where
    it occurs within ``post_span`` (ignoring case), else the whole ``post_span``."""
    spans: list[tuple[int, int]] = []
    for c in citations:
        span = _valid(c.get("post_span"), len(text))
        if span is None:
            continue
        spans += _find_parts(text, c.get("quote") or "", *span) or [span]
    merged: list[list[int]] = []
    for s, e in sorted(spans):
        if merged and s <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    pieces, at = [], 0
    for s, e in merged:
        if s > at:
            pieces.append(Piece(text[at:s]))
        pieces.append(Piece(text[s:e], "mark"))
        at = e
    if at < len(text):
        pieces.append(Piece(text[at:]))
    return pieces


def diff_pieces(diff: str) -> list[Piece]:
    """A stored word diff (``[-post words-] {+quote words+}``, see cite/diff.py) as pieces."""
    pieces, at = [], 0
    for m in _DIFF.finditer(diff):
        if m.start() > at:
            pieces.append(Piece(diff[at:m.start()]))
        pieces.append(Piece(m.group(1), "del") if m.group(1) is not None else Piece(m.group(2), "ins"))
        at = m.end()
    if at < len(diff):
        pieces.append(Piece(diff[at:]))
    return pieces


def _author(post: Mapping[str, Any] | None, key: str) -> str:
    if not post:
        return key
    handle = f"@{post['author_handle']}" if post.get("author_handle") else ""
    name = post.get("author_name") or ""
    return f"{name} ({handle})" if name and handle else name or handle or key


_ENV = Environment(loader=PackageLoader("postlink.report", "templates"), autoescape=True,
                   undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)


def render_html(audit: Mapping[str, Any], body: str, sentences: Sequence[tuple[int, int, int]],
                versions: Mapping[str, Sequence[Mapping[str, Any]]]) -> str:
    """The audit dict as an HTML page. ``sentences`` are (index, start, end) in ``body``;
    ``versions`` the archived versions of each post (fetched_at, source, sha256), newest
    first."""
    citations = list(audit["citations"])
    numbered = list(enumerate(citations, 1))  # citation numbers, as the page shows them
    spans = {i: (s, e) for i, s, e in sentences}
    cited = {c["sentence_index"] for c in citations}
    by_key = {p["key"]: p for p in audit["posts"]}
    post_number = {p["key"]: n for n, p in enumerate(audit["posts"], 1)}
    paragraphs = article_paragraphs(body, spans, cited, article_marks(audit, body, spans))

    starts = [start for start, _ in paragraphs]
    embeds_after: dict[int, list[Mapping[str, Any]]] = {}  # paragraph number -> its embeds
    for p in audit["posts"]:
        position = (p.get("found") or {}).get("position")
        if p.get("embedded") and isinstance(position, int):
            # after the last paragraph that starts before the embed (-1: before them all)
            embeds_after.setdefault(bisect_left(starts, position) - 1, []).append(p)
    of_sentence: dict[int, list[tuple[int, Mapping[str, Any]]]] = {}
    of_post: dict[str, list[tuple[int, Mapping[str, Any]]]] = {}
    for n, c in numbered:
        of_sentence.setdefault(c["sentence_index"], []).append((n, c))
        of_post.setdefault(c["post_key"], []).append((n, c))

    kinds = Counter(c["kind"] for c in citations)
    return _ENV.get_template("audit.html.j2").render(
        article=audit["article"],
        article_url=http_url(audit["article"].get("url")),
        paragraphs=[runs for _, runs in paragraphs],
        embeds_after=embeds_after,
        numbered=numbered,
        by_sentence=of_sentence,
        posts=[{
            "post": p,
            "number": post_number[p["key"]],
            "author": _author(p, p["key"]),
            "permalink": http_url(p.get("url")),
            "status": STATUS_LABELS.get(p.get("status") or "", p.get("status") or "unknown"),
            "status_class": p.get("status") if p.get("status") in STATUS_LABELS else "unknown",
            "pieces": post_pieces(p.get("text") or "", [c for _, c in of_post.get(p["key"], [])]),
            "citations": of_post.get(p["key"], []),
            "versions": versions.get(p["key"], []),
        } for p in audit["posts"]],
        post_number=post_number,
        author_of={k: _author(p, k) for k, p in by_key.items()},
        diffs={n: diff_pieces(c["diff"]) for n, c in numbered if c.get("diff")},
        unmatched=audit["unmatched_quotes"],
        links=[{**link, "href": http_url(link.get("final_url"))} for link in audit.get("links", [])],
        kinds=[(k, kinds[k]) for k in (*KINDS, *sorted(set(kinds) - set(KINDS))) if kinds[k]],
        embedded=sum(1 for p in audit["posts"] if p.get("embedded")),
        text_sources=TEXT_SOURCES,
    )

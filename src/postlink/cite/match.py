"""Link article sentences to the posts they quote or link.

First cut: quoted spans matched exactly (after normalisation) against post text give
``verbatim`` (the whole post, or a whole sentence of it) and ``partial`` (a fragment);
a sentence with a hyperlink to a post gives ``link``. Quotes that match no post are returned
as unmatched, never forced onto the nearest post.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from postlink.cite.normalize import Normalized, normalize, trim_edges, words
from postlink.cite.quotes import Quote, find_quotes
from postlink.extract.model import Document, Sentence
from postlink.platforms import parse_post_url

# Quotes shorter than this are scare quotes ("fake news") unless the post's author is named
# in the same sentence: two common words match too many posts by chance.
MIN_QUOTE_WORDS = 3
KIND_ORDER = ("verbatim", "altered", "partial", "link", "paraphrase", "attribution")


@dataclass(frozen=True)
class PostText:
    """What the resolver knows of a post: its key, text and author."""

    key: str
    text: str
    author_handle: str | None = None
    author_name: str | None = None
    truncated: bool = False
    url: str | None = None


@dataclass(frozen=True)
class Citation:
    post_key: str
    sentence_index: int
    kind: str
    score: float
    quote: str
    article_span: tuple[int, int]
    post_span: tuple[int, int] | None
    diff: str | None = None
    beyond_truncation: bool = False


@dataclass(frozen=True)
class UnmatchedQuote:
    sentence_index: int
    quote: str
    article_span: tuple[int, int]


@dataclass(frozen=True)
class CiteResult:
    citations: tuple[Citation, ...]
    unmatched_quotes: tuple[UnmatchedQuote, ...]


def link_citations(doc: Document, posts: Sequence[PostText]) -> CiteResult:
    """Every citation of ``posts`` in ``doc``'s sentences, and the quotes that match none."""
    normalized = {p.key: normalize(p.text) for p in posts if p.text.strip()}
    citations: list[Citation] = []
    unmatched: list[UnmatchedQuote] = []
    for quote in find_quotes(doc.text, doc.paragraphs):
        sentence = sentence_at(doc.sentences, quote.start)
        if sentence is None:
            continue
        matches = [
            c for p in posts if p.key in normalized
            if (c := _match_quote(quote, sentence, p, normalized[p.key])) is not None
        ]
        if matches:
            citations.extend(matches)
        elif len(words(quote.text)) >= 1:
            unmatched.append(UnmatchedQuote(sentence.index, quote.text, (quote.start, quote.end)))
    citations.extend(_link_citations(doc, posts, citations))
    citations.sort(key=lambda c: (c.sentence_index, c.article_span[0], c.post_key))
    return CiteResult(tuple(citations), tuple(unmatched))


def sentence_at(sentences: Sequence[Sentence], offset: int) -> Sentence | None:
    """The sentence containing ``offset`` (binary search; sentences are sorted)."""
    lo, hi = 0, len(sentences)
    while lo < hi:
        mid = (lo + hi) // 2
        if sentences[mid].end <= offset:
            lo = mid + 1
        else:
            hi = mid
    if lo < len(sentences) and sentences[lo].start <= offset:
        return sentences[lo]
    return None


def _match_quote(quote: Quote, sentence: Sentence, post: PostText, post_norm: Normalized
                 ) -> Citation | None:
    q = normalize(quote.text)
    qs, qe = trim_edges(q.text, 0, len(q.text))
    needle = q.text[qs:qe]
    if not needle:
        return None
    n_words = len(words(needle))
    if n_words < MIN_QUOTE_WORDS and not _names_author(sentence.text, post):
        return None
    at = _find_words(post_norm.text, needle)
    if at < 0:
        return None
    post_span = post_norm.span(at, at + len(needle))
    article_start = quote.start + q.span(qs, qe)[0]
    article_end = quote.start + q.span(qs, qe)[1]
    whole = trim_edges(post_norm.text, 0, len(post_norm.text))
    if (at, at + len(needle)) == whole or _is_whole_sentence(post_norm.text, at, at + len(needle)):
        kind, score = "verbatim", 1.0
    else:
        coverage = len(needle) / max(1, whole[1] - whole[0])
        kind, score = "partial", round(0.7 + 0.3 * coverage, 3)
    return Citation(
        post.key, sentence.index, kind, score, quote.text[q.span(qs, qe)[0]:q.span(qs, qe)[1]],
        (article_start, article_end), post_span,
    )


def _find_words(haystack: str, needle: str) -> int:
    """Index of ``needle`` in ``haystack`` starting and ending on word boundaries, or -1."""
    for m in re.finditer(re.escape(needle), haystack):
        before = haystack[m.start() - 1] if m.start() else " "
        after = haystack[m.end()] if m.end() < len(haystack) else " "
        if not (before.isalnum() and needle[0].isalnum()) and not (
            after.isalnum() and needle[-1].isalnum()
        ):
            return m.start()
    return -1


_POST_SENTENCE_END = re.compile(r"[.!?]+['\s]|\n|$")


def _is_whole_sentence(post: str, start: int, end: int) -> bool:
    """True when [start, end) covers one or more whole sentences of the post text."""
    before = post[:start].rstrip(" '")
    starts_sentence = not before or before[-1] in ".!?\n:" or before.endswith("...")
    after = post[end:]
    ends_sentence = not after.strip(" '") or re.match(r"^[.!?]+(?:['\s]|$)", after) is not None \
        or after.startswith("\n") or re.match(r"^\s*\n", after) is not None
    return starts_sentence and bool(ends_sentence)


def _names_author(sentence: str, post: PostText) -> bool:
    lowered = sentence.lower()
    names = [post.author_handle, *(post.author_name or "").split()]
    return any(n and len(n) > 2 and n.lower() in lowered for n in names)


def _link_citations(doc: Document, posts: Sequence[PostText], quoted: list[Citation]
                    ) -> list[Citation]:
    """A sentence with a hyperlink to a post cites it (unless it already quotes it)."""
    known = {p.key for p in posts}
    have = {(c.sentence_index, c.post_key) for c in quoted}
    out = []
    for link in doc.links:
        ref = parse_post_url(link.url)
        if ref is None or ref.key not in known:
            continue
        sentence = sentence_at(doc.sentences, link.start)
        if sentence is None or (sentence.index, ref.key) in have:
            continue
        have.add((sentence.index, ref.key))
        out.append(Citation(ref.key, sentence.index, "link", 1.0, "", (link.start, link.end), None))
    return out

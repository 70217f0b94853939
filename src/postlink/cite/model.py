"""The records the resolver takes and returns. Field names map onto the audit JSON contract."""

from __future__ import annotations

from dataclasses import dataclass, field

# Precedence when one sentence cites one post in several ways: the first kind wins and the
# others go to ``Citation.also``.
KIND_ORDER = ("verbatim", "altered", "partial", "link", "paraphrase", "attribution")


@dataclass(frozen=True)
class PostText:
    """What the resolver knows of a post.

    ``positions`` are the body offsets where the article embeds the post (empty when it is
    only linked); they tell which sentences sit next to the embed.

    >>> PostText("x:1", "We won.", author_handle="AshbyTenants", positions=(706,))
    """

    key: str
    text: str
    author_handle: str | None = None
    author_name: str | None = None
    truncated: bool = False
    url: str | None = None
    positions: tuple[int, ...] = field(default=())


@dataclass(frozen=True)
class Citation:
    """One sentence citing one post.

    When the sentence quotes several spans of the post, ``quote`` joins them with " | ",
    ``article_span``/``post_span`` run from the first span's start to the last one's end,
    and ``diff`` joins the altered spans' diffs with " | ". ``diff`` uses the format in
    diff.py: ``[-post words-] {+quote words+}``. ``also`` lists other kinds that apply.
    """

    post_key: str
    sentence_index: int
    kind: str
    score: float
    quote: str
    article_span: tuple[int, int]
    post_span: tuple[int, int] | None
    diff: str | None = None
    beyond_truncation: bool = False
    also: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class UnmatchedQuote:
    sentence_index: int
    quote: str
    article_span: tuple[int, int]


@dataclass(frozen=True)
class CiteResult:
    citations: tuple[Citation, ...]
    unmatched_quotes: tuple[UnmatchedQuote, ...]

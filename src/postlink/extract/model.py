"""The frozen records extraction produces."""

from __future__ import annotations

from dataclasses import dataclass, field

# What may end a sentence, in the scripts postlink reads (Hindi's danda, the CJK full stops,
# the Arabic and Urdu question mark and full stop), and the closing quote marks a sentence may
# end on (German closes „…“, Danish »…«): a line ending in neither is a heading or a label.
SENTENCE_END_MARKS = (".", "!", "?", "…", "।", "॥", "。", "！", "？", "؟", "۔")
CLOSING_QUOTES = ('"', "”", "“", "’", "»", "«", "›", "」", "』")


@dataclass(frozen=True)
class Sentence:
    """An article sentence; ``text == body[start:end]``."""

    index: int
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Link:
    """A hyperlink in the article body: original ``href``, canonical ``url``, anchor offsets."""

    href: str
    url: str
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class PostLink:
    """A link in the article body to one single post (not a profile, hashtag or share button).

    ``key`` is the post's canonical key; ``start``/``end`` are the anchor's offsets in the body
    text, or None when the link sits outside the extracted main text (an image credit, a
    collapsed "read more" part) but still inside the article. ``in_body_region``: the link
    sits inside the article body region (region.py); False when it was kept outside it
    because no chrome class word names its boxes.
    """

    key: str
    platform: str
    href: str
    url: str
    text: str = ""
    start: int | None = None
    end: int | None = None
    in_body_region: bool | None = None


@dataclass(frozen=True)
class Embed:
    """A post shown in the article: from embed markup or a flattened attribution paragraph.

    ``key`` is the canonical post key (``x:123``) or, for a flattened post without permalink,
    a provisional key (``x:@handle/<hash>``). ``position`` is the offset in the body text where
    the embed sat (None when the main-content extractor dropped its surroundings).
    ``in_body_region`` as for PostLink; None where there is no region (plain-text input).
    """

    platform: str
    key: str
    markup: str  # blockquote | iframe | amp | rendered | link-only | flattened-text
    url: str | None = None
    author_handle: str | None = None
    author_name: str | None = None
    text: str = ""
    date_text: str | None = None
    truncated: bool = False
    position: int | None = None
    provisional: bool = False
    in_body_region: bool | None = None


@dataclass(frozen=True)
class Document:
    """Everything postlink reads from one article version."""

    text: str
    sentences: tuple[Sentence, ...]
    links: tuple[Link, ...]
    embeds: tuple[Embed, ...]
    title: str | None = None
    author: str | None = None
    published: str | None = None
    url: str | None = None
    paragraphs: tuple[tuple[int, int], ...] = field(default=())
    post_links: tuple[PostLink, ...] = field(default=())

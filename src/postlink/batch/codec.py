"""An Analysis as JSON text and back, for Parquet shards.

JSON, not pickle: a shard is data that ``batch --merge`` may load from anywhere, and loading
a pickle runs code. ``from_json(to_json(a)) == a`` for every Analysis (tests check it on
real pages).
"""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from postlink.analysis import Analysis
from postlink.cite.model import Citation, CiteResult, PostText, UnmatchedQuote
from postlink.extract.model import Document, Embed, Link, PostLink, Sentence
from postlink.platforms import PostRef


def to_json(analysis: Analysis) -> str:
    return json.dumps(asdict(analysis), ensure_ascii=False, separators=(",", ":"))


def from_json(text: str) -> Analysis:
    data = json.loads(text)
    cited = data["cited"]
    return Analysis(
        doc=_document(data["doc"]),
        embeds=tuple(Embed(**e) for e in data["embeds"]),
        link_refs=tuple(PostRef(**r) if r else None for r in data["link_refs"]),
        linked=tuple(PostRef(**r) for r in data["linked"]),
        posts=tuple(PostText(**{**p, "positions": tuple(p["positions"])}) for p in data["posts"]),
        cited=CiteResult(
            tuple(_citation(c) for c in cited["citations"]),
            tuple(UnmatchedQuote(u["sentence_index"], u["quote"], _span(u["article_span"]))
                  for u in cited["unmatched_quotes"])),
        content_sha256=data["content_sha256"],
        text_from=data.get("text_from", {}),  # shards written before it existed lack it
    )


def _document(d: dict[str, Any]) -> Document:
    return Document(
        text=d["text"],
        sentences=tuple(Sentence(**s) for s in d["sentences"]),
        links=tuple(Link(**link) for link in d["links"]),
        embeds=tuple(Embed(**e) for e in d["embeds"]),
        title=d["title"], author=d["author"], published=d["published"], url=d["url"],
        paragraphs=tuple(_span(p) for p in d["paragraphs"]),
        post_links=tuple(PostLink(**p) for p in d["post_links"]),
    )


def _citation(c: dict[str, Any]) -> Citation:
    return Citation(**{**c, "article_span": _span(c["article_span"]),
                       "post_span": _span(c["post_span"]) if c["post_span"] else None,
                       "also": tuple(c["also"])})


def _span(pair: list[int]) -> tuple[int, int]:
    start, end = pair
    return start, end

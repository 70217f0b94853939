"""Quoted spans in article text: straight, curly, single and guillemet quotes."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Quote:
    """The words inside a pair of quote marks; ``start``/``end`` exclude the marks."""

    start: int
    end: int
    text: str


# (opening, closing) pairs tried in turn; straight quotes pair up in order of appearance.
_PAIRS = (("“", "”"), ("«", "»"), ("„", "“"), ("‘", "’"), ("‹", "›"))
# A single straight or curly apostrophe between letters (don't, Biden's) is not a quote mark.
_APOSTROPHE = re.compile(r"(?<=\w)['’](?=\w)")


def find_quotes(text: str, paragraphs: Iterable[tuple[int, int]]) -> list[Quote]:
    """Quotes inside each paragraph, outermost first; a quote may span several sentences."""
    found: list[Quote] = []
    for p_start, p_end in paragraphs:
        chunk = text[p_start:p_end]
        spans = _straight_spans(chunk, '"')
        for open_mark, close_mark in _PAIRS:
            spans += _paired_spans(chunk, open_mark, close_mark)
        spans += _single_straight_spans(chunk)
        for start, end in _outermost(spans):
            inner = chunk[start:end]
            if inner.strip():
                found.append(Quote(p_start + start, p_start + end, inner))
    found.sort(key=lambda q: q.start)
    return found


def _straight_spans(chunk: str, mark: str) -> list[tuple[int, int]]:
    positions = [i for i, c in enumerate(chunk) if c == mark]
    return [(positions[i] + 1, positions[i + 1]) for i in range(0, len(positions) - 1, 2)]


def _paired_spans(chunk: str, open_mark: str, close_mark: str) -> list[tuple[int, int]]:
    spans = []
    masked = _APOSTROPHE.sub("\0", chunk) if close_mark == "’" else chunk
    i = 0
    while True:
        start = masked.find(open_mark, i)
        if start < 0:
            break
        end = masked.find(close_mark, start + 1)
        if end < 0:
            break
        # a nested opening of the same style before the close: skip to the nested one
        spans.append((start + 1, end))
        i = end + 1
    return spans


_SINGLE = re.compile(r"(?<![\w'])'(?=\w)(.+?)(?<=[\w.,!?])'(?!\w)")


def _single_straight_spans(chunk: str) -> list[tuple[int, int]]:
    return [(m.start(1), m.end(1)) for m in _SINGLE.finditer(chunk)]


def _outermost(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    spans = sorted(set(spans), key=lambda s: (s[0], -s[1]))
    kept: list[tuple[int, int]] = []
    for s in spans:
        if kept and s[0] >= kept[-1][0] and s[1] <= kept[-1][1]:
            continue  # nested inside the previous quote
        kept.append(s)
    return kept

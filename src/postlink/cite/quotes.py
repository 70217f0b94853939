"""Quoted spans in article text: straight, curly, single, low-9, guillemet and corner-bracket quotes.

One left-to-right pass per paragraph with a stack of open marks, so nested quotes
(“… ‘…’ …”, «… ‹…› …») come out as an outer quote with its inner quotes, and a quote may
run across sentence boundaries (never across paragraphs: an unclosed mark is dropped at the
paragraph end, because multi-paragraph quotes leave the first paragraph open by convention).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import accumulate

from postlink.extract.model import Sentence


@dataclass(frozen=True)
class Quote:
    """The words inside a pair of quote marks; ``start``/``end`` exclude the marks.

    ``inner`` holds the quotes nested inside this one (all depths, in order).
    """

    start: int
    end: int
    text: str
    inner: tuple[Quote, ...] = field(default=())


# closing mark -> opening marks it may close. “ closes „ (German) and opens otherwise;
# » closes « and otherwise opens a reversed (German) pair, closed by «. Japanese (and
# traditional Chinese) quote with corner brackets, 「…」 and 『…』 inside.
_CLOSERS = {"”": "“„", "“": "„", "»": "«", "«": "»", "›": "‹", "‹": "›", "’": "‘‚",
            "」": "「", "』": "『"}
_OPENERS = set("“„«»‹›‘‚「『")
# Every character _spans looks at; the rest of a chunk is skipped in one regex step.
_MARKS = re.compile("[" + re.escape("\"'’" + "".join(_CLOSERS) + "".join(_OPENERS)) + "]")


def find_quotes(text: str, paragraphs: Iterable[tuple[int, int]]) -> list[Quote]:
    """Outermost quotes inside each paragraph, each with its nested quotes."""
    found: list[Quote] = []
    for p_start, p_end in paragraphs:
        spans = _spans(text[p_start:p_end])
        starts = [s for s, _, _ in spans]
        for start, end, depth in spans:
            if depth or not text[p_start + start:p_start + end].strip():
                continue
            # spans are sorted by start and outer quotes do not overlap: the inner ones of
            # this quote are the spans that start inside it (looked up, not scanned for)
            inside = spans[bisect_left(starts, start):bisect_left(starts, end)]
            inner = tuple(
                Quote(p_start + s, p_start + e, text[p_start + s:p_start + e])
                for s, e, d in inside if d and e <= end and text[p_start + s:p_start + e].strip()
            )
            found.append(Quote(p_start + start, p_start + end, text[p_start + start:p_start + end], inner))
    found.sort(key=lambda q: q.start)
    return found


def _spans(chunk: str) -> list[tuple[int, int, int]]:
    """(start, end, depth) of every closed quote in ``chunk``, sorted by start."""
    stack: list[tuple[str, int]] = []  # (mark, index of the mark)
    depths: dict[str, list[int]] = {}  # mark -> depths in the stack where it is open
    out: list[tuple[int, int, int]] = []

    def push(mark: str, at: int) -> None:
        depths.setdefault(mark, []).append(len(stack))
        stack.append((mark, at))

    def close(openers: str, at: int) -> bool:
        # the innermost open mark among ``openers``, found without walking the stack
        open_at = [depths[m][-1] for m in openers if depths.get(m)]
        if not open_at:
            return False
        depth = max(open_at)
        out.append((stack[depth][1] + 1, at, depth))
        while len(stack) > depth:  # marks opened inside and never closed are dropped
            depths[stack.pop()[0]].pop()
        return True

    for m in _MARKS.finditer(chunk):
        i, ch = m.start(), m.group(0)
        prev = chunk[i - 1] if i else " "
        nxt = chunk[i + 1] if i + 1 < len(chunk) else " "
        if ch == '"':
            if not close('"', i):
                push(ch, i)
        elif ch == "'" or ch == "’":
            if prev.isalnum() and nxt.isalnum():
                continue  # apostrophe: don't, Biden's
            opener = "'" if ch == "'" else "‘‚"
            if not nxt.isalnum() and not prev.isspace() and close(opener, i):
                continue
            if ch == "'" and not prev.isalnum() and not nxt.isspace():  # '£40m ...
                push(ch, i)
            # otherwise a plural possessive (the tenants' lawyer) or a stray mark
        elif ch in _CLOSERS and close(_CLOSERS[ch], i):
            continue
        elif ch in _OPENERS:
            push(ch, i)
    out.sort()
    return out


class QuoteIndex:
    """The page's quotes by start and by end, for questions asked once per sentence."""

    def __init__(self, quotes: Sequence[Quote]) -> None:
        self.by_start = sorted(quotes, key=lambda q: (q.start, q.end))
        self.starts = [q.start for q in self.by_start]
        self.reach = list(accumulate((q.end for q in self.by_start), max))  # furthest end so far
        self.by_end = sorted(quotes, key=lambda q: (q.end, q.start))
        self.ends = [q.end for q in self.by_end]

    def covers(self, offset: int) -> bool:
        """A quote opens before ``offset`` and closes after it."""
        i = bisect_left(self.starts, offset) - 1
        return i >= 0 and self.reach[i] > offset

    def holds(self, offset: int) -> bool:
        """``offset`` is a character of some quote's text (its opening position included)."""
        i = bisect_right(self.starts, offset) - 1
        return i >= 0 and self.reach[i] > offset

    def starting_in(self, span: Sentence) -> list[Quote]:
        """Quotes opening inside ``span`` (anything with ``start`` and ``end``)."""
        lo, hi = bisect_left(self.starts, span.start), bisect_left(self.starts, span.end)
        return self.by_start[lo:hi]

    def ending_in(self, lo: int, hi: int) -> list[Quote]:
        """Quotes ending at an offset in [lo, hi], first-opened first."""
        found = self.by_end[bisect_left(self.ends, lo):bisect_right(self.ends, hi)]
        return sorted(found, key=lambda q: q.start)

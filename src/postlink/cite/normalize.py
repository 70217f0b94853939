"""Text normalisation for matching, with a map back to the original offsets."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from postlink.lexicon import WORD_PATTERN

_QUOTES = str.maketrans({c: "'" for c in "\"“”„‟«»‹›‘’‚‛`´″′「」『』"})
_DASHES = str.maketrans({c: "-" for c in "‐‑‒–—―−"})
# Links and media handles carry no quotable words; quotes in articles drop them.
_LINKS = re.compile(r"(?:https?://|www\.|pic\.twitter\.com/)\S+", re.I)


@dataclass(frozen=True)
class Normalized:
    """``text`` is the normalised string; ``offsets[i]`` is where its i-th char came from.

    ``offsets`` has one extra entry, the end of the original, so spans map back with
    ``offsets[start]`` and ``offsets[end - 1] + 1``.
    """

    text: str
    offsets: tuple[int, ...]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original (start, end) of the normalised slice [start, end)."""
        return self.offsets[start], self.offsets[end - 1] + 1


# Runs the fast path copies whole: printable ASCII but "&" (which becomes " and "), words
# and single spaces between them, so that most sentences are one run, not one per word.
_RUNS = re.compile(r"([!-%'-~]+(?: [!-%'-~]+)*)|(\s+)|(.)", re.S)
_ASCII = str.maketrans({'"': "'", "`": "'"})


@lru_cache(maxsize=4096)  # curly quotes, dashes, accented letters: the same few recur
def _piece(ch: str) -> str:
    """What one character outside the ASCII fast path becomes."""
    if ch == "&":
        return " and "
    if ch == "…":
        return "..."
    return unicodedata.normalize("NFKC", ch).translate(_QUOTES).translate(_DASHES).lower()


def _mask_links(text: str) -> str:
    """``text`` with its links blanked out, the length kept."""
    if not _may_link(text):
        return text  # most texts: no regex pass
    return _LINKS.sub(lambda m: " " * len(m.group(0)), text)


def _may_link(text: str) -> bool:
    """Every link _LINKS finds has "://", "www." or "c.tw" (of pic.twitter.com) in it, in any
    case; these letters have no other-script case variants that re.I would match, so
    lower() finds them as it does."""
    low = text.lower()
    return "://" in text or "www." in low or "c.tw" in low


def word_text(text: str) -> str:
    """A text with the same runs of word characters as ``normalize(text).text``. In ASCII
    with no "&" and no link, normalising changes only case, quote marks and spaces, none of
    which is a word character: ``text.lower()`` will do, without the walk over characters."""
    if text.isascii() and "&" not in text and not _may_link(text):
        return text.lower()
    return normalize(text).text


@lru_cache(maxsize=4096)  # a sentence is normalised for its quotes, words and stems alike
def normalize(text: str) -> Normalized:
    """NFKC, one quote and one dash style, `&` as "and", no links, single spaces, lower case."""
    masked = _mask_links(text)
    out: list[str] = []
    offsets: list[int] = []
    space = True  # the output is empty or ends in a space: a space would be doubled
    for m in _RUNS.finditer(masked):
        plain, blank = m.group(1), m.group(2)
        if plain:  # ASCII maps one to one: translate and lower the whole run at once
            out.append(plain.translate(_ASCII).lower())
            offsets.extend(range(m.start(), m.end()))
            space = False
        elif blank:
            if not space:
                out.append(" ")
                offsets.append(m.start())
                space = True
        else:
            i = m.start()
            for p in _piece(m.group(3)):
                if p.isspace():
                    if space:
                        continue
                    p = " "
                out.append(p)
                offsets.append(i)
                space = p == " "
    joined = "".join(out)
    trimmed = joined.rstrip(" ")
    del offsets[len(trimmed):]
    offsets.append(len(text))
    return Normalized(trimmed, tuple(offsets))


_WORD = re.compile(rf"{WORD_PATTERN}(?:'{WORD_PATTERN})?")


def words(text: str) -> list[str]:
    return _WORD.findall(text)

"""BM25 ranking of a bounded window of full-text hits, for words too common to rank in full.

FTS5's ``bm25()`` counts, for every query, all the rows that hold each word (its IDF), so a
search for a word in a million sentences reads a million doclist entries before it returns
twenty (issue 15: 27 s for a common word). ``search.py`` therefore ranks with ``bm25()`` only
when every word is in at most a window's worth of rows; otherwise it takes the newest window
of matches and ranks them here, with the same formula and FTS5's constants, from word counts
it estimated without reading every row. Pure functions: no SQL.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Mapping, Sequence

K1 = 1.2  # FTS5's bm25 defaults
B = 0.75


def tokens(text: str) -> list[str]:
    """Words as FTS5's unicode61 tokenizer sees them: case and accents folded."""
    text = text.lower()
    if not text.isascii():  # most text is: skip the per-character pass
        text = "".join(c for c in unicodedata.normalize("NFKD", text)
                       if not unicodedata.combining(c))
    return re.findall(r"\w+", text)


def estimate_rows(window: int, newest: int, oldest_in_window: int) -> float:
    """Rows holding a word when its newest ``window`` hits span rowids ``oldest_in_window`` to
    ``newest`` and rowids start at 1: the hit density of the window times every rowid."""
    return window * newest / max(1, newest - oldest_in_window + 1)


def bm25_order(rows: Sequence[tuple[int, str]], words: Sequence[str],
               rows_with: Mapping[str, float], total_rows: float) -> list[int]:
    """Row ids of ``rows`` (id, text) best first by BM25 of ``words`` (folded by
    ``tokens``); ties by id, as FTS5.

    ``rows_with[word]`` is how many rows of the table hold the word; ``total_rows`` how many
    rows the table has. Document lengths are averaged over ``rows`` (FTS5 averages the table).
    """
    counted = [(rowid, tokens(text)) for rowid, text in rows]
    avg = sum(len(t) for _, t in counted) / max(1, len(counted))
    idf = {}  # in query order: FTS5 sums the words in that order, and so must we
    for word in dict.fromkeys(words):
        n = rows_with.get(word, 0.0)
        # FTS5 floors a non-positive IDF (a word in more than half the rows) at 1e-6
        idf[word] = max(math.log((total_rows - n + 0.5) / (n + 0.5)), 1e-6)
    scored = []
    for rowid, toks in counted:
        score = 0.0
        for word, weight in idf.items():
            tf = toks.count(word)
            if tf:
                # grouped as in fts5_aux.c, so equal scores round alike and ties go by id
                score += weight * (tf * (K1 + 1.0)) / (tf + K1 * (1 - B + B * len(toks) / avg))
        scored.append((-score, rowid))
    return [rowid for _, rowid in sorted(scored)]

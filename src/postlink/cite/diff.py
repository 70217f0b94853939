"""Readable word-level diffs between a quote and the post text it alters.

Format (stored in ``Citation.diff``): the post's words in order, with words the article
dropped or changed as ``[-post words-]`` and words it added or changed to as
``{+quote words+}``; an ellipsis in the quote shows as ``{+…+}`` after the dropped words.
Example: ``close for [-three-] {+3+} weeks from Monday so crews can replace the [-deck-] joints``.
"""

from __future__ import annotations

from collections.abc import Sequence
from difflib import SequenceMatcher


def word_diff(post_words: Sequence[str], quote_words: Sequence[str],
              post_keys: Sequence[str], quote_keys: Sequence[str]) -> str:
    """Diff of display words, aligned on comparison keys (normalised words)."""
    parts: list[str] = []
    matcher = SequenceMatcher(None, list(post_keys), list(quote_keys), autojunk=False)
    for op, a0, a1, b0, b1 in matcher.get_opcodes():
        if op == "equal":
            parts.append(" ".join(post_words[a0:a1]))
            continue
        if a1 > a0:
            parts.append("[-" + " ".join(post_words[a0:a1]) + "-]")
        if b1 > b0:
            parts.append("{+" + " ".join(quote_words[b0:b1]) + "+}")
    return " ".join(p for p in parts if p)

"""Compare one quote with one post's text: verbatim, partial, altered, beyond truncation.

Both texts are cut into normalised words (see normalize.py), so case, quote and dash styles,
links and punctuation never decide a match. Words inside [brackets] in the quote are the
writer's own (editorial) and need not be in the post; an ellipsis inside the quote allows
post words to be skipped there. ``match_drifted`` also lets a quoted word drift from the
post's by a typo or a spelling ("honor", "bla" for "honour", "blah"), for a post the caller
has other reasons to think the quote is from; such a quote is altered, with its diff.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import cached_property

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from postlink.cite.diff import word_diff
from postlink.cite.normalize import normalize
from postlink.lexicon import WORD_PATTERN, cues_any

# A word of a quote or a post, with its apostrophes ("don't" is one word).
QUOTE_WORD = re.compile(rf"{WORD_PATTERN}(?:'{WORD_PATTERN})*")
# Scripts written without spaces (kana, Han): each character is compared as a word, so that a
# quote of part of a run ("午前7時に出ます" of "最初のフェリーは…午前7時に出ます") matches it.
_UNSPACED = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f"
_HAS_UNSPACED = re.compile(f"[{_UNSPACED}]")
_UNSPACED_PIECE = re.compile(f"[{_UNSPACED}]|[^{_UNSPACED}]+")
_BRACKETS = re.compile(r"\[[^\]]*\]")
# A sentence ends between two words where a stop comes with no comma after it: "(we all do!), but" goes on.
_SENTENCE_GAP = re.compile(r"[.!?:;…\n。！？][^,、]*$")
_ELLIPSIS = re.compile(r"\.\.\.")
# Quotes of at most this many words are scare quotes unless the caller has strong evidence.
SHORT_QUOTE_WORDS = 2
# An altered quote may change or drop at most this share of its words (and of the post's).
MAX_CHANGED_SHARE = 0.2
# A drifted word is one edit from the post's (two from a word this long or longer), keeps its
# first letter and has DRIFT_MIN letters or more; function words and numbers never drift
# ("then" is not "the", 7.3 is not 7.2: those are changes).
DRIFT_LONG = 8
DRIFT_MIN = 3
_FUNCTION_WORDS = cues_any("stopwords")


@dataclass(frozen=True)
class Word:
    key: str  # normalised form compared
    start: int  # offsets into the original text
    end: int
    editorial: bool = False
    text: str = ""  # the word as written, for diffs


@dataclass(frozen=True)
class PostWords:
    """A post's words and where its sentences start and end (word indices)."""

    words: tuple[Word, ...]
    sentence_starts: frozenset[int]
    sentence_ends: frozenset[int]
    truncated: bool

    # worked out once: a post is compared with every quote of its page
    @cached_property
    def keys(self) -> list[str]:
        return [w.key for w in self.words]

    @cached_property
    def key_set(self) -> frozenset[str]:
        return frozenset(self.keys)

    @cached_property
    def drift_choices(self) -> list[str]:
        """The post's words a quoted word may drift from (drifted)."""
        return sorted(k for k in self.key_set if _may_drift(k))


@dataclass(frozen=True)
class QuoteMatch:
    """How a quote matches a post. ``pairs`` maps quote word index -> post word index."""

    kind: str  # verbatim | partial | altered
    score: float
    quote_span: tuple[int, int]  # offsets into the quote text
    post_span: tuple[int, int]  # offsets into the post text
    pairs: tuple[tuple[int, int], ...]
    diff: str | None = None
    beyond_truncation: bool = False


def split_words(text: str) -> tuple[list[Word], list[int]]:
    """Words of ``text`` and the word indices where an ellipsis sits between words."""
    norm = normalize(text)
    editorial = [m.span() for m in _BRACKETS.finditer(norm.text)]
    bracket_starts = [a for a, _ in editorial]
    words: list[Word] = []
    word_starts: list[int] = []  # in the normalised text
    for at, stop in _word_spans(norm.text):
        start, end = norm.span(at, stop)
        i = bisect_right(bracket_starts, at) - 1  # the last bracket opening before it
        inside = i >= 0 and at < editorial[i][1]
        words.append(Word(norm.text[at:stop].replace("_", ""), start, end, inside, text[start:end]))
        word_starts.append(at)
    ellipses = [bisect_left(word_starts, m.start()) for m in _ELLIPSIS.finditer(norm.text)]
    return words, ellipses


def count_words(text: str) -> int:
    """How many of split_words' words of ``text`` are not [editorial], counted without
    cutting them: a page counts every quote's words, and compares only some with posts."""
    norm = normalize(text).text
    return _count(norm) - sum(_count(m.group(0)) for m in _BRACKETS.finditer(norm))


def _count(text: str) -> int:
    if not _has_unspaced(text):
        return len(QUOTE_WORD.findall(text))
    return sum(1 for _ in _word_spans(text))


def _has_unspaced(text: str) -> bool:
    return not text.isascii() and bool(_HAS_UNSPACED.search(text))


def _word_spans(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each word of ``text``: QUOTE_WORD's, a run without spaces cut into its
    characters."""
    unspaced = _has_unspaced(text)
    for m in QUOTE_WORD.finditer(text):
        if not unspaced or not _HAS_UNSPACED.search(m.group(0)):
            yield m.span()
            continue
        for piece in _UNSPACED_PIECE.finditer(m.group(0)):
            yield m.start() + piece.start(), m.start() + piece.end()


def post_words(text: str, truncated: bool = False) -> PostWords:
    words, _ = split_words(text)
    starts, ends = {0}, {len(words) - 1}
    for i in range(1, len(words)):
        if _SENTENCE_GAP.search(text[words[i - 1].end:words[i].start]):
            starts.add(i)
            ends.add(i - 1)
    return PostWords(tuple(words), frozenset(starts), frozenset(ends), truncated)


def match_quote(quote: str, post: PostWords, *, allow_short: bool = False) -> QuoteMatch | None:
    """The best match of ``quote`` in ``post``, or None when the post does not contain it."""
    words, ellipses = split_words(quote)
    return match_words(words, ellipses, post, allow_short=allow_short)


def match_words(words: list[Word], ellipses: list[int], post: PostWords, *,
                allow_short: bool = False) -> QuoteMatch | None:
    """``match_quote`` of a quote already cut by ``split_words``: a page compares each of
    its quotes with every post, and cuts it once."""
    core = [i for i, w in enumerate(words) if not w.editorial]
    if not core or not post.words:
        return None
    keys = [words[i].key for i in core]
    if post.key_set.isdisjoint(keys):
        return None  # every kind of match pairs some of the quote's own words with the post's
    inner_ellipsis = any(0 < e < len(words) for e in ellipses)
    altered_marks = inner_ellipsis or len(core) < len(words)
    at = _find(post.keys, keys)
    if len(core) < len(words) and not inner_ellipsis:
        # "[link]", "[sic]" written in the post itself are the post's words, not the
        # article's editorial brackets: a quote of them unchanged is exact
        whole = _find(post.keys, [w.key for w in words])
        if whole >= 0 and (len(words) > SHORT_QUOTE_WORDS or allow_short):
            return _exact(words, post, tuple((qi, whole + qi) for qi in range(len(words))))
    if len(keys) <= SHORT_QUOTE_WORDS and (not allow_short or at < 0 or altered_marks):
        return None
    if at >= 0 and not altered_marks:
        pairs = tuple((qi, at + n) for n, qi in enumerate(core))
        return _exact(words, post, pairs)
    if post.truncated:
        beyond = _beyond_truncation(words, core, post)
        if beyond is not None:
            return beyond
    return _altered(words, core, ellipses, inner_ellipsis, post)


def match_drifted(words: list[Word], ellipses: list[int], post: PostWords) -> QuoteMatch | None:
    """``match_words`` once the quote's words that drift from the post's are read as the
    post's: always an altered match, its diff showing the words as the quote spells them."""
    read = drifted(words, post)
    if read is None:
        return None
    core = [i for i, w in enumerate(read) if not w.editorial]
    inner_ellipsis = any(0 < e < len(words) for e in ellipses)
    return _altered(read, core, ellipses, inner_ellipsis, post, shown=words)


def drifted(words: list[Word], post: PostWords) -> list[Word] | None:
    """``words`` with each word the post lacks read as the one post word it drifts from, or
    None when none drifts. Two post words as near as each other leave the word as it is."""
    out, changed = list(words), False
    for i, w in enumerate(words):
        if w.editorial or w.key in post.key_set or not _may_drift(w.key):
            continue
        limit = 2 if len(w.key) >= DRIFT_LONG else 1
        near = [(k, d) for k, d, _ in process.extract(
            w.key, post.drift_choices, scorer=Levenshtein.distance, score_cutoff=limit, limit=2)
            if k[0] == w.key[0]]
        if near and (len(near) == 1 or near[0][1] < near[1][1]):
            out[i] = Word(near[0][0], w.start, w.end, False, w.text)
            changed = True
    return out if changed else None


def _may_drift(key: str) -> bool:
    return len(key) >= DRIFT_MIN and key.isalpha() and key not in _FUNCTION_WORDS


def exact_kind(post: PostWords, first: int, last: int) -> str:
    """verbatim when post words [first, last] are the whole post or whole sentences of it."""
    whole = first in post.sentence_starts and last in post.sentence_ends
    if post.truncated and last == len(post.words) - 1:
        whole = False  # the visible end of a cut post is not the end of a sentence
    return "verbatim" if whole else "partial"


def _exact(words: list[Word], post: PostWords, pairs: tuple[tuple[int, int], ...]) -> QuoteMatch:
    first, last = pairs[0][1], pairs[-1][1]
    kind = exact_kind(post, first, last)
    coverage = (last - first + 1) / len(post.words)
    score = 1.0 if kind == "verbatim" else round(0.6 + 0.4 * coverage, 3)
    return QuoteMatch(kind, score, _span(words, pairs[0][0], pairs[-1][0]),
                      (post.words[first].start, post.words[last].end), pairs)


def _beyond_truncation(words: list[Word], core: list[int], post: PostWords) -> QuoteMatch | None:
    """The quote's head matches the visible tail of a cut post; the rest lies beyond the cut."""
    pkeys, keys = post.keys, [words[i].key for i in core]
    for k in range(min(len(keys), len(pkeys)), 2, -1):
        head, tail = keys[:k], pkeys[-k:]
        cut_word = head[:-1] == tail[:-1] and head[-1].startswith(tail[-1])
        if (head == tail or cut_word) and k < len(keys):
            start = len(pkeys) - k
            pairs = tuple((core[n], start + n) for n in range(k))
            score = round(0.5 + 0.4 * k / len(keys), 3)
            return QuoteMatch("partial", score, _span(words, core[0], core[-1]),
                              (post.words[start].start, post.words[-1].end), pairs,
                              beyond_truncation=True)
    return None


def _altered(words: list[Word], core: list[int], ellipses: list[int], inner_ellipsis: bool,
             post: PostWords, shown: list[Word] | None = None) -> QuoteMatch | None:
    """An altered match; the diff shows ``shown`` (the quote as written, when ``words`` read
    some of its words as the post's)."""
    keys = [words[i].key for i in core]
    allowed = max(1, round(MAX_CHANGED_SHARE * len(keys)))
    # only the quote's words that the post has can match: too few, and the alignment
    # below could not find enough (the post is most often another one of the page's)
    if sum(k in post.key_set for k in keys) < max(3, len(keys) - allowed):
        return None
    blocks = _aligned(keys, post.keys, allowed, inner_ellipsis)
    if blocks is None:
        return None
    matched = sum(b.size for b in blocks)
    first, last = blocks[0].b, blocks[-1].b + blocks[-1].size - 1
    window = last - first + 1
    pairs = tuple((core[b.a + n], b.b + n) for b in blocks for n in range(b.size))
    similarity = _similarity(matched, len(keys), window, inner_ellipsis)
    q_words = [_display(w) for w in shown or words]
    q_keys = [w.key if not w.editorial else f"[{w.key}]" for w in shown or words]
    for offset, at in enumerate(sorted(e for e in ellipses if 0 < e < len(words))):
        q_words.insert(at + offset, "…")
        q_keys.insert(at + offset, "…")
    p_slice = post.words[first:last + 1]
    diff = word_diff([_display(w) for w in p_slice], q_words, [w.key for w in p_slice], q_keys)
    return QuoteMatch("altered", round(0.5 + 0.4 * similarity, 3),
                      _span(words, 0, len(words) - 1),
                      (post.words[first].start, post.words[last].end), pairs, diff)


def _aligned(keys: list[str], post_keys: list[str], allowed: int, inner_ellipsis: bool) -> list | None:
    """The blocks of the quote's words that align best with the post's, or None when too few do.

    The alignment may lose a stray end block: a quote's first words can also stand earlier in
    the post ("But we must ask: who pays…" against a post saying "We must hold…" before "Who
    pays…"), and aligning them stretches the post's span over words the quote never had. Of
    the alignments that pass, the one most like the quote wins."""
    blocks = [b for b in SequenceMatcher(None, keys, post_keys, autojunk=False)
              .get_matching_blocks() if b.size]
    best, best_similarity = None, -1.0
    while blocks:
        matched = sum(b.size for b in blocks)
        if matched < 3 or max(b.size for b in blocks) < 2 or len(keys) - matched > allowed:
            break
        window = blocks[-1].b + blocks[-1].size - blocks[0].b
        if inner_ellipsis or window - matched <= max(1, round(MAX_CHANGED_SHARE * window)):
            similarity = _similarity(matched, len(keys), window, inner_ellipsis)
            if similarity > best_similarity:
                best, best_similarity = blocks, similarity
        blocks = blocks[1:] if blocks[0].size <= blocks[-1].size else blocks[:-1]
    return best


def _similarity(matched: int, n_keys: int, window: int, inner_ellipsis: bool) -> float:
    return matched / max(n_keys, matched if inner_ellipsis else window)


def _display(word: Word) -> str:
    return f"[{word.text}]" if word.editorial else word.text


def _span(words: list[Word], first: int, last: int) -> tuple[int, int]:
    return words[first].start, words[last].end


def _find(haystack: list[str], needle: list[str]) -> int:
    """Index of the first run of ``needle`` in ``haystack``, or -1."""
    n = len(needle)
    for i in range(len(haystack) - n + 1):
        if haystack[i:i + n] == needle:
            return i
    return -1

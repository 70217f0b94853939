"""Candidate generation for cross-article linking: an inverted index of word trigrams.

Comparing every post with every sentence is quadratic. Instead each post's text is cut into
word trigrams (shingles); a quote can only match a post it shares a shingle with, so a
sentence is compared with the few posts its quotes share shingles with. Shingles found in
more than ``max_postings`` posts (boilerplate such as "thank you to") are skipped at query
time: they cannot narrow the search, and real quotes share rarer shingles too. Quotes under
three words have no shingle; they only cite with author evidence, inside one article.

>>> index = PostIndex()
>>> index.add("x:1", "We won. 112 families, 2 years, 1 judgment.")
>>> index.candidates('"112 families, 2 years" it said')
['x:1']
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping

from postlink.cite.compare import QUOTE_WORD, SHORT_QUOTE_WORDS, PostWords, QuoteMatch, match_quote
from postlink.cite.normalize import normalize
from postlink.cite.quotes import find_quotes

SHINGLE = 3


def shingles(text: str) -> set[int]:
    """Hashes of the normalised word trigrams of ``text``."""
    words = QUOTE_WORD.findall(normalize(text).text)
    return {hash(tuple(words[i:i + SHINGLE])) for i in range(len(words) - SHINGLE + 1)}


class PostIndex:
    """Shingle -> post keys. Memory grows with the total length of the posts indexed."""

    def __init__(self, max_postings: int = 200) -> None:
        self.max_postings = max_postings
        self._postings: dict[int, list[str]] = defaultdict(list)

    def add(self, key: str, text: str) -> None:
        for shingle in shingles(text):
            self._postings[shingle].append(key)

    def candidates(self, text: str, limit: int = 20) -> list[str]:
        """Posts sharing at least one useful shingle with ``text``, most shared first."""
        counts: Counter[str] = Counter()
        for shingle in shingles(text):
            keys = self._postings.get(shingle)
            if keys and len(keys) <= self.max_postings:
                counts.update(keys)
        return [key for key, _ in counts.most_common(limit)]


def phrases(text: str, limit: int = 60) -> list[str]:
    """The word trigrams of ``text`` as phrases, for a full-text index to find the sentences
    that may quote it (at most ``limit``, spread over the whole text)."""
    words = QUOTE_WORD.findall(normalize(text).text)
    grams = [" ".join(words[i:i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)]
    step = max(1, len(grams) // limit)
    return list(dict.fromkeys(grams[::step]))


def quote_matches(sentences: Iterable[tuple[int, str]], index: PostIndex,
                  posts: Mapping[str, PostWords]) -> Iterator[tuple[int, str, QuoteMatch]]:
    """(sentence id, post key, match) for every quote of three words or more that matches a
    candidate post. Runs in time linear in the sentences times the (small) candidate count."""
    for sid, text in sentences:
        for quote in find_quotes(text, [(0, len(text))]):
            if len(QUOTE_WORD.findall(quote.text)) <= SHORT_QUOTE_WORDS:
                continue
            for key in index.candidates(quote.text):
                match = match_quote(quote.text, posts[key])
                if match is not None:
                    yield sid, key, match

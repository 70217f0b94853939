"""Which posts a sentence is worth comparing with: the candidate pairs of a page.

Comparing every sentence with every post is quadratic: a live blog of 20,000 flattened posts
would need 800 million comparisons. Every rule of the resolver and every feature of the
scorer that can make a pair cite needs one of these: the post embedded next to the sentence,
the author named in it, or words of the post in it. So the work grows with the page.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from itertools import chain
from typing import Protocol

from postlink.cite.attribution import AuthorNames, Reading
from postlink.extract.model import Document, Sentence


class Candidate(Protocol):
    """What the index reads of a post (context.PreparedPost has it; context.py builds on this
    module, so the index names only the two fields it needs)."""

    @property
    def names(self) -> AuthorNames: ...

    @property
    def stems(self) -> frozenset[str]: ...

# A sentence this many sentences from an embed of a post, or nearer, is compared with it,
# if fewer than NEAREST_EMBEDS other embed places lie between them (1: only the embeds right
# before and right after the sentence; every rule asks about one of those).
WINDOW = 12
NEAREST_EMBEDS = 1
# Shared content stems that make a far-away, unnamed sentence worth comparing with a post.
CANDIDATE_SHARED = 2


def nearby_posts(doc: Document, posts: Mapping[str, Candidate],
                 embed_places: Sequence[tuple[int, str]],
                 read_sentence: Callable[[Sentence], Reading],
                 content_stems: Callable[[Sentence], frozenset[str]]) -> dict[int, set[str]]:
    """For each sentence index, the posts embedded right before or after it within WINDOW
    sentences, the posts whose author's name or handle it has (or a name the handle spells),
    and the posts that share CANDIDATE_SHARED content stems with it. ``embed_places`` are
    (index of the first sentence after an embed, post key), as PageContext has them."""
    found: dict[int, set[str]] = defaultdict(set)
    if not posts:
        return found
    n = len(doc.sentences)
    names: dict[str, set[str]] = defaultdict(set)
    by_stem: dict[str, set[str]] = defaultdict(set)
    by_handle: dict[str, set[str]] = defaultdict(set)  # the handle's letters
    by_surname: dict[str, set[str]] = defaultdict(set)  # the handle after its first letter
    embeds_at: dict[int, set[str]] = defaultdict(set)  # first sentence after an embed -> posts
    for key, post in posts.items():
        for phrase in post.names.strong:
            names[phrase[-1]].add(key)
        for word in post.names.weak:
            names[word].add(key)
        if post.names.handle:
            names[post.names.handle].add(key)
            by_handle[post.names.handle].add(key)
            by_surname[post.names.handle[1:]].add(key)
        for word_stem in post.stems:
            by_stem[word_stem].add(key)
    for at, key in embed_places:
        embeds_at[at].add(key)
    # near: the embeds of the NEAREST_EMBEDS closest embed places on either side, within
    # WINDOW sentences (a live blog of one post every other sentence stays a few per
    # sentence)
    places = sorted(embeds_at)
    for j, at in enumerate(places):
        lo = places[j - NEAREST_EMBEDS] if j >= NEAREST_EMBEDS else 0
        hi = places[j + NEAREST_EMBEDS] if j + NEAREST_EMBEDS < len(places) else n
        for i in range(max(lo, at - WINDOW), min(hi, at + WINDOW, n)):
            found[i].update(embeds_at[at])
    # a stem shared by very many posts tells nothing; skipping it keeps the cost linear
    common = max(8, len(posts) // 4)
    for sentence in doc.sentences:
        reading = read_sentence(sentence)
        here = found[sentence.index]
        # the names (with a short ending: "Ellison's", "Mohrs") and the names a handle spells
        # that the sentence holds (attribution.Reading), each in one set intersection
        for by_form, forms in ((names, reading.forms), (by_handle, reading.handle_forms),
                             (by_surname, reading.surnames)):
            for form in by_form.keys() & forms:
                here.update(by_form[form])
        shared = Counter(chain.from_iterable(
            keys for word_stem in by_stem.keys() & content_stems(sentence)
            if len(keys := by_stem[word_stem]) <= common))
        here.update(k for k, c in shared.items() if c >= CANDIDATE_SHARED)
    return found

"""The sentence neighbourhood for the citation resolver (match.py): where a sentence stands
next to the embeds, paragraphs and quotes around it, and the steps that carry a citation
from one sentence to its neighbours.

``PageContext`` holds what the resolver knows of the page (the posts, the quotes, the
evidence found so far) and answers questions about a sentence's place in it: next to an
embed, in the lead-up to one, inside someone's quoted words, the speech tag of a quote.
Its steps add attributions:

- lead-ins: a colon line right before an embed, and, for a post whose text is not on the
  page, the sentence where a quote ending right before the embed starts;
- echoes: another quote (in a sentence with a post cue) sharing that quote's words;
- continuations: a neighbour of a citing sentence with the same subject and a post cue.

These read the citations the other steps found, so ``link_citations`` (match.py) runs them
last. match.py's ``_Resolver`` builds on this class with quotes, links, paraphrases and
attributions, and fills ``pieces`` and ``_quotes``, which the questions here read.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import TypeVar

from postlink.cite.attribution import (
    PLATFORMS,
    AuthorNames,
    Evidence,
    Reading,
    author_names,
    cue_words,
    evidence,
    is_credit_line,
    it_says,
    pronoun_tag,
    read,
    tokens,
)
from postlink.cite.candidates import nearby_posts
from postlink.cite.compare import PostWords, count_words, post_words, split_words
from postlink.cite.model import PostText
from postlink.cite.paraphrase import content_words, stem, strong_stems
from postlink.cite.quotes import Quote, QuoteIndex
from postlink.extract.model import CLOSING_QUOTES, SENTENCE_END_MARKS, Document, Sentence
from postlink.lexicon import (
    Writing,
    cues,
    cues_any,
    cues_in,
    detect_language,
    language_of_script,
    prose_words,
    script_of,
)

K = TypeVar("K")
V = TypeVar("V")

QUOTE_KINDS = ("verbatim", "altered", "partial")
HEADING_MAX_WORDS = 12
MIN_UNMATCHED_WORDS = 2
# A sentence that starts with one of these continues the subject of the sentence before it.
# The page language is read from its first characters: enough words to tell, and a bounded
# cost on a 5 MB article.
_LANGUAGE_SAMPLE = 20_000
# ... and its script from fewer: a page's letters are nearly all of one script.
_SCRIPT_SAMPLE = 2_000
# How early in a sentence that pronoun may come (words).
PRONOUN_REACH = 3
# Capitalised words that are not names (so two sentences do not share a subject by them).
_NOT_NAMES = cues_any("weekdays") | cues_any("months")
# A definite post reference ("her best tweet") cites an embed at most this many sentences on.
SECTION_SENTENCES = 6
# Two quotes sharing this many words in a row quote the same words.
ECHO_WORDS = 3
# A pronoun right before an embed refers back to an author named this many sentences before.
NAMED_BEFORE = 2
# "One user wrote", "another Twitter user": one unnamed poster introduced by the article.
# Plural crowds ("some users", "many fans") are generic reaction, not one post.
# (lexicon categories anonymous_leads, anonymous_posters; and sentence_openers, the words that
# open a sentence before its subject: "The Senate", "But Tom Reyes". All read in the page's
# language, lexicon.cues_in.)
# How far a continuation may reach from a citing sentence (sentences, either way).
CONTINUE_STEPS = 2
# Patterns asked once per sentence or per pair, compiled once.
_WORD_CHAR = re.compile(r"\w")
_NAME_RUN = re.compile(r"(?:[A-Z][\w’'-]+\s+){2,}")  # two capitalised words or more
_FIRST_WORD = re.compile(r"\S+")
_CAPITALISED = re.compile(r"\b[A-Z][\w-]{2,}")


@dataclass(frozen=True)
class PreparedPost:
    """A post with what sentences are compared against, worked out once per page."""

    post: PostText
    words: PostWords
    names: AuthorNames
    stems: frozenset[str]  # content stems, the author's own name left out
    strong: frozenset[str]  # numbers, hashtags and handles (paraphrase.strong_stems)
    all_stems: frozenset[str]  # content stems, the name included
    name_words: frozenset[str]  # the words of the author's names, left out of ``stems``


@dataclass(frozen=True)
class Piece:
    """One piece of evidence that a sentence cites a post."""

    kind: str
    score: float
    article_span: tuple[int, int]
    quote: str = ""
    post_span: tuple[int, int] | None = None
    diff: str | None = None
    beyond_truncation: bool = False


@dataclass(frozen=True)
class _SentenceStems:
    """A sentence's content words and their stems, worked out once per sentence."""

    pairs: tuple[tuple[str, str], ...]  # (word, stem)
    words: frozenset[str]
    stems: frozenset[str]

    @classmethod
    def of(cls, words: Sequence[str], language: str | None) -> _SentenceStems:
        pairs = tuple((w, stem(w, language)) for w in words)
        return cls(pairs, frozenset(words), frozenset(s for _, s in pairs))

    def without(self, exclude: frozenset[str] | set[str]) -> frozenset[str]:
        """The stems, less those of the words in ``exclude`` (a post's author's name, which
        most sentences do not have: then the one set kept is the answer)."""
        if self.words.isdisjoint(exclude):
            return self.stems
        return frozenset(s for w, s in self.pairs if w not in exclude)


def _once(cache: dict[K, V], key: K, compute: Callable[[], V]) -> V:
    """``cache[key]``, computed on first use: the per-sentence and per-quote answers that
    every post of the page asks for again."""
    found = cache.get(key)
    if found is None:
        found = cache[key] = compute()
    return found


def sentence_at(sentences: Sequence[Sentence], offset: int) -> Sentence | None:
    """The sentence containing ``offset`` (binary search; sentences are sorted)."""
    lo, hi = 0, len(sentences)
    while lo < hi:
        mid = (lo + hi) // 2
        if sentences[mid].end <= offset:
            lo = mid + 1
        else:
            hi = mid
    if lo < len(sentences) and sentences[lo].start <= offset:
        return sentences[lo]
    return None


class PageContext:
    """The page as the resolver sees it, and the neighbourhood of each sentence."""

    def __init__(self, doc: Document, posts: Sequence[PostText]) -> None:
        self.doc = doc
        # one language for the page's stems, sentences and posts alike: a post quoted in
        # another language rarely shares stems anyway, and its names and numbers stem the same
        script = script_of(doc.text[:_SCRIPT_SAMPLE])
        self.language = detect_language(doc.text[:_LANGUAGE_SAMPLE]) or language_of_script(script)
        page = Writing(script, self.language)
        self.posts: dict[str, PreparedPost] = {}
        for p in posts:
            if p.key in self.posts:
                continue
            names = author_names(p.author_handle, p.author_name)
            name_words = frozenset(w for phrase in names.strong for w in phrase) | names.weak
            words = content_words(p.text)
            self.posts[p.key] = PreparedPost(
                p, post_words(p.text, p.truncated), names,
                frozenset(stem(w, self.language) for w in words if w not in name_words),
                strong_stems(p.text), frozenset(stem(w, self.language) for w in words), name_words)
        # posts written in another language or script than the page: a quote of one, translated,
        # cannot match its words, so that it does not match them says nothing of whose they are
        self.translated = frozenset(key for key, p in self.posts.items()
                                    if p.post.text and _in_another_language(p.post.text, page))
        self.pieces: dict[tuple[int, str], list[Piece]] = defaultdict(list)
        self._evidence: dict[tuple[int, str], Evidence] = {}
        self._para_starts = [start for start, _ in doc.paragraphs]
        self._quotes: list[Quote] = []
        self._tagged: dict[int, Quote | None] = {}  # sentence -> the quote it is the tag of
        self._echoes: dict[str, list[str]] = defaultdict(list)  # key -> quotes of a textless post
        self.link_offsets: dict[str, list[int]] = defaultdict(list)  # key -> where it is linked
        placed = sorted((pos, k) for k, p in self.posts.items() for pos in p.post.positions)
        self._all_positions = [pos for pos, _ in placed]
        self._keys_at_position = [k for _, k in placed]  # the post at each of _all_positions
        self.sentence_starts = [sentence.start for sentence in doc.sentences]
        # every embed as (its place: the index of the first sentence after it, post key)
        self.embed_places = sorted((bisect_left(self.sentence_starts, pos), key)
                                   for key, p in self.posts.items() for pos in p.post.positions)
        self._keys_at: dict[int, set[str]] = defaultdict(set)  # sentence -> posts with pieces there
        self._order = {key: i for i, key in enumerate(self.posts)}
        self._split: dict[int, list] = {}
        self._introduced: dict[int, set[str]] | None = None
        self._nearby: dict[int, set[str]] | None = None
        self._quote_index: QuoteIndex | None = None
        self._named: dict[int, set[str]] = {}
        self._other_post: dict[int, bool] = {}
        # author (author_key) -> the keys of the page's posts by them, in page order
        self.posts_by_author: dict[str, list[str]] = defaultdict(list)
        for k, prepared in self.posts.items():
            self.posts_by_author[author_key(prepared.post)].append(k)
        self._quote_words: dict[tuple[int, int], int] = {}
        self._readings: dict[int, Reading] = {}
        self._headings: dict[int, bool] = {}
        self._stems: dict[int, _SentenceStems] = {}

    # -- evidence found so far -------------------------------------------------------------
    def add_piece(self, index: int, key: str, piece: Piece) -> None:
        self.pieces[(index, key)].append(piece)
        self._keys_at[index].add(key)

    def keys_at(self, index: int) -> set[str]:
        """The posts that already have evidence in sentence ``index``."""
        return self._keys_at.get(index, set())

    # -- per-sentence work, done once whatever post it is compared with ---------------------
    def reading(self, sentence: Sentence) -> Reading:
        return _once(self._readings, sentence.index, lambda: read(sentence.text, self.language))

    def content_stems(self, sentence: Sentence, exclude: frozenset[str] | set[str] = frozenset()
                      ) -> frozenset[str]:
        """paraphrase.stems of the sentence, without the words in ``exclude``."""
        stems = _once(self._stems, sentence.index,
                      lambda: _SentenceStems.of(content_words(sentence.text), self.language))
        return stems.without(exclude)

    def sentence_words(self, sentence: Sentence) -> list:
        return _once(self._split, sentence.index, lambda: split_words(sentence.text)[0])

    # -- which posts a sentence is compared with -------------------------------------------
    def posts_for(self, sentence: Sentence) -> list[str]:
        """The posts worth comparing with ``sentence``, in page order: those near it, named
        in it, sharing its words, or with evidence in it or the sentence before. Every rule
        needs one of these, so the work grows with the page, not with sentences times posts
        (a text of thousands of flattened posts)."""
        keys = self.nearby(sentence.index) | self.keys_at(sentence.index) | self.keys_at(sentence.index - 1)
        return sorted(keys, key=self._order.__getitem__)

    def nearby(self, index: int) -> set[str]:
        """Posts embedded within WINDOW sentences of sentence ``index``, or whose author's
        name or handle it has, or that share CANDIDATE_SHARED content stems with it."""
        if self._nearby is None:
            self._nearby = nearby_posts(self.doc, self.posts, self.embed_places, self.reading,
                                        self.content_stems)
        return self._nearby.get(index, set())

    # -- where a sentence stands -----------------------------------------------------------
    def evidence(self, sentence: Sentence, key: str) -> Evidence:
        ev = self._evidence.get((sentence.index, key))
        if ev is None:
            ev = evidence(self.reading(sentence), self.posts[key].names)
            self._evidence[(sentence.index, key)] = ev
        return ev

    def paragraph_of(self, offset: int) -> int:
        return bisect_right(self._para_starts, offset) - 1

    def adjacent(self, sentence: Sentence, key: str) -> bool:
        """The sentence's paragraph is the one just before or just after an embed of the post."""
        para = self.paragraph_of(sentence.start)
        for pos in self.posts[key].post.positions:
            after = bisect_right(self._para_starts, pos - 1)  # first paragraph starting >= pos
            if para in (after - 1, after):
                return True
        return False

    def distance(self, sentence: Sentence, key: str) -> int:
        positions = self.posts[key].post.positions
        return min((abs(sentence.start - p) for p in positions), default=10**9)

    def gap(self, sentence: Sentence, key: str) -> int:
        """Characters between the sentence and the post's nearest embed: from its end for an
        embed after it, from its start for one before it, so a long lead-in right above the
        embed is as near as a short one."""
        positions = self.posts[key].post.positions
        return min((max(sentence.start - p, p - sentence.end, 0) for p in positions), default=10**9)

    def is_heading(self, sentence: Sentence) -> bool:
        """The sentence is a short paragraph of its own without closing punctuation. Asked
        of a sentence for each of its posts, and of the sentences up to each embed."""
        return _once(self._headings, sentence.index, lambda: self._is_heading(sentence))

    def _is_heading(self, sentence: Sentence) -> bool:
        para = self.doc.paragraphs[self.paragraph_of(sentence.start)] if self.doc.paragraphs else None
        whole = para is not None and para[0] >= sentence.start - 1 and para[1] <= sentence.end + 1
        return whole and len(sentence.text.split()) <= HEADING_MAX_WORDS and \
            not sentence.text.rstrip().endswith((*SENTENCE_END_MARKS, ":", *CLOSING_QUOTES))

    def in_quote(self, sentence: Sentence) -> bool:
        """The sentence starts inside a quote that opened in an earlier sentence: it is
        someone's quoted words, which cite a post only by quoting it."""
        return self.quote_index().covers(sentence.start)

    def quote_index(self) -> QuoteIndex:
        if self._quote_index is None:
            self._quote_index = QuoteIndex(self._quotes)
        return self._quote_index

    def embed_between(self, a: Sentence, b: Sentence) -> bool:
        return self._embed_in(min(a.start, b.start), max(a.start, b.start))

    def _only_own_embeds_between(self, a: Sentence, b: Sentence, key: str) -> bool:
        """No embed between sentences ``a`` and ``b`` other than the post ``key``'s."""
        lo, hi = min(a.start, b.start), max(a.start, b.start)
        i = bisect_right(self._all_positions, lo)
        j = bisect_right(self._all_positions, hi)
        return all(k == key for k in self._keys_at_position[i:j])

    def _embed_in(self, lo: int, hi: int) -> bool:
        """An embed of any post at a position in (lo, hi]."""
        i = bisect_right(self._all_positions, lo)
        return i < len(self._all_positions) and self._all_positions[i] <= hi

    def last_before(self, pos: int) -> Sentence | None:
        """The sentence right before the embed at ``pos``, if it ends the paragraph before it."""
        i = bisect_right(self.sentence_starts, pos - 1) - 1
        if i < 0:
            return None
        sentence = self.doc.sentences[i]
        para = self.paragraph_of(sentence.start)
        return sentence if bisect_right(self._para_starts, pos - 1) - 1 == para else None

    def _n_words(self, quote: Quote) -> int:
        """Words of the quote, not counting [editorial] ones; asked several times a quote."""
        return _once(self._quote_words, (quote.start, quote.end), lambda: count_words(quote.text))

    # -- the lead-up to an embed -----------------------------------------------------------
    def in_section(self, sentence: Sentence, key: str) -> bool:
        """The post's embed follows within SECTION_SENTENCES sentences, with no other embed
        between: "her best tweet" in the text that leads up to it (a listicle's entry)."""
        for pos in self.posts[key].post.positions:
            if not sentence.start < pos or self._embed_in(sentence.start, pos - 1):
                continue
            if self._sentences_between(sentence, pos) <= SECTION_SENTENCES:
                return True
        return False

    def _sentences_between(self, sentence: Sentence, pos: int) -> int:
        """Sentences after ``sentence`` and before ``pos``, counted up to one past
        SECTION_SENTENCES. Headings and list items are lines, not sentences of the lead-up."""
        ahead = 0
        sentences = self.doc.sentences
        for i in range(sentence.index + 1, len(sentences)):  # no slice: it would copy the rest
            if sentences[i].start >= pos or ahead > SECTION_SENTENCES:
                break
            ahead += not self.is_heading(sentences[i])
        return ahead

    def _in_own_section(self, sentence: Sentence, key: str) -> bool:
        """In the post's section, and not about another post already: "the same post" after a
        quote of another post, or a sentence that names another post's author."""
        if self.keys_at(sentence.index) - {key}:
            return False
        return self.in_section(sentence, key) and not self.names_other_author(sentence, key)

    def introduces(self, sentence: Sentence, key: str) -> bool:
        """The sentence names the author and is the last one before an embed of the post."""
        return any(self.last_before(pos) == sentence for pos in self.posts[key].post.positions)

    def _leads_into_other(self, sentence: Sentence, key: str) -> bool:
        """The sentence sits right before an embed of another post: it introduces that one."""
        if self._introduced is None:
            self._introduced = defaultdict(set)
            for k, p in self.posts.items():
                for pos in p.post.positions:
                    before = self.last_before(pos)
                    if before is not None:
                        self._introduced[before.index].add(k)
        return bool(self._introduced.get(sentence.index, set()) - {key})

    def points_to_other_post(self, sentence: Sentence, key: str) -> bool:
        """The sentence is about a post of the author that is not on the page: an order word on
        a post noun ("in a later tweet", "w kolejnym wpisie", "dans un autre message") when
        the page has no other post by the post's (known) author. With authorless embeds the
        other post may be one of them, so those are not judged."""
        post = self.posts[key].post
        if not post.author_handle or len(self.posts_by_author[author_key(post)]) > 1:
            return False
        return _once(self._other_post, sentence.index,
                     lambda: _order_on_post_noun(self.reading(sentence).words, self.language))

    def names_other_author(self, sentence: Sentence, key: str) -> bool:
        """The sentence names the author of another post (and not this post's author)."""
        if self.evidence(sentence, key).mention:
            return False
        return bool(self._named_authors(sentence) - {(self.posts[key].post.author_handle or "").lower()})

    def _named_authors(self, sentence: Sentence) -> set[str]:
        """The handles (lower case) of the posts whose author the sentence names in full."""
        return _once(self._named, sentence.index, lambda: {
            (self.posts[k].post.author_handle or "").lower() for k in self.nearby(sentence.index)
            if self.evidence(sentence, k).mention == 2})

    def _posts_unnamed(self, sentence: Sentence, key: str) -> bool:
        """A verb of posting in a sentence that names no author of the page's posts."""
        ev = self.evidence(sentence, key)
        return ev.verb and not ev.mention and not self.names_other_author(sentence, key)

    def _posting_by_embed(self, sentence: Sentence, key: str, ev: Evidence) -> bool:
        """A verb of posting in the sentence right before the embed, with no author named
        ("The party leader retweeted it with a comment"): it describes the post that follows.
        A sentence naming another post's author is about that author's post."""
        return self._posts_unnamed(sentence, key) and self.introduces(sentence, key)

    def speaks_for(self, sentence: Sentence, key: str, ev: Evidence, shared: int) -> bool:
        """The sentence reports what the post says without quoting it or sharing enough of
        its words for ``restates``: the author named in the lead-up to the embed with a verb
        of saying and a word of the post ("Digital Foundry reveal that the game runs at an
        unstable ..."), or, right before the embed, the author named a sentence or two
        before and referred to by a pronoun ("They criticised ...", "... he's had nothing to
        say about ..."), or an unnamed user ("Another wondered why ...")."""
        if ev.other_source or self.names_other_author(sentence, key):
            return False
        if ev.mention == 2 and ev.speech and shared >= 1 and self._in_own_section(sentence, key):
            return True
        if not self.introduces(sentence, key):
            return False
        words = tokens(sentence.text)
        persons = cue_words(self.language).persons
        return _anonymous_subject(words, self.language) or (
            any(w in persons for w in words) and self.named_before(sentence, key))

    def named_before(self, sentence: Sentence, key: str) -> bool:
        """The post's author is named in one of the NAMED_BEFORE sentences before, in the
        same or the previous paragraph, with no other author between and no embed but this
        post's own ("X shared a photo of her son. [the post] She wrote on Instagram: …")."""
        para = self.paragraph_of(sentence.start)
        for previous in reversed(self.doc.sentences[max(0, sentence.index - NAMED_BEFORE):sentence.index]):
            if not self._only_own_embeds_between(previous, sentence, key) \
                    or para - self.paragraph_of(previous.start) > 1:
                return False
            if self.evidence(previous, key).mention == 2:
                return True
            if self.names_other_author(previous, key) or _opens_on_a_name(previous.text, self.language):
                return False  # "Mayor Tom Reyes defended the rise. He blamed ...": not her
        return False

    # -- speech tags and the sentence after a quote ----------------------------------------
    def _follows_quote(self, sentence: Sentence, key: str) -> bool:
        """The sentence opens with a subject pronoun right after a sentence that quotes the
        post ("She then shared the hashtag #X"): it goes on about the same post, so one of
        the post's hashtags or numbers there restates it."""
        if sentence.index == 0 or not _starts_with_pronoun(sentence.text, self.language):
            return False
        previous = self.doc.sentences[sentence.index - 1]
        return not self.embed_between(previous, sentence) and any(
            p.kind in QUOTE_KINDS for p in self.pieces.get((previous.index, key), ()))

    def _tags_other_quote(self, sentence: Sentence, key: str) -> bool:
        """The sentence is the speech tag of a quote just before it ("...!” Smith tweeted
        on Monday.") and that quote is not from this post: the tag credits the quoted words,
        so it names another post. For a post whose text is on the page, "not from" means the
        quote did not match it; for a text-less post, that the quote shares no words in a row
        with the quotes in the sentences that link it."""
        quote = self._quote_tagged_by(sentence)
        if quote is None:
            return False
        post = self.posts[key]
        if key in self.translated:
            return False  # the quote may well be the post's words, translated
        if post.post.text:
            start = sentence_at(self.doc.sentences, quote.start)
            return start is not None and not any(
                p.kind in QUOTE_KINDS for p in self.pieces.get((start.index, key), ()))
        linking = {self._sentence_index(offset) for offset in self.link_offsets.get(key, ())}
        known = [q.text for i in sorted(linking) for q in self.quote_index().starting_in(self.doc.sentences[i])
                 if q is not quote]
        return bool(known) and not _runs(quote.text, ECHO_WORDS) & set().union(
            *(_runs(k, ECHO_WORDS) for k in known))

    def _quote_tagged_by(self, sentence: Sentence) -> Quote | None:
        """A quote from an earlier sentence of the same paragraph that ends right where
        ``sentence`` starts (only closing marks between), when ``sentence`` has no quote of
        its own; or the quote ``sentence`` opens with, when its speaker follows in the same
        sentence ("“… a ferry?” Lind asked"). Cached per sentence: it is asked once per post."""
        if sentence.index not in self._tagged:
            self._tagged[sentence.index] = None
            index = self.quote_index()
            own = index.starting_in(sentence)
            if own:
                first = min(own, key=lambda q: q.start)
                opens = not _WORD_CHAR.search(self.doc.text[sentence.start:first.start])
                if opens and _WORD_CHAR.search(self.doc.text[first.end:sentence.end]):
                    self._tagged[sentence.index] = first
            else:
                # only a quote ending after the last word before the sentence can be its tag's
                gap = sentence.start
                while gap > 0 and not _WORD_CHAR.match(self.doc.text[gap - 1]):
                    gap -= 1
                para = self.paragraph_of(sentence.start)
                self._tagged[sentence.index] = next(
                    (q for q in index.ending_in(gap, sentence.start)
                     if q.start < sentence.start and self.paragraph_of(q.start) == para), None)
        return self._tagged[sentence.index]

    def _sentence_index(self, offset: int) -> int:
        sentence = sentence_at(self.doc.sentences, offset)
        return sentence.index if sentence is not None else -1

    # -- 5 and 6. lead-ins and continuations (match.py's list) -----------------------------
    def lead_ins(self) -> None:
        """The sentence right before an embed introduces it when it ends in a colon and
        names a post ("See her tweets:", "The post read:"), or, for a post whose text is not
        on the page, when a quote ends there: that quote is most likely the post's text, and
        the sentence where it starts attributes the post (its words cannot be checked)."""
        for key, post in self.posts.items():
            for pos in post.post.positions:
                before = self.last_before(pos)
                if before is None or is_credit_line(before.text):
                    continue
                ev = self.evidence(before, key)
                if before.text.rstrip().endswith(":") and not self.in_quote(before) \
                        and (ev.cue or ev.definite or ev.mention):
                    self._attribute(before, key, 0.6)
                elif not post.post.text:
                    quote = self._quote_ending_in(before)
                    lead = sentence_at(self.doc.sentences, quote.start) if quote else None
                    if quote is None or lead is None:
                        continue
                    lead_ev = self.evidence(lead, key)
                    # a quote before a video may be the speaker's words said elsewhere: the
                    # sentence must also point at a post ("Emery tweeted", "the post", a name)
                    if not lead_ev.other_source and (
                            lead_ev.cue or lead_ev.definite or lead_ev.mention
                            or it_says(self.reading(lead).words)):
                        self._attribute(lead, key, 0.5)
                        self._echoes[key].append(quote.text)

    def _quote_ending_in(self, sentence: Sentence) -> Quote | None:
        """A quote of at least MIN_UNMATCHED_WORDS words ending in ``sentence``."""
        return next((q for q in self.quote_index().ending_in(sentence.start, sentence.end)
                     if self._n_words(q) >= MIN_UNMATCHED_WORDS), None)

    def echoes(self) -> None:
        """A post whose text is not on the page is known by the quote that leads into its
        embed (lead_ins). Another quote sharing ECHO_WORDS words in a row with it, in a
        sentence with a post cue, quotes the same post ("asked if there were 'any unhappy
        fans?'" ... "'Are there unhappy fans?' he wrote")."""
        for key, quoted in self._echoes.items():
            known = set().union(*(_runs(q, ECHO_WORDS) for q in quoted))
            for quote in self._quotes:
                sentence = sentence_at(self.doc.sentences, quote.start)
                if sentence is None or (sentence.index, key) in self.pieces or self.in_quote(sentence):
                    continue
                ev = self.evidence(sentence, key)
                if ev.cue and not ev.other_source and _runs(quote.text, ECHO_WORDS) & known:
                    self._attribute(sentence, key, 0.5)

    def continuations(self) -> None:
        """A sentence next to one that cites a post continues it when it has a post cue and
        the same subject: it starts with a pronoun ("She wrote ...", "It says ..."), or both
        sentences name the same person. Works both ways ("Elizabeth posted a picture." ->
        "She writes, ..."), never across an embed or into quoted words."""
        seeds = sorted(self.pieces)
        for index, key in seeds:
            for step in (1, -1):
                current = self.doc.sentences[index]
                for _ in range(CONTINUE_STEPS):
                    nxt_index = current.index + step
                    if not 0 <= nxt_index < len(self.doc.sentences):
                        break
                    nxt = self.doc.sentences[nxt_index]
                    if (nxt_index, key) in self.pieces or not self._continues(current, nxt, step, key):
                        break
                    self._attribute(nxt, key, 0.5)
                    current = nxt

    def _continues(self, current: Sentence, nxt: Sentence, step: int, key: str) -> bool:
        if self.embed_between(current, nxt) or is_credit_line(nxt.text) or self.is_heading(nxt) \
                or self.in_quote(nxt) or abs(self.paragraph_of(current.start) - self.paragraph_of(nxt.start)) > 1:
            return False
        ev = self.evidence(nxt, key)
        if ev.other_source or self.names_other_author(nxt, key) or self._leads_into_other(nxt, key):
            return False
        later = nxt if step == 1 else current
        tagged = pronoun_tag(self.reading(later).words, self.language)
        says = it_says(self.reading(nxt).words, self.language)
        # "The party leader retweeted it": a verb of posting with no name, whose subject is
        # the person the sentence before named
        unnamed = step == -1 and self._posts_unnamed(later, key)
        same_subject = _starts_with_pronoun(later.text, self.language) or tagged or says or unnamed \
            or _share_name(current.text, nxt.text)
        # the author named just before "..., she wrote." is the one who wrote it
        introduces = step == -1 and (tagged or unnamed) and ev.mention == 2
        return same_subject and (ev.cue or ev.definite or introduces or says)

    def _attribute(self, sentence: Sentence, key: str, score: float) -> None:
        if (sentence.index, key) not in self.pieces:
            self.add_piece(sentence.index, key, Piece("attribution", score, (sentence.start, sentence.end)))


# A post of this many words or more with none of the page language's stopwords is in another
# language, when its own stopwords are too few to tell which.
_FOREIGN_WORDS = 4


def _in_another_language(text: str, page: Writing) -> bool:
    """``text`` (a post) is in another script or language than the page. A short post rarely
    has enough stopwords to be told ("training got moved to the pool"); that it has none of
    the page language's and some of another's tells enough."""
    mine = Writing.of(text)
    if mine.differs(page):
        return True
    if page.language is None or mine.language is not None:
        return False
    words = set(prose_words(text))
    return len(words) >= _FOREIGN_WORDS and words.isdisjoint(cues("stopwords", page.language)) \
        and not words.isdisjoint(cues("stopwords"))  # some other language's: not a bare title


def _runs(text: str, n: int) -> set[tuple[str, ...]]:
    """The runs of ``n`` normalised words in ``text``."""
    keys = [w.key for w in split_words(text)[0]]
    return {tuple(keys[i:i + n]) for i in range(len(keys) - n + 1)}


def author_key(post: PostText) -> str:
    """Whom a post is by, for grouping a page's posts: its handle, or the post itself when
    its markup names no author."""
    return (post.author_handle or post.key).lower()


@cache
def _order_and_post_words(language: str | None) -> tuple[frozenset[str], frozenset[str]]:
    """Stems of the words for an earlier or later post, and the post nouns, in ``language``
    (every language's when unknown: cues_in)."""
    order = frozenset(stem(w, language) for w in cues_in("order_earlier", language) | cues_in("order_later", language))
    return order, cues_in("post_nouns", language)


def _order_on_post_noun(words: Sequence[str], language: str | None) -> bool:
    """An order word right on a post noun (before it, one word before it, or after it): "in
    a subsequent tweet", "in einem späteren Beitrag", "dans un autre message". Stems, so
    that the inflected forms a language gives the adjective count too."""
    order, posts = _order_and_post_words(language)
    for i, w in enumerate(words):
        if w in posts and any(0 <= j < len(words) and stem(words[j], language) in order
                              for j in (i - 1, i - 2, i + 1)):
            return True
    return False


def _anonymous_subject(words: Sequence[str], language: str | None) -> bool:
    """The sentence opens on an unnamed poster: "One user wrote", "Another Twitter user
    joked", or "Another wondered" (the user named by the sentence before)."""
    head = [w for w in words[:4] if w not in ("and", "but", "twitter", "x", "instagram", "tiktok")]
    if len(head) < 2 or head[0] not in cues_in("anonymous_leads", language):
        return False
    return head[1] in cues_in("anonymous_posters", language) or (
        head[0] == "another" and head[1] in cue_words(language).tag_verbs)


def _opens_on_a_name(text: str, language: str | None) -> bool:
    """The sentence opens on two or more capitalised words ("Mayor Tom Reyes said"): a named
    subject, who a pronoun after it may refer to."""
    text = text.lstrip("\"“„‘'( ")
    first = text.split(" ", 1)
    if len(first) == 2 and first[0].lower() in cues_in("sentence_openers", language):  # "But Tom Reyes"
        text = first[1]
    head = _NAME_RUN.match(text)
    return head is not None and not set(head.group(0).lower().split()) & _NOT_NAMES


def _starts_with_pronoun(text: str, language: str | None) -> bool:
    """A subject pronoun opens the sentence, or comes right after its verb as German puts
    it after an opening adverb ("Interessanterweise verzichtete er ...")."""
    pronouns = cue_words(language).subject_pronouns
    return any(w in pronouns for w in tokens(text)[:PRONOUN_REACH])


def _names(text: str) -> set[str]:
    """Capitalised words past the first word of a sentence: names, roughly."""
    return _capitalised(_after_first(text)) - PLATFORMS - _NOT_NAMES


# The last closing quote mark of a sentence, or the comma a dialogue dash's quote ends on.
_TAG_START = re.compile("(?:[”\"»’›」』“]|,)(?=[^”\"»’›」』“,]*$)")


def tag_names_someone(text: str) -> bool:
    """The speech tag after a quote names its speaker ("…", said Mayor Luc Bertin.): read
    past the quote's last closing mark (or, after a dialogue dash, the last comma), any
    capitalised word but a platform's."""
    m = _TAG_START.search(text)
    tag = text[m.end():] if m else text
    return bool(_capitalised(tag) - PLATFORMS - _NOT_NAMES)


def _after_first(text: str) -> str:
    body = text.lstrip("\"“„‘'( ")
    first = _FIRST_WORD.match(body)
    return body[first.end():] if first else body


def _capitalised(text: str) -> set[str]:
    return {m.group(0).lower() for m in _CAPITALISED.finditer(text)}


def _share_name(a: str, b: str) -> bool:
    """Both sentences name the same person. A capitalised first word ("Emery also
    retweeted ...") counts when the other sentence has it as a name past its start."""
    first_a = _capitalised(a[:len(a) - len(_after_first(a))])
    first_b = _capitalised(b[:len(b) - len(_after_first(b))])
    names_a, names_b = _names(a), _names(b)
    return bool(names_a & (names_b | first_b) or names_b & first_a)


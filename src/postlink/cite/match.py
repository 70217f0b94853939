"""Link article sentences to the posts they quote, restate, name or link.

``link_citations(doc, posts)`` is the entry point. For each (sentence, post) pair it
collects evidence of every kind, then keeps one Citation by precedence (model.KIND_ORDER):

1. quotes (quotes.py) compared with each post (compare.py): verbatim, altered, partial, with
   beyond_truncation for quotes that run past a cut embed. Quotes of one or two words are
   scare quotes unless there is strong evidence (the author is named, the post is next to
   the sentence, or the same post is already quoted there). A quote in a sentence that
   credits another source (an interview, a statement) only counts if the sentence also
   ties the author to a post ("Osei's post quoted ...").
2. links to the post;
3. paraphrase: no quote, but the sentence's content words come from the post (paraphrase.py),
   and the sentence names the author, or points to a post next to it; two of the post's
   hashtags or numbers in the lead-up to the embed are enough too, and so is one in a
   pronoun sentence right after a quote of the post ("She then shared #X");
4. attribution: the sentence names the author near a post cue ("Ellison's post", "wrote on
   X"), names the author right before the embed, or points at the embed beside it ("the
   post", "the photo"; "her best tweet" in the lead-up to it; an unnamed "retweeted it" right
   before it) without quoting or restating it. A speech tag ("... ,” Smith tweeted.") goes
   with the quote it tags: if that quote is another post's, so is the tag;
5. lead-ins: a colon line right before an embed ("See her tweets:"), and, for a post whose
   text is not on the page, the sentence where a quote ending right before the embed starts,
   and any other quote (in a sentence with a post cue) that echoes that quote's words;
6. continuations: a neighbour of a citing sentence with the same subject ("She writes, ...",
   "..., it says.", the named author before "..., she wrote." or before an unnamed
   "The chairman retweeted it") and a post cue.

Quotes that match no post are returned as unmatched, never forced onto the nearest post.
Headings and captions cite only by quoting; credit lines never cite.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from postlink.cite.attribution import (
    PLATFORMS,
    AuthorNames,
    Evidence,
    author_names,
    evidence,
    is_credit_line,
    tokens,
    word_set,
)
from postlink.cite.compare import (
    SHORT_QUOTE_WORDS,
    PostWords,
    QuoteMatch,
    exact_kind,
    match_quote,
    post_words,
    split_words,
)
from postlink.cite.model import KIND_ORDER, Citation, CiteResult, PostText, UnmatchedQuote
from postlink.cite.paraphrase import Overlap, overlap, stems, strong_stems
from postlink.cite.quotes import Quote, find_quotes
from postlink.extract.model import Document, Sentence
from postlink.platforms import parse_post_url

__all__ = ["Citation", "CiteResult", "PostText", "UnmatchedQuote", "link_citations", "sentence_at"]

QUOTE_KINDS = ("verbatim", "altered", "partial")
# Paraphrase: at least this many shared content stems, and this share of the sentence's.
PARA_MIN_SHARED = 3
PARA_MIN_PRECISION = 0.3
# ... and without a name or a post cue, a sentence next to the embed needs more overlap.
PARA_ADJACENT_PRECISION = 0.5
# ... or, with the author named by the embed, this many.
PARA_NAMED_SHARED = 2
# ... or, unnamed, with a shared number or hashtag (strong tokens, paraphrase.py).
PARA_STRONG_SHARED = 4
PARA_STRONG_PRECISION = 0.4
# ... or, in the text leading up to the embed, this many shared hashtags or numbers.
PARA_SECTION_STRONG = 2
HEADING_MAX_WORDS = 12
MIN_UNMATCHED_WORDS = 2
# Quotes of three or four words need some sign of the post (a name, a cue, nearness).
MEDIUM_QUOTE_WORDS = 4
_PRONOUNS = word_set("he she it they its his her their this")
# A sentence that starts with one of these continues the subject of the sentence before it.
_SUBJECT_PRONOUNS = word_set("he she it they er sie es")
# How early in a sentence that pronoun may come (words).
PRONOUN_REACH = 3
# "it says", "it reads": an inanimate subject that speaks is the post (or its image).
_IT_SAYS = re.compile(r"\b(?:it|es)\s+(?:says|said|reads|read|states|sagt|heißt)\b", re.I)
# "she wrote", "he said": a pronoun speech tag refers back to the person named before.
_PRONOUN_TAG = re.compile(
    r"\b(?:he|she|they|er|sie)\s+(?:wrote|writes|said|says|posted|tweeted|added|schrieb|sagte)\b"
    r"|\b(?:schrieb|sagte|twitterte)\s+(?:er|sie)\b", re.I)  # German puts the verb first
# Capitalised words that are not names (so two sentences do not share a subject by them).
_NOT_NAMES = word_set("""
monday tuesday wednesday thursday friday saturday sunday january february march april may june
july august september october november december montag dienstag mittwoch donnerstag freitag
samstag sonntag januar februar märz juni juli oktober dezember
""")
# A definite post reference ("her best tweet") cites an embed at most this many sentences on.
SECTION_SENTENCES = 6
# Two quotes sharing this many words in a row quote the same words.
ECHO_WORDS = 3
# How far a continuation may reach from a citing sentence (sentences, either way).
CONTINUE_STEPS = 2


@dataclass(frozen=True)
class _Post:
    post: PostText
    words: PostWords
    names: AuthorNames
    stems: frozenset[str]
    strong: frozenset[str]  # numbers, hashtags and handles (paraphrase.strong_stems)


@dataclass(frozen=True)
class _Piece:
    """One piece of evidence that a sentence cites a post."""

    kind: str
    score: float
    article_span: tuple[int, int]
    quote: str = ""
    post_span: tuple[int, int] | None = None
    diff: str | None = None
    beyond_truncation: bool = False


def link_citations(doc: Document, posts: Sequence[PostText]) -> CiteResult:
    """Every citation of ``posts`` in ``doc``'s sentences, and the quotes that match none."""
    resolver = _Resolver(doc, posts)
    unmatched = resolver.quotes()
    resolver.links()
    resolver.restatements()
    resolver.lead_ins()
    resolver.echoes()
    resolver.continuations()
    return CiteResult(resolver.citations(), tuple(unmatched))


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


class _Resolver:
    def __init__(self, doc: Document, posts: Sequence[PostText]) -> None:
        self.doc = doc
        self.posts: dict[str, _Post] = {}
        for p in posts:
            if p.key in self.posts:
                continue
            names = author_names(p.author_handle, p.author_name)
            name_words = {w for phrase in names.strong for w in phrase} | set(names.weak)
            self.posts[p.key] = _Post(p, post_words(p.text, p.truncated), names,
                                      stems(p.text, exclude=name_words), strong_stems(p.text))
        self.pieces: dict[tuple[int, str], list[_Piece]] = defaultdict(list)
        self._evidence: dict[tuple[int, str], Evidence] = {}
        self._para_starts = [start for start, _ in doc.paragraphs]
        self._quotes: list[Quote] = []
        self._tagged: dict[int, Quote | None] = {}  # sentence -> the quote it is the tag of
        self._echoes: dict[str, list[str]] = defaultdict(list)  # key -> quotes of a textless post
        self._all_positions = sorted(pos for p in self.posts.values() for pos in p.post.positions)

    # -- evidence helpers ------------------------------------------------------------------
    def evidence(self, sentence: Sentence, key: str) -> Evidence:
        ev = self._evidence.get((sentence.index, key))
        if ev is None:
            ev = evidence(sentence.text, self.posts[key].names)
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

    def is_heading(self, sentence: Sentence) -> bool:
        para = self.doc.paragraphs[self.paragraph_of(sentence.start)] if self.doc.paragraphs else None
        whole = para is not None and para[0] >= sentence.start - 1 and para[1] <= sentence.end + 1
        return whole and len(sentence.text.split()) <= HEADING_MAX_WORDS and \
            not sentence.text.rstrip().endswith((".", "!", "?", ":", '"', "”", "’", "»", "…"))

    def in_quote(self, sentence: Sentence) -> bool:
        """The sentence starts inside a quote that opened in an earlier sentence: it is
        someone's quoted words, which cite a post only by quoting it."""
        return any(q.start < sentence.start < q.end for q in self._quotes)

    def embed_between(self, a: Sentence, b: Sentence) -> bool:
        return self._embed_in(min(a.start, b.start), max(a.start, b.start))

    def _embed_in(self, lo: int, hi: int) -> bool:
        """An embed of any post at a position in (lo, hi]."""
        i = bisect_right(self._all_positions, lo)
        return i < len(self._all_positions) and self._all_positions[i] <= hi

    def last_before(self, pos: int) -> Sentence | None:
        """The sentence right before the embed at ``pos``, if it ends the paragraph before it."""
        starts = [s.start for s in self.doc.sentences]
        i = bisect_right(starts, pos - 1) - 1
        if i < 0:
            return None
        sentence = self.doc.sentences[i]
        para = self.paragraph_of(sentence.start)
        return sentence if bisect_right(self._para_starts, pos - 1) - 1 == para else None

    # -- 1. quotes -------------------------------------------------------------------------
    def quotes(self) -> list[UnmatchedQuote]:
        found = find_quotes(self.doc.text, self.doc.paragraphs)
        self._quotes = sorted(found, key=lambda q: q.start)
        # longest first: a long exact quote is the strongest evidence, and it lets a shorter
        # quote of the same post in the same sentence count ("pieces" below)
        long_first = sorted(found, key=lambda q: -self._n_words(q))
        unmatched = []
        for quote in long_first:
            sentence = sentence_at(self.doc.sentences, quote.start)
            if sentence is None:
                continue
            matched = self._match_one(quote, sentence)
            for inner in quote.inner if not matched else ():
                inner_sentence = sentence_at(self.doc.sentences, inner.start)
                if inner_sentence is not None:
                    self._match_one(inner, inner_sentence)
            # one-word quotes are scare quotes or terms ("woke"); two words may be a real
            # quote of another source ("a lifeline"), which a reader wants to see listed
            if not matched and self._n_words(quote) >= MIN_UNMATCHED_WORDS:
                unmatched.append(UnmatchedQuote(sentence.index, quote.text, (quote.start, quote.end)))
        unmatched.sort(key=lambda u: u.article_span)
        return unmatched

    @staticmethod
    def _n_words(quote: Quote) -> int:
        words, _ = split_words(quote.text)
        return sum(1 for w in words if not w.editorial)

    def _match_one(self, quote: Quote, sentence: Sentence) -> bool:
        short = self._n_words(quote) <= SHORT_QUOTE_WORDS
        best: list[tuple[int, str, QuoteMatch]] = []
        for key, post in self.posts.items():
            ev = self.evidence(sentence, key)
            if ev.other_source and not (ev.mention and ev.near_cue):
                continue  # "told the Gazette", "in a statement": not this post
            m = match_quote(quote.text, post.words, allow_short=short)
            if m is None or (short and not self._strong(sentence, key, ev, m)):
                continue
            if self._n_words(quote) <= MEDIUM_QUOTE_WORDS and not self._some(sentence, key, ev):
                continue
            best.append((ev.mention, key, m))
        if not best:
            return False
        # A quote found in several posts goes to those whose author is named, then best score.
        top = max((mention, m.score) for mention, _, m in best)
        for mention, key, m in best:
            if (mention, m.score) == top:
                self._add_quote(quote, key, m)
        return True

    def _strong(self, sentence: Sentence, key: str, ev: Evidence, m: QuoteMatch) -> bool:
        """Strong enough evidence that a one- or two-word quote comes from this post."""
        if ev.mention == 2 or (sentence.index, key) in self.pieces:
            return True
        first = tokens(sentence.text)[:1]
        previous = (sentence.index - 1, key)
        if first and first[0] in _PRONOUNS and any(
                p.kind in QUOTE_KINDS for p in self.pieces.get(previous, ())):
            return True
        return self.adjacent(sentence, key) and (ev.cue or ev.mention > 0 or m.kind == "verbatim")

    def _some(self, sentence: Sentence, key: str, ev: Evidence) -> bool:
        """Any sign that a three- or four-word quote (a slogan, a name) is from this post."""
        previous = self.pieces.get((sentence.index - 1, key), ())
        return bool(ev.mention or ev.cue or self.adjacent(sentence, key)
                    or (sentence.index, key) in self.pieces
                    or any(p.kind in QUOTE_KINDS for p in previous))

    def _add_quote(self, quote: Quote, key: str, m: QuoteMatch) -> None:
        """Record the match once per sentence the quote runs through."""
        post = self.posts[key]
        q_words, _ = split_words(quote.text)
        for sentence in self.doc.sentences:
            if sentence.end <= quote.start or sentence.start >= quote.end:
                continue
            pairs = [(qi, pi) for qi, pi in m.pairs
                     if sentence.start <= quote.start + q_words[qi].start < sentence.end]
            if not pairs:
                continue
            kind = m.kind if m.kind == "altered" else exact_kind(post.words, pairs[0][1], pairs[-1][1])
            if m.beyond_truncation:
                kind = "partial"
            start = quote.start + (m.quote_span[0] if m.kind == "altered" else q_words[pairs[0][0]].start)
            end = quote.start + (m.quote_span[1] if m.kind == "altered" else q_words[pairs[-1][0]].end)
            start, end = max(start, sentence.start), min(end, sentence.end)
            if m.beyond_truncation:  # keep the words past the cut in the recorded quote
                end = min(quote.end, sentence.end)
            score = 1.0 if kind == "verbatim" else min(m.score, 0.99)
            post_span = (post.words.words[pairs[0][1]].start, post.words.words[pairs[-1][1]].end)
            self.pieces[(sentence.index, key)].append(_Piece(
                kind, score, (start, end), self.doc.text[start:end], post_span, m.diff,
                m.beyond_truncation))

    # -- 2. links --------------------------------------------------------------------------
    def links(self) -> None:
        for link in self.doc.links:
            ref = parse_post_url(link.url)
            if ref is None or ref.key not in self.posts:
                continue
            sentence = sentence_at(self.doc.sentences, link.start)
            if sentence is None or is_credit_line(sentence.text):
                continue
            self.pieces[(sentence.index, ref.key)].append(_Piece("link", 1.0, (link.start, link.end)))

    # -- 3 and 4. paraphrase and attribution -----------------------------------------------
    def restatements(self) -> None:
        for sentence in self.doc.sentences:
            if is_credit_line(sentence.text) or self.is_heading(sentence) or self.in_quote(sentence):
                continue
            attributed: list[tuple[str, Evidence]] = []
            for key, post in self.posts.items():
                if self._is_embed_text(sentence, post):
                    continue
                ev = self.evidence(sentence, key)
                if ev.other_source and not (ev.mention and ev.near_cue):
                    continue
                adjacent = self.adjacent(sentence, key)
                names = {w for phrase in post.names.strong for w in phrase} | set(post.names.weak)
                ov = overlap(stems(sentence.text, exclude=names), post.stems, post.strong)
                # in the text leading up to the embed (looked up only where it can matter)
                section = adjacent or ((ev.definite or ov.strong >= PARA_SECTION_STRONG)
                                       and self._in_own_section(sentence, key))
                follows = ov.strong > 0 and self._follows_quote(sentence, key)
                if _restates(ov, ev, adjacent, section, follows):
                    score = round(min(0.95, 0.3 + 0.6 * ov.score + 0.1 * bool(ev.mention)), 3)
                    self.pieces[(sentence.index, key)].append(_Piece(
                        "paraphrase", score, (sentence.start, sentence.end),
                        post_span=(0, len(post.post.text))))
                if self._tags_other_quote(sentence, key):
                    continue
                if (ev.mention and ev.near_cue) or (ev.mention and ev.cue and adjacent) \
                        or (ev.definite and section) \
                        or (ev.media and adjacent) or (ev.mention == 2 and self.introduces(sentence, key)) \
                        or self._posting_by_embed(sentence, key, ev):
                    attributed.append((key, ev))
            for key, ev in self._nearest_unnamed(sentence, self._nearest_per_author(sentence, attributed)):
                score = round(min(0.9, 0.4 + 0.1 * ev.mention + 0.1 * ev.near_cue
                                  + 0.1 * self.adjacent(sentence, key)), 3)
                self.pieces[(sentence.index, key)].append(
                    _Piece("attribution", score, (sentence.start, sentence.end)))

    def _follows_quote(self, sentence: Sentence, key: str) -> bool:
        """The sentence opens with a subject pronoun right after a sentence that quotes the
        post ("She then shared the hashtag #X"): it goes on about the same post, so one of
        the post's hashtags or numbers there restates it."""
        if sentence.index == 0 or not _starts_with_pronoun(sentence.text):
            return False
        previous = self.doc.sentences[sentence.index - 1]
        return not self.embed_between(previous, sentence) and any(
            p.kind in QUOTE_KINDS for p in self.pieces.get((previous.index, key), ()))

    def _posting_by_embed(self, sentence: Sentence, key: str, ev: Evidence) -> bool:
        """A verb of posting in the sentence right before the embed, with no author named
        ("The party leader retweeted it with a comment"): it describes the post that follows.
        A sentence naming another post's author is about that author's post."""
        return self._posts_unnamed(sentence, key) and self.introduces(sentence, key)

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
        if post.post.text:
            start = sentence_at(self.doc.sentences, quote.start)
            return start is not None and not any(
                p.kind in QUOTE_KINDS for p in self.pieces.get((start.index, key), ()))
        known = [q.text for q in self._quotes if q is not quote and any(
            p.kind == "link" for p in self.pieces.get((self._sentence_index(q.start), key), ()))]
        return bool(known) and not _runs(quote.text, ECHO_WORDS) & set().union(
            *(_runs(k, ECHO_WORDS) for k in known))

    def _quote_tagged_by(self, sentence: Sentence) -> Quote | None:
        """A quote from an earlier sentence of the same paragraph that ends right where
        ``sentence`` starts (only closing marks between), when ``sentence`` has no quote of
        its own. Cached per sentence: it is asked once per post."""
        if sentence.index not in self._tagged:
            self._tagged[sentence.index] = None
            if not any(sentence.start <= q.start < sentence.end for q in self._quotes):
                self._tagged[sentence.index] = next(
                    (q for q in self._quotes if q.start < sentence.start and q.end <= sentence.start
                     and self.paragraph_of(q.start) == self.paragraph_of(sentence.start)
                     and not re.search(r"\w", self.doc.text[q.end:sentence.start])), None)
        return self._tagged[sentence.index]

    def _sentence_index(self, offset: int) -> int:
        sentence = sentence_at(self.doc.sentences, offset)
        return sentence.index if sentence is not None else -1

    def _nearest_per_author(self, sentence: Sentence, found: list[tuple[str, Evidence]]
                            ) -> list[tuple[str, Evidence]]:
        """An author named with several posts: the nearest one, unless "thread", "posts"..."""
        by_author: dict[str, list[tuple[str, Evidence]]] = defaultdict(list)
        for key, ev in found:
            handle = (self.posts[key].post.author_handle or key).lower()
            by_author[handle].append((key, ev))
        kept = []
        for group in by_author.values():
            if len(group) == 1 or group[0][1].plural:
                kept.extend(group)
                continue
            nearest = min(self.distance(sentence, key) for key, _ in group)
            kept.extend((k, ev) for k, ev in group if self.distance(sentence, k) == nearest)
        return kept

    def _nearest_unnamed(self, sentence: Sentence, found: list[tuple[str, Evidence]]
                         ) -> list[tuple[str, Evidence]]:
        """Posts found only by "the post" / "the photo" (no name): the nearest embed's."""
        unnamed = [(k, ev) for k, ev in found if not ev.mention]
        if len(unnamed) < 2:
            return found
        nearest = min(self.distance(sentence, k) for k, _ in unnamed)
        return [(k, ev) for k, ev in found if ev.mention or self.distance(sentence, k) == nearest]

    def _in_own_section(self, sentence: Sentence, key: str) -> bool:
        """In the post's section, and not about another post already: "the same post" after a
        quote of another post, or a sentence that names another post's author."""
        if any(i == sentence.index and k != key for i, k in self.pieces):
            return False
        return self.in_section(sentence, key) and not self._names_other_author(sentence, key)

    def _is_embed_text(self, sentence: Sentence, post: _Post) -> bool:
        """A sentence that is the post's own text (an embed the extractor left in the body)."""
        words, _ = split_words(sentence.text)
        if len(words) < 5:
            return False
        keys, pkeys = [w.key for w in words], post.words.keys
        n = len(keys)
        return any(pkeys[i:i + n] == keys for i in range(len(pkeys) - n + 1))

    # -- 5. lead-ins and continuations ---------------------------------------------------
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
                    if lead is not None and not self.evidence(lead, key).other_source:
                        self._attribute(lead, key, 0.5)
                        self._echoes[key].append(quote.text)

    def _quote_ending_in(self, sentence: Sentence) -> Quote | None:
        """A quote of at least MIN_UNMATCHED_WORDS words ending in ``sentence``."""
        for q in self._quotes:
            if sentence.start <= q.end <= sentence.end and self._n_words(q) >= MIN_UNMATCHED_WORDS:
                return q
        return None

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
        if ev.other_source or self._names_other_author(nxt, key) or self._leads_into_other(nxt, key):
            return False
        later = nxt if step == 1 else current
        tagged = bool(_PRONOUN_TAG.search(later.text))
        it_says = bool(_IT_SAYS.search(nxt.text))
        # "The party leader retweeted it": a verb of posting with no name, whose subject is
        # the person the sentence before named
        unnamed = step == -1 and self._posts_unnamed(later, key)
        same_subject = _starts_with_pronoun(later.text) or tagged or it_says or unnamed \
            or _share_name(current.text, nxt.text)
        # the author named just before "..., she wrote." is the one who wrote it
        introduces = step == -1 and (tagged or unnamed) and ev.mention == 2
        return same_subject and (ev.cue or ev.definite or introduces or it_says)

    def _posts_unnamed(self, sentence: Sentence, key: str) -> bool:
        """A verb of posting in a sentence that names no author of the page's posts."""
        ev = self.evidence(sentence, key)
        return ev.verb and not ev.mention and not self._names_other_author(sentence, key)

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
        for s in self.doc.sentences[sentence.index + 1:]:
            if s.start >= pos or ahead > SECTION_SENTENCES:
                break
            ahead += not self.is_heading(s)
        return ahead

    def introduces(self, sentence: Sentence, key: str) -> bool:
        """The sentence names the author and is the last one before an embed of the post."""
        return any(self.last_before(pos) == sentence for pos in self.posts[key].post.positions)

    def _leads_into_other(self, sentence: Sentence, key: str) -> bool:
        """The sentence sits right before an embed of another post: it introduces that one."""
        return any(self.last_before(pos) == sentence for k, p in self.posts.items() if k != key
                   for pos in p.post.positions)

    def _names_other_author(self, sentence: Sentence, key: str) -> bool:
        """The sentence names the author of another post (and not this post's author)."""
        if self.evidence(sentence, key).mention:
            return False
        mine = (self.posts[key].post.author_handle or "").lower()
        return any(self.evidence(sentence, k).mention == 2 for k, p in self.posts.items()
                   if k != key and (p.post.author_handle or "").lower() != mine)

    def _attribute(self, sentence: Sentence, key: str, score: float) -> None:
        if (sentence.index, key) not in self.pieces:
            self.pieces[(sentence.index, key)].append(
                _Piece("attribution", score, (sentence.start, sentence.end)))

    # -- result ----------------------------------------------------------------------------
    def citations(self) -> tuple[Citation, ...]:
        out = []
        for (index, key), pieces in self.pieces.items():
            kinds = {p.kind for p in pieces}
            kind = next(k for k in KIND_ORDER if k in kinds)
            if kind in QUOTE_KINDS:
                chosen = sorted((p for p in pieces if p.kind in QUOTE_KINDS), key=lambda p: p.article_span)
                also = tuple(k for k in KIND_ORDER if k in kinds and k not in QUOTE_KINDS)
            else:
                chosen = [max((p for p in pieces if p.kind == kind), key=lambda p: p.score)]
                also = tuple(k for k in KIND_ORDER if k in kinds and k != kind)
            spans = [p.post_span for p in chosen if p.post_span]
            diffs = [p.diff for p in chosen if p.diff]
            out.append(Citation(
                post_key=key, sentence_index=index, kind=kind,
                score=max(p.score for p in chosen if p.kind == kind),
                quote=" | ".join(p.quote for p in chosen if p.quote),
                article_span=(min(p.article_span[0] for p in chosen),
                              max(p.article_span[1] for p in chosen)),
                post_span=(min(s[0] for s in spans), max(s[1] for s in spans)) if spans else None,
                diff=" | ".join(diffs) if diffs else None,
                beyond_truncation=any(p.beyond_truncation for p in chosen),
                also=also,
            ))
        out.sort(key=lambda c: (c.sentence_index, c.article_span[0], c.post_key))
        return tuple(out)


def _restates(ov: Overlap, ev: Evidence, adjacent: bool, section: bool, follows: bool) -> bool:
    """Enough of the sentence comes from the post, given how it points at the post.
    ``section``: next to the embed or in the text leading up to it; ``follows``: right
    after a sentence quoting the post, with a pronoun subject."""
    # "She then shared the hashtag #X" after quoting the post: its own hashtag is enough
    if follows and ov.strong:
        return True
    # in the lead-up to the embed, two of the post's hashtags or numbers ("#Koeln",
    # "#fahrrad" restated as "Köln" and "Fahrradweg") rarely come from elsewhere
    if section and ov.strong >= PARA_SECTION_STRONG:
        return True
    pointed = ev.definite and section  # "her post" there
    # the author named right by the embed, or "in her post" there: a couple of the post's
    # content words are enough ("Nand, next to her post, said crews were not consulted")
    if ((adjacent and ev.mention == 2) or pointed) and ov.shared >= PARA_NAMED_SHARED:
        return True
    if ov.shared < PARA_MIN_SHARED:
        return False
    if ov.precision >= PARA_MIN_PRECISION and (ev.mention == 2 or (ev.cue and adjacent)):
        return True
    if adjacent and ev.mention and ov.precision >= PARA_ADJACENT_PRECISION:
        return True
    # next to the embed, a shared number or hashtag ("30fps") stands in for the name
    return adjacent and ov.strong >= 1 and ov.shared >= PARA_STRONG_SHARED \
        and ov.precision >= PARA_STRONG_PRECISION


def _runs(text: str, n: int) -> set[tuple[str, ...]]:
    """The runs of ``n`` normalised words in ``text``."""
    keys = [w.key for w in split_words(text)[0]]
    return {tuple(keys[i:i + n]) for i in range(len(keys) - n + 1)}


def _starts_with_pronoun(text: str) -> bool:
    """A subject pronoun opens the sentence, or comes right after its verb as German puts
    it after an opening adverb ("Interessanterweise verzichtete er ...")."""
    return any(w in _SUBJECT_PRONOUNS for w in tokens(text)[:PRONOUN_REACH])




def _names(text: str) -> set[str]:
    """Capitalised words past the first word of a sentence: names, roughly."""
    return _capitalised(_after_first(text)) - PLATFORMS - _NOT_NAMES


def _after_first(text: str) -> str:
    body = text.lstrip("\"“„‘'( ")
    first = re.match(r"\S+", body)
    return body[first.end():] if first else body


def _capitalised(text: str) -> set[str]:
    return {m.group(0).lower() for m in re.finditer(r"\b[A-Z][\w-]{2,}", text)}


def _share_name(a: str, b: str) -> bool:
    """Both sentences name the same person. A capitalised first word ("Emery also
    retweeted ...") counts when the other sentence has it as a name past its start."""
    first_a = _capitalised(a[:len(a) - len(_after_first(a))])
    first_b = _capitalised(b[:len(b) - len(_after_first(b))])
    names_a, names_b = _names(a), _names(b)
    return bool(names_a & (names_b | first_b) or names_b & first_a)

"""Link article sentences to the posts they quote, restate, name or link.

``link_citations(doc, posts)`` is the entry point. It collects evidence of every kind for
the page's (sentence, post) pairs, then the learned scorer (scorer.py, over the features of
features.py) decides which candidate pairs cite; each kept pair is one Citation, its kind
the evidence's by precedence (model.KIND_ORDER) or, with no quote or link, the scorer's
paraphrase-or-attribution call. ``rule_citations`` keeps every pair with evidence instead
(the resolver before it learned). The evidence, step by step:

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

This module owns the entry points, steps 1 to 4 and the assembly of one Citation per
(sentence, post). context.py owns the sentence neighbourhood the steps ask about (next to
an embed, in the lead-up to it, the speech tag of a quote) and steps 5 and 6;
paraphrase.restates decides when a sentence's overlap with a post is a paraphrase.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace
from functools import cache

from postlink.cite.attribution import Evidence, cue_words, is_credit_line, tokens
from postlink.cite.compare import (
    SHORT_QUOTE_WORDS,
    QuoteMatch,
    Word,
    exact_kind,
    match_drifted,
    match_words,
    split_words,
)
from postlink.cite.context import (
    MIN_UNMATCHED_WORDS,
    QUOTE_KINDS,
    PageContext,
    Piece,
    PreparedPost,
    author_key,
    sentence_at,
    tag_names_someone,
)
from postlink.cite.features import PairFeatures
from postlink.cite.model import KIND_ORDER, Citation, CiteResult, PostText, UnmatchedQuote
from postlink.cite.paraphrase import PARA_SECTION_STRONG, overlap, restates
from postlink.cite.quotes import Quote, find_quotes
from postlink.cite.scorer import Scorer, shipped
from postlink.extract.model import Document, Sentence
from postlink.lexicon import cues_in
from postlink.platforms import parse_post_url

__all__ = ["Citation", "CiteResult", "PostText", "UnmatchedQuote", "candidate_features", "link_citations",
           "rule_citations", "sentence_at"]

# Quotes of three or four words need some sign of the post (a name, a cue, nearness).
MEDIUM_QUOTE_WORDS = 4
# How far around a short quote the article is read for the same words unquoted (_is_term).
TERM_WINDOW = 300


def link_citations(doc: Document, posts: Sequence[PostText], scorer: Scorer | None = None) -> CiteResult:
    """Every citation of ``posts`` in ``doc``'s sentences, and the quotes that match none.
    ``scorer`` defaults to the shipped weights (scorer.shipped)."""
    resolver, unmatched, features = _resolve(doc, posts)
    citations, unmatched = _translated_quotes(resolver, resolver.decide(features, scorer or shipped()), unmatched)
    return CiteResult(citations, tuple(_with_doubted_quotes(resolver, citations, unmatched)))


def _translated_quotes(resolver: _Resolver, citations: Sequence[Citation], unmatched: list[UnmatchedQuote]
                       ) -> tuple[tuple[Citation, ...], list[UnmatchedQuote]]:
    """A kept pair whose sentence holds a quote that matched no post, of a post written in
    another language than the page, quotes that post translated: the article marks the
    post's words as quoted though none of them can match. It is the post's ``altered``
    quote (the kind the pair was kept as stays in ``also``), with no word diff across the
    two languages, and its quote leaves the unmatched ones. Not when the quote's speech tag
    names someone other than the post's author ("…", sagte Bürgermeister Luc Bertin)."""
    quotes: dict[int, list[UnmatchedQuote]] = defaultdict(list)
    for u in unmatched:
        quotes[u.sentence_index].append(u)
    used: set[tuple[int, int]] = set()
    out = []
    for c in citations:
        if c.kind not in ("paraphrase", "attribution") or c.post_key not in resolver.translated:
            out.append(c)
            continue
        sentence = resolver.doc.sentences[c.sentence_index]
        own = quotes.get(c.sentence_index) or _dash_quote(sentence)
        # a quote whose tag names someone, and not the post's author, is that someone's words
        if own and not (tag_names_someone(sentence.text) and not resolver.evidence(sentence, c.post_key).mention):
            used.update(u.article_span for u in own)
            c = replace(c, kind="altered", quote=" | ".join(u.quote for u in own), post_span=None, diff=None,
                        article_span=(own[0].article_span[0], own[-1].article_span[1]),
                        also=tuple(k for k in KIND_ORDER if k == c.kind or k in c.also))
        out.append(c)
    return tuple(out), [u for u in unmatched if u.article_span not in used]


# Reported speech after a dialogue dash, up to the comma before its speech tag: "– Vi trenger
# en tunnel, skriver han." (Norwegian, Polish, Russian articles mark a quote so).
_DASH_QUOTE = re.compile(r"\s*[–—]\s+(?P<quote>.+?)(?:,[^,]*)?$", re.S)


def _dash_quote(sentence: Sentence) -> list[UnmatchedQuote]:
    m = _DASH_QUOTE.match(sentence.text)
    if m is None or len(m["quote"].split()) < MIN_UNMATCHED_WORDS:
        return []
    start = sentence.start + m.start("quote")
    return [UnmatchedQuote(sentence.index, m["quote"], (start, start + len(m["quote"])))]


def _with_doubted_quotes(resolver: _Resolver, citations: Sequence[Citation],
                         unmatched: list[UnmatchedQuote]) -> list[UnmatchedQuote]:
    """A quote whose words match a post but whose pair the scorer did not keep is still a
    quote the reader should see: it joins the unmatched quotes instead of vanishing."""
    kept = {(c.sentence_index, c.post_key) for c in citations}
    covered = [c.article_span for c in citations if c.kind in QUOTE_KINDS]
    listed = {u.article_span for u in unmatched}
    out = list(unmatched)
    for (index, key), pieces in resolver.pieces.items():
        if (index, key) in kept:
            continue
        for piece in pieces:
            span = piece.article_span
            if piece.kind not in QUOTE_KINDS or span in listed or len(piece.quote.split()) < MIN_UNMATCHED_WORDS \
                    or any(a <= span[0] and span[1] <= b for a, b in covered):
                continue
            listed.add(span)
            out.append(UnmatchedQuote(index, piece.quote, span))
    out.sort(key=lambda u: u.article_span)
    return out


def rule_citations(doc: Document, posts: Sequence[PostText]) -> CiteResult:
    """The deterministic layer alone: every pair with evidence, its kind by precedence. This
    is what postlink did before the scorer; the scorer reads the same evidence as features.
    bench/cite.py reports it as the baseline, and tests check each rule through it."""
    resolver, unmatched, features = _resolve(doc, posts)
    return CiteResult(resolver.decide(features, None), tuple(unmatched))


def candidate_features(doc: Document, posts: Sequence[PostText]) -> list[tuple[int, str, list[float]]]:
    """(sentence index, post key, feature vector) of every candidate pair: what the scorer
    sees, for training it (bench/train_cite.py)."""
    _, _, features = _resolve(doc, posts)
    return [(i, key, features.vector(i, key)) for i, key in features.candidates()]


def _resolve(doc: Document, posts: Sequence[PostText]
             ) -> tuple[_Resolver, list[UnmatchedQuote], PairFeatures]:
    """The deterministic steps (quote matches, links, the reported-speech evidence), and the
    features of the candidate pairs they leave."""
    resolver = _Resolver(doc, posts)
    unmatched = resolver.quotes()
    resolver.links()
    resolver.restatements()
    resolver.lead_ins()
    resolver.echoes()
    resolver.continuations()
    return resolver, unmatched, PairFeatures(resolver, (u.sentence_index for u in unmatched))


# Where a sentence of a quote ends: a stop and a space (the stop stays with its sentence).
_QUOTE_SENTENCE_END = re.compile(r"(?<=[.!?…。！？])\s+")


class _Resolver(PageContext):
    """Quotes, links, paraphrases and attributions on top of the sentence neighbourhood
    (context.py), assembled into one Citation per (sentence, post)."""

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
            if sentence is None or self._is_term(quote, sentence):
                continue
            matched = self._match_one(quote, sentence)
            for inner in quote.inner if not matched else ():
                inner_sentence = sentence_at(self.doc.sentences, inner.start)
                if inner_sentence is not None:
                    self._match_one(inner, inner_sentence)
            if not matched:
                matched = self._match_by_sentence(quote)
            # one-word quotes are scare quotes or terms ("woke"); two words may be a real
            # quote of another source ("a lifeline"), which a reader wants to see listed
            if not matched and self._n_words(quote) >= MIN_UNMATCHED_WORDS:
                unmatched.append(UnmatchedQuote(sentence.index, quote.text, (quote.start, quote.end)))
        unmatched.sort(key=lambda u: u.article_span)
        return unmatched

    def _match_by_sentence(self, quote: Quote) -> bool:
        """A quote of several sentences that no post holds as a whole may still quote a post
        sentence by sentence: the post's first sentence, then the writer's own rendering of
        the rest, or two posts in one pair of marks. Each of its sentences is matched alone."""
        gaps = list(_QUOTE_SENTENCE_END.finditer(quote.text))
        if not gaps:
            return False
        matched = False
        starts = [0] + [g.end() for g in gaps]
        ends = [g.start() for g in gaps] + [len(quote.text)]
        for a, b in zip(starts, ends, strict=True):
            sentence = sentence_at(self.doc.sentences, quote.start + a)
            if sentence is not None and a < b:
                part = Quote(quote.start + a, quote.start + b, quote.text[a:b])
                matched |= self._match_one(part, sentence)
        return matched

    def _is_term(self, quote: Quote, sentence: Sentence) -> bool:
        """A quote of one or two words that the same sentence also writes without quote marks
        ("the tag “Harbour Ferry” trended as Harbour Ferry fans ...") is a term the article
        uses, not words it quotes from a post. Only TERM_WINDOW characters either side are
        read, so a sentence of many quotes costs no more per quote."""
        if self._n_words(quote) > SHORT_QUOTE_WORDS:
            return False
        lo = max(sentence.start, quote.start - TERM_WINDOW)
        hi = min(sentence.end, quote.end + TERM_WINDOW)
        around, term = self.doc.text[lo:hi].lower(), quote.text.strip().lower()
        if not term or len(around) != hi - lo:
            return False  # lower() changed a length: offsets would not map back
        at = around.find(term)
        while at >= 0:
            end = at + len(term)
            whole = (at == 0 or not _is_word_char(around[at - 1])) and (
                end == len(around) or not _is_word_char(around[end]))
            if whole and not self.quote_index().holds(lo + at):
                return True
            at = around.find(term, at + 1)
        return False

    def _match_one(self, quote: Quote, sentence: Sentence) -> bool:
        if not self.posts:
            return False  # nothing to match: the quote's words need not be cut
        short = self._n_words(quote) <= SHORT_QUOTE_WORDS
        words, ellipses = split_words(quote.text)  # once for all the posts
        best: list[tuple[int, str, QuoteMatch]] = []
        for key, post in self.posts.items():
            # the words first: the evidence of a post the quote does not match is never read
            m = match_words(words, ellipses, post.words, allow_short=short)
            if m is None:
                continue
            ev = self.evidence(sentence, key)
            if ev.other_source and not (ev.mention and ev.near_cue):
                continue  # "told the Gazette", "in a statement": not this post
            if short and not self._strong(sentence, key, ev, m):
                continue
            if self._n_words(quote) <= MEDIUM_QUOTE_WORDS and not self._some(sentence, key, ev):
                continue
            best.append((ev.mention, key, m))
        if not best and not short:
            best = self._drifted_matches(sentence, words, ellipses)
        if not best:
            return False
        # A quote found in several posts goes to those whose author is named, then best score.
        top = max((mention, m.score) for mention, _, m in best)
        for mention, key, m in best:
            if (mention, m.score) == top:
                self._add_quote(quote, words, key, m)
        return True

    def _drifted_matches(self, sentence: Sentence, words: list[Word], ellipses: list[int]
                         ) -> list[tuple[int, str, QuoteMatch]]:
        """Matches of a quote whose words drift from a post's (compare.match_drifted), for
        the posts near the sentence or named in it, with a sign the quote is theirs: a
        misspelt quote is weaker evidence than an exact one."""
        found = []
        for key in sorted(self.nearby(sentence.index)):
            m = match_drifted(words, ellipses, self.posts[key].words)
            if m is None:
                continue
            ev = self.evidence(sentence, key)
            if ev.other_source or not self._some(sentence, key, ev):
                continue
            found.append((ev.mention, key, m))
        return found

    def _strong(self, sentence: Sentence, key: str, ev: Evidence, m: QuoteMatch) -> bool:
        """Strong enough evidence that a one- or two-word quote comes from this post."""
        if ev.mention == 2 or (sentence.index, key) in self.pieces:
            return True
        first = tokens(sentence.text)[:1]
        previous = (sentence.index - 1, key)
        if first and first[0] in _pronouns(self.language) and any(
                p.kind in QUOTE_KINDS for p in self.pieces.get(previous, ())):
            return True
        return self.adjacent(sentence, key) and (ev.cue or ev.mention > 0 or m.kind == "verbatim")

    def _some(self, sentence: Sentence, key: str, ev: Evidence) -> bool:
        """Any sign that a three- or four-word quote (a slogan, a name) is from this post."""
        previous = self.pieces.get((sentence.index - 1, key), ())
        return bool(ev.mention or ev.cue or self.adjacent(sentence, key)
                    or (sentence.index, key) in self.pieces
                    or any(p.kind in QUOTE_KINDS for p in previous))

    def _add_quote(self, quote: Quote, q_words: Sequence[Word], key: str, m: QuoteMatch) -> None:
        """Record the match once per sentence the quote runs through (``q_words``: the
        quote's split_words)."""
        post = self.posts[key]
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
            self.add_piece(sentence.index, key, Piece(
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
            self.add_piece(sentence.index, ref.key, Piece("link", 1.0, (link.start, link.end)))
            self.link_offsets[ref.key].append(link.start)

    # -- 3 and 4. paraphrase and attribution -----------------------------------------------
    def restatements(self) -> None:
        for sentence in self.doc.sentences:
            if is_credit_line(sentence.text) or self.is_heading(sentence) or self.in_quote(sentence):
                continue
            attributed: list[tuple[str, Evidence]] = []
            for key in self.posts_for(sentence):
                post = self.posts[key]
                if self._is_embed_text(sentence, post):
                    continue
                ev = self.evidence(sentence, key)
                if ev.other_source and not (ev.mention and ev.near_cue):
                    continue
                adjacent = self.adjacent(sentence, key)
                ov = overlap(self.content_stems(sentence, post.name_words), post.stems, post.strong)
                # in the text leading up to the embed (looked up only where it can matter)
                section = adjacent or ((ev.definite or ov.strong >= PARA_SECTION_STRONG)
                                       and self._in_own_section(sentence, key))
                follows = ov.strong > 0 and self._follows_quote(sentence, key)
                if restates(ov, ev, adjacent, section, follows):
                    score = round(min(0.95, 0.3 + 0.6 * ov.score + 0.1 * bool(ev.mention)), 3)
                    self.add_piece(sentence.index, key, Piece(
                        "paraphrase", score, (sentence.start, sentence.end),
                        post_span=(0, len(post.post.text))))
                elif self.speaks_for(sentence, key, ev, ov.shared):
                    # "the post", "retweeted it": a description of the post, not of what it says
                    kind = "attribution" if ev.definite or ev.verb else "paraphrase"
                    score = round(min(0.8, 0.4 + 0.3 * ov.score + 0.1 * bool(ev.mention)), 3)
                    self.add_piece(sentence.index, key, Piece(
                        kind, score, (sentence.start, sentence.end),
                        post_span=(0, len(post.post.text)) if kind == "paraphrase" else None))
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
                self.add_piece(sentence.index, key, Piece("attribution", score, (sentence.start, sentence.end)))

    def _nearest_per_author(self, sentence: Sentence, found: list[tuple[str, Evidence]]
                            ) -> list[tuple[str, Evidence]]:
        """An author named with several posts: the nearest one, unless "thread", "posts"..."""
        by_author: dict[str, list[tuple[str, Evidence]]] = defaultdict(list)
        for key, ev in found:
            by_author[author_key(self.posts[key].post)].append((key, ev))
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

    def _is_embed_text(self, sentence: Sentence, post: PreparedPost) -> bool:
        """A sentence that is the post's own text (an embed the extractor left in the body)."""
        if not self.content_stems(sentence) <= post.all_stems:
            return False  # a word the post does not have: cheaper to know than the run test
        words = self.sentence_words(sentence)
        if len(words) < 5:
            return False
        keys, pkeys = [w.key for w in words], post.words.keys
        n = len(keys)
        return any(pkeys[i:i + n] == keys for i in range(len(pkeys) - n + 1))

    # -- result ----------------------------------------------------------------------------
    def decide(self, features: PairFeatures, scorer: Scorer | None) -> tuple[Citation, ...]:
        """One Citation per candidate pair the scorer keeps (``None``: every pair with
        evidence). A pair that quotes the post takes the quote's kind, one that links it
        ``link``; otherwise the kind model tells a paraphrase from an attribution. ``score``
        is the match score of a quote and the scorer's probability for the other kinds."""
        out = []
        for index, key in features.candidates() if scorer else sorted(self.pieces):
            pieces = self.pieces.get((index, key), [])
            kinds = {piece.kind for piece in pieces}
            quoted = [piece for piece in pieces if piece.kind in QUOTE_KINDS]
            p = 1.0
            if scorer is not None:
                x = features.vector(index, key)
                p = scorer.p_cite(x)
                if not scorer.keeps(x, p):
                    continue
            if quoted:
                kind = next(k for k in KIND_ORDER if k in kinds)
                chosen = sorted(quoted, key=lambda piece: piece.article_span)
                score = max(piece.score for piece in chosen if piece.kind == kind)
            else:
                if scorer is None:
                    kind = next(k for k in KIND_ORDER if k in kinds)
                elif "link" in kinds:
                    kind = "link"
                else:
                    kind = "paraphrase" if scorer.p_paraphrase(x) >= 0.5 else "attribution"
                sentence = self.doc.sentences[index]
                own = [piece for piece in pieces if piece.kind == kind]
                span = own[0].article_span if own else (sentence.start, sentence.end)
                post_span = (0, len(self.posts[key].post.text)) if kind == "paraphrase" else None
                score = round(p, 3) if scorer else max(piece.score for piece in own)
                chosen = [Piece(kind, score, span, post_span=post_span)]
            also = tuple(k for k in KIND_ORDER if k in kinds and k != kind
                         and not (k in QUOTE_KINDS and kind in QUOTE_KINDS))
            spans = [piece.post_span for piece in chosen if piece.post_span]
            diffs = [piece.diff for piece in chosen if piece.diff]
            out.append(Citation(
                post_key=key, sentence_index=index, kind=kind, score=score,
                quote=" | ".join(piece.quote for piece in chosen if piece.quote),
                article_span=(min(piece.article_span[0] for piece in chosen),
                              max(piece.article_span[1] for piece in chosen)),
                post_span=(min(s[0] for s in spans), max(s[1] for s in spans)) if spans else None,
                diff=" | ".join(diffs) if diffs else None,
                beyond_truncation=any(piece.beyond_truncation for piece in chosen),
                also=also,
            ))
        out.sort(key=lambda c: (c.sentence_index, c.article_span[0], c.post_key))
        return tuple(out)


def _is_word_char(char: str) -> bool:
    return char.isalnum() or char == "_"


@cache
def _pronouns(language: str | None) -> frozenset[str]:
    """Words that open a sentence going on about what the sentence before quoted."""
    return cue_words(language).subject_pronouns | cues_in("possessives", language) | {"this"}

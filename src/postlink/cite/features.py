"""Features of one (sentence, post) candidate pair, for the learned scorer (scorer.py).

Every feature is general: where the sentence stands relative to the post's embed, how it
names the post's author, whether it has a posting cue or credits another source, what it
quotes and what it shares with the post's words. The resolver's deterministic evidence
(quote matches, links, and the reported-speech rules of match.py and context.py) enters as
features too, so the classifier learns how far to trust each rule instead of obeying it.

``PairFeatures.candidates`` keeps the number of pairs linear in the article: a post is a
candidate for a sentence only if the sentence is next to one of its embeds, names its author,
shares its words (candidates.py), or already holds evidence for it.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from postlink import lexicon
from postlink.cite.attribution import cue_words
from postlink.cite.candidates import WINDOW
from postlink.cite.context import QUOTE_KINDS, PageContext, author_key, tag_names_someone
from postlink.cite.paraphrase import overlap
from postlink.extract.model import Sentence

# A quote of this many words matched to a post rarely comes from anywhere else.
LONG_QUOTE_WORDS = 6
# Embeds between a sentence and a post's embed counted up to this many (features.embeds_between).
MAX_BETWEEN = 3

_QUOTE_MARKS = re.compile("[\"“”„«»‘’‚‹›「」『』]")
_OPENS_QUOTED = re.compile("\\s*(?:[\"“”„«‘‚‹「『]|[–—]\\s)")


@dataclass(frozen=True)
class SentenceCues:
    """What a sentence says whichever post it is paired with (lexicon words, any language)."""

    reach: bool  # views, likes, went viral
    earlier: bool  # an earlier post
    later: bool  # a later post
    crowd: bool  # users, fans: generic reaction
    pronoun_start: bool  # a third-person pronoun among the first words
    opens_quoted: bool  # opens on a quote mark or a dialogue dash: the tag follows the quote

    @classmethod
    def of(cls, text: str, language: str | None = None) -> SentenceCues:
        """``language``: the page's, for the pronoun (lexicon.count_in): Polish "on" (he) is
        no pronoun opening an English "On Monday, …", nor Swedish "de" (they) a French "De
        plus, …". The other cues still count every language's words (see the README)."""
        words = lexicon.words(text)
        return cls(
            reach=bool(lexicon.count_words(words, "reach")),
            earlier=bool(lexicon.count_words(words, "order_earlier")),
            later=bool(lexicon.count_words(words, "order_later")),
            crowd=bool(lexicon.count_words(words, "crowd")),
            pronoun_start=bool(lexicon.count_in(words[:3], "pronouns", language)) or _credits_pronoun(words[:3], language),
            opens_quoted=bool(_OPENS_QUOTED.match(text)),
        )


def _credits_pronoun(first: Sequence[str], language: str | None) -> bool:
    """The sentence opens by crediting a pronoun ("Selon lui, …", "Według niej …", "Ihr
    zufolge …", "По её словам …"): it speaks for the person named before, as "He said" does."""
    lex = cue_words(language)
    return not lex.credited_pronouns.isdisjoint(first) and not (
        lex.according.isdisjoint(first) and lex.according_after.isdisjoint(first))


FEATURES = (
    "bias",
    # deterministic evidence of the resolver
    "quote_verbatim", "quote_altered", "quote_partial", "quote_score", "quote_words",
    "quote_long", "link", "link_paragraph", "rule_paraphrase", "rule_attribution", "rule_score",
    # naming the author
    "mention_full", "mention_part", "near_cue", "cue", "plural_cue", "verb", "speech",
    "definite", "media", "other_source", "other_author_named", "pronoun_start", "named_before",
    "tag_named_before", "tag_after_embed",
    # where the sentence stands
    "adjacent", "in_section", "sentences_away", "chars_away", "before_embed",
    "nearest_embed", "author_nearest", "no_embed", "introduces", "behind_another", "embeds_between",
    # what it shares with the post
    "overlap", "shared", "strong_shared", "overlap_precision",
    # quotes
    "quote_marks", "quote_of_other_post", "unmatched_quote", "quotes_something_else", "textless_quote",
    "reads_like_post",
    # page and post
    "post_has_text", "same_author_posts", "reach", "order_earlier", "order_later",
    "crowd", "not_english", "heading", "order_elsewhere", "other_post",
    # pairs of the above whose meaning depends on each other
    "named_near", "rule_without_embed", "named_without_embed", "rule_quoting_else",
    "cue_without_embed",
)
INDEX = {name: i for i, name in enumerate(FEATURES)}


class PairFeatures:
    """Feature vectors for the candidate pairs of one page, computed on ``ctx`` after the
    resolver's deterministic steps have filled ``ctx.pieces``."""

    def __init__(self, ctx: PageContext, unmatched_sentences: Iterable[int]) -> None:
        self.ctx = ctx
        self.unmatched = set(unmatched_sentences)
        self._cues: dict[int, SentenceCues] = {}
        self._author_nearest: dict[tuple[int, str], tuple[int, int]] = {}
        self._embeds = ctx.embed_places
        self._embed_at = [at for at, _ in self._embeds]
        # author -> (sorted embed places, the posts embedded at each): a place is the index
        # of the first sentence after the embed
        grouped: dict[str, dict[int, list[str]]] = defaultdict(lambda: defaultdict(list))
        for at, key in self._embeds:
            grouped[author_key(ctx.posts[key].post)][at].append(key)
        self._author_places = {a: (sorted(g), [g[at] for at in sorted(g)]) for a, g in grouped.items()}
        # every embed in page order: (body offset, the post's place in the page's order); embeds
        # back to back share an offset, and only the page's order tells which comes first
        order = {key: n for n, key in enumerate(ctx.posts)}
        self._in_order = sorted((pos, order[key]) for key, p in ctx.posts.items() for pos in p.post.positions)
        self._order = order
        # the paragraphs holding a link to each post
        self._link_paragraphs: dict[str, set[int]] = defaultdict(set)
        for key, offsets in ctx.link_offsets.items():
            self._link_paragraphs[key].update(ctx.paragraph_of(o) for o in offsets)

    # -- candidates ------------------------------------------------------------------------
    def candidates(self) -> list[tuple[int, str]]:
        """Every pair with evidence, and every post near, named in or sharing words with a
        sentence (PageContext.nearby): linear in the page, not sentences times posts."""
        pairs: set[tuple[int, str]] = set(self.ctx.pieces)
        for sentence in self.ctx.doc.sentences:
            pairs.update((sentence.index, key) for key in self.ctx.nearby(sentence.index))
        return sorted(pairs)

    # -- one pair --------------------------------------------------------------------------
    def vector(self, index: int, key: str) -> list[float]:
        ctx = self.ctx
        sentence = ctx.doc.sentences[index]
        post = ctx.posts[key]
        x = [0.0] * len(FEATURES)

        def put(name: str, value: float | bool) -> None:
            x[INDEX[name]] = float(value)

        put("bias", 1)
        pieces = ctx.pieces.get((index, key), ())
        kinds = {p.kind for p in pieces}
        quotes = [p for p in pieces if p.kind in QUOTE_KINDS]
        for kind in QUOTE_KINDS:
            put(f"quote_{kind}", kind in kinds)
        if quotes:
            put("quote_score", max(p.score for p in quotes))
            n_quoted = sum(len(p.quote.split()) for p in quotes)
            put("quote_words", math.log1p(n_quoted) / 3)
            put("quote_long", n_quoted >= LONG_QUOTE_WORDS)
        put("link", "link" in kinds)
        put("link_paragraph", ctx.paragraph_of(sentence.start) in self._link_paragraphs.get(key, ()))
        put("rule_paraphrase", "paraphrase" in kinds)
        put("rule_attribution", "attribution" in kinds)
        rest = [p.score for p in pieces if p.kind in ("paraphrase", "attribution")]
        put("rule_score", max(rest, default=0.0))

        ev = ctx.evidence(sentence, key)
        put("mention_full", ev.mention == 2)
        put("mention_part", ev.mention == 1)
        for name in ("near_cue", "cue", "verb", "speech", "definite", "media", "other_source"):
            put(name, getattr(ev, name))
        put("plural_cue", ev.plural)
        put("other_author_named", ctx.names_other_author(sentence, key))
        cues = self._cues.get(index) or self._cues.setdefault(index, SentenceCues.of(sentence.text, ctx.language))
        put("pronoun_start", cues.pronoun_start)
        # "He added that ...": the author named a sentence or two before, nothing between;
        # and a speech tag that names nobody ("…", a-t-elle écrit. / „…“ – dodał.), whose
        # subject is the person named there too (the pronoun may follow the verb, or be none)
        tag = cues.opens_quoted and bool(ev.speech or ev.verb) and not ev.mention \
            and not x[INDEX["other_author_named"]] and not (cues.earlier or cues.later) \
            and not tag_names_someone(sentence.text)
        chained = (cues.pronoun_start or tag) and ctx.named_before(sentence, key)
        put("named_before", cues.pronoun_start and chained)
        put("tag_named_before", tag and chained)

        positions = post.post.positions
        put("no_embed", not positions)
        if positions:
            away, before = self._sentence_distance(index, positions)
            put("sentences_away", min(away, WINDOW * 2) / (WINDOW * 2))
            put("chars_away", min(math.log1p(ctx.gap(sentence, key)) / 10, 1.0))
            put("before_embed", before)
            put("adjacent", ctx.adjacent(sentence, key))
            put("in_section", ctx.in_section(sentence, key))
            put("introduces", ctx.introduces(sentence, key))
            put("nearest_embed", key in self._nearest_keys(index))
            put("author_nearest", self._nearest_of_author(index, key))
            # a sentence next to a run of embeds is about the one beside it: "X used this
            # great analogy:" introduces the first of X's two posts, not the second
            between = self._embeds_between(sentence, key)
            put("behind_another", between > 0)
            put("embeds_between", min(between, MAX_BETWEEN) / MAX_BETWEEN)
            # "«…», skrev hun." right under the embed: the quote is the post's, translated
            put("tag_after_embed", tag and bool(x[INDEX["adjacent"]]) and not before and bool(x[INDEX["nearest_embed"]]))
        else:
            put("sentences_away", 1)
            put("chars_away", 1)

        ov = overlap(ctx.content_stems(sentence, post.name_words), post.stems, post.strong)
        put("overlap", ov.score)
        put("shared", min(ov.shared, 6) / 6)
        put("strong_shared", min(ov.strong, 3) / 3)
        put("overlap_precision", ov.precision)

        put("quote_marks", bool(_QUOTE_MARKS.search(sentence.text)))
        put("quote_of_other_post", any(
            p.kind in QUOTE_KINDS for k in ctx.keys_at(index) - {key} for p in ctx.pieces[(index, k)]))
        put("unmatched_quote", index in self.unmatched)
        # a quote that did not match the post's text is someone else's words; when the post's
        # text is not on the page, the quote may be the post's own
        put("quotes_something_else", index in self.unmatched and not quotes and bool(post.post.text)
            and key not in ctx.translated)
        put("textless_quote", index in self.unmatched and not post.post.text)
        # most of the sentence is the post's words, unquoted: the post's own text left in
        # the body (or a sentence the post copied), not a citation of it
        put("reads_like_post", not quotes and ov.shared >= 5 and ov.precision >= 0.8)

        put("post_has_text", bool(post.post.text))
        put("same_author_posts", min(len(ctx.posts_by_author[author_key(post.post)]) - 1, 4) / 4)
        put("reach", cues.reach)
        put("order_earlier", cues.earlier)
        put("order_later", cues.later)
        put("crowd", cues.crowd)
        # the page's language (PageContext.language): steadier than one sentence's words
        put("not_english", ctx.language not in (None, "en"))
        put("heading", ctx.is_heading(sentence))
        # "a later tweet", "an earlier post" when the page has no other post of the author:
        # the sentence is about a post that is not here
        put("order_elsewhere", (x[INDEX["order_earlier"]] or x[INDEX["order_later"]])
            and not x[INDEX["same_author_posts"]] and bool(x[INDEX["cue"]]))
        put("other_post", ctx.points_to_other_post(sentence, key))
        rule = any(k in kinds for k in ("paraphrase", "attribution"))
        near = bool(x[INDEX["adjacent"]] or x[INDEX["in_section"]])
        put("named_near", ev.mention == 2 and near)
        put("rule_without_embed", rule and not positions and "link" not in kinds)
        put("named_without_embed", ev.mention > 0 and not positions and "link" not in kinds)
        put("rule_quoting_else", rule and bool(x[INDEX["quotes_something_else"]]))
        put("cue_without_embed", ev.cue and not positions and "link" not in kinds)
        return x

    def _embeds_between(self, sentence: Sentence, key: str) -> int:
        """Embeds of other posts between the sentence and this post's nearest embed, in page
        order (an embed right before the sentence counts as after it)."""
        mine, positions = self._order[key], self.ctx.posts[key].post.positions
        best: tuple[int, int] | None = None  # (characters away, embeds between)
        for pos in positions:
            if pos >= sentence.end:  # the embed follows the sentence
                first, last = (sentence.end, -1), (pos, mine)
                lo, hi = bisect_left(self._in_order, first), bisect_left(self._in_order, last)
                away = pos - sentence.end
            else:
                first, last = (pos, mine), (sentence.start, len(self._order))
                lo, hi = bisect_right(self._in_order, first), bisect_right(self._in_order, last)
                away = sentence.start - pos
            # the post's own other embeds in between are not another post's (a post has few)
            own = sum(1 for p in positions if first < (p, mine) < last)
            if best is None or away < best[0]:
                best = (away, hi - lo - own)
        return best[1] if best else 0

    def _nearest_of_author(self, index: int, key: str) -> bool:
        """Of the author's posts embedded here, this one's embed is the nearest."""
        author = author_key(self.ctx.posts[key].post)
        nearest = self._author_nearest.get((index, author))
        if nearest is None:
            # only the author's embed places right before and right after the sentence can
            # be nearest (an author may have hundreds of posts in a live blog)
            places, keys = self._author_places[author]
            j = bisect_right(places, index)
            near = [keys[i] for i in (j - 1, j) if 0 <= i < len(places)]
            nearest = self._author_nearest[(index, author)] = min(
                (self._away(index, k) for group in near for k in group), default=(0, 0))
        return self._away(index, key) <= nearest

    def _away(self, index: int, key: str) -> tuple[int, int]:
        """How far the post's nearest embed is from sentence ``index``: sentences, then characters."""
        return (self._sentence_distance(index, self.ctx.posts[key].post.positions)[0],
                self.ctx.distance(self.ctx.doc.sentences[index], key))

    def _sentence_distance(self, index: int, positions: Iterable[int]) -> tuple[int, bool]:
        """Sentences between sentence ``index`` and the nearest embed position, and whether
        the sentence comes before it."""
        best = (10**9, False)
        for pos in positions:
            at = bisect_left(self.ctx.sentence_starts, pos)  # the first sentence after the embed
            if index < at:
                best = min(best, (at - index, True))
            else:
                best = min(best, (index - at + 1, False))
        return best

    def _nearest_keys(self, index: int) -> set[str]:
        """The posts whose embed is the nearest one to sentence ``index`` (either side)."""
        j = bisect_right(self._embed_at, index)  # embeds before j sit at or above the sentence
        options = []
        if j < len(self._embeds):
            options.append((self._embed_at[j] - index, self._embed_at[j]))
        if j > 0:
            options.append((index - self._embed_at[j - 1] + 1, self._embed_at[j - 1]))
        if not options:
            return set()
        low = min(d for d, _ in options)
        ats = {at for d, at in options if d == low}
        lo, hi = bisect_left(self._embed_at, min(ats)), bisect_right(self._embed_at, max(ats))
        return {key for at, key in self._embeds[lo:hi] if at in ats}

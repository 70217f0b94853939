"""Paraphrase scoring: how much of a sentence's content comes from a post.

Lexical only (no downloaded models): content words are stemmed by the Snowball stemmer of
the page's language (snowballstemmer: 14 of the lexicon's languages), then cut to 5 letters,
so "congratulated" meets "Congratulations" and German inflections meet their stem; numbers
count as words. The score is the share of the sentence's content stems that the post has.
``restates`` decides whether that overlap is enough, given how the sentence points at the
post (attribution.Evidence) and where it stands next to the embed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache

import snowballstemmer

from postlink import lexicon
from postlink.cite.attribution import Evidence, word_set
from postlink.cite.normalize import normalize, word_text

STEM = 5
STOPWORDS = word_set("""
a an the and or but if of to in on at by for with from as is are was were be been being it its
this that these those he she they we you i his her their our your my me him them us who whom
which what when where why how not no nor so than too very can could will would shall should may
might must do does did done have has had having about after before over under up down out into
onto off again further then once there here all any both each few more most other some such own
same just also only said says say told new one two three first last next said wrote posted post
tweet tweeted says according would still even much many now while during because since until
der die das und oder aber ein eine einer eines einem einen ist sind war waren hat haben mit von
zu im in auf für nicht auch sich es sie er wir ihr ich den dem des bei nach über wie als so
noch schon sehr nur dann doch mal immer wenn dass weil aus um durch gegen ohne unter vor zum
zur kein keine man ja nein hier dort wird werden wurde
""")
# Tokens that rarely match by chance: words with digits ("30fps", "2024"), #hashtags, @handles.
_STRONG = re.compile(r"[#@]\w+|\w*\d\w*")
# German umlauts as their ASCII spelling, which hashtags and handles often use ("#Koeln" for
# "Köln"), so both spellings meet in one stem.
_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})

# Paraphrase: at least this many shared content stems, and this share of the sentence's.
PARA_MIN_SHARED = 3
PARA_MIN_PRECISION = 0.3
# ... and without a name or a post cue, a sentence next to the embed needs more overlap.
PARA_ADJACENT_PRECISION = 0.5
# ... or, with the author named by the embed, this many.
PARA_NAMED_SHARED = 2
# ... or, unnamed, with a shared number or hashtag (strong tokens, _STRONG above).
PARA_STRONG_SHARED = 4
PARA_STRONG_PRECISION = 0.4
# ... or, in the text leading up to the embed, this many shared hashtags or numbers.
PARA_SECTION_STRONG = 2


@dataclass(frozen=True)
class Overlap:
    shared: int
    precision: float  # shared / sentence stems
    recall: float  # shared / post stems
    strong: int = 0  # shared stems of numbers, hashtags and handles

    @property
    def score(self) -> float:
        """Harmonic mean, weighted towards precision (a sentence says less than a post)."""
        p, r = self.precision, self.recall
        return 0.0 if not p or not r else round(2 * p * r / (p + r) * 0.5 + p * 0.5, 3)


def stems(text: str, exclude: Iterable[str] = (), lang: str | None = None) -> frozenset[str]:
    """Content stems of ``text``; ``exclude`` drops words (e.g. the author's own name)."""
    skip = set(exclude)
    return frozenset(stem(w, lang) for w in content_words(text) if w not in skip)


def content_words(text: str) -> tuple[str, ...]:
    """The normalised words of ``text`` that may carry content (no stopwords, no short words)."""
    return tuple(w for w in lexicon.WORD.findall(word_text(text))
                 if w not in STOPWORDS and (len(w) >= 3 or w.isdigit()))


@lru_cache(maxsize=65536)  # a page's words recur, and the stemmer is pure Python
def stem(word: str, lang: str | None = None) -> str:
    """The word's stem in language ``lang`` (a lexicon code; English when unknown). The
    Snowball stem is cut to STEM letters too, so that a derived form still meets its root
    ("reichweitenstark" and "reichweite"); languages Snowball lacks keep the cut alone."""
    stemmer = _stemmer(lang or "en")
    if stemmer is None:
        return _lemma(word.translate(_UMLAUTS))[:STEM]
    return stemmer.stemWord(word).translate(_UMLAUTS)[:STEM]


@cache
def _stemmer(lang: str) -> snowballstemmer.stemmer | None:
    """The Snowball stemmer named like the lexicon's language ("German" -> "german")."""
    try:
        name = lexicon.language(lang).name.lower()
    except KeyError:
        return None
    return snowballstemmer.stemmer(name) if name in snowballstemmer.algorithms() else None


def _lemma(word: str) -> str:
    """Drop a plural or third-person "s" ("eyes" -> "eye", "runs" -> "run") so that short
    words, which the 5-letter stem keeps whole, meet their other form."""
    if len(word) > 3 and word.isalpha() and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def strong_stems(text: str) -> frozenset[str]:
    """Stems of the numbers, hashtags and handles in ``text`` (see _STRONG)."""
    return frozenset(w.lstrip("#@")[:STEM] for w in _STRONG.findall(normalize(text).text.translate(_UMLAUTS))
                     if len(w.lstrip("#@")) >= 2)


def overlap(sentence_stems: frozenset[str], post_stems: frozenset[str],
            strong: frozenset[str] = frozenset()) -> Overlap:
    """How much of the sentence's content the post has; ``strong`` are the post's
    strong stems."""
    if not sentence_stems or not post_stems:
        return Overlap(0, 0.0, 0.0)
    both = sentence_stems & post_stems
    return Overlap(len(both), len(both) / len(sentence_stems), len(both) / len(post_stems),
                   len(both & strong))


def restates(ov: Overlap, ev: Evidence, adjacent: bool, section: bool, follows: bool) -> bool:
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

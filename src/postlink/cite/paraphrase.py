"""Paraphrase scoring: how much of a sentence's content comes from a post.

Lexical only (no downloaded models): content words are cut to a 5-letter stem, so
"congratulated" meets "Congratulations" and German inflections meet their stem; numbers
count as words. The score is the share of the sentence's content stems that the post has.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from postlink.cite.attribution import word_set
from postlink.cite.normalize import normalize

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
""")
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Overlap:
    shared: int
    precision: float  # shared / sentence stems
    recall: float  # shared / post stems

    @property
    def score(self) -> float:
        """Harmonic mean, weighted towards precision (a sentence says less than a post)."""
        p, r = self.precision, self.recall
        return 0.0 if not p or not r else round(2 * p * r / (p + r) * 0.5 + p * 0.5, 3)


def stems(text: str, exclude: Iterable[str] = ()) -> frozenset[str]:
    """Content stems of ``text``; ``exclude`` drops words (e.g. the author's own name)."""
    skip = set(exclude)
    out = set()
    for w in _WORD.findall(normalize(text).text):
        if w in STOPWORDS or w in skip or (len(w) < 3 and not w.isdigit()):
            continue
        out.add(w[:STEM])
    return frozenset(out)


def overlap(sentence_stems: frozenset[str], post_stems: frozenset[str]) -> Overlap:
    if not sentence_stems or not post_stems:
        return Overlap(0, 0.0, 0.0)
    shared = len(sentence_stems & post_stems)
    return Overlap(shared, shared / len(sentence_stems), shared / len(post_stems))

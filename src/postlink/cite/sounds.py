"""How a name sounds, whatever script the article writes it in.

A Russian, Hindi or Japanese article names the author of an English post in its own script:
"Грета Тунберг", "ग्रेटा थनबर्ग", "グレタ・トゥーンベリ" for Greta Thunberg. ``anyascii``
spells each in Latin letters, roughly: "Greta Tunberg", "greta thnbrg", "gureta-tounberi".
What survives every script is the run of consonants, once the sounds scripts confuse are
merged (l and r for Japanese, m and n for the Hindi nasal sign, "th" and "t", c and k).
``skeleton`` is that run: "thunberg", "Тунберг" and "थनबर्ग" are all "tnbrg".

It is compared only for words written in a script other than Latin (``foreign``): two Latin
words with one skeleton ("Lind", "land") are not one name.
"""

from __future__ import annotations

import re
from functools import lru_cache

from anyascii import anyascii

# Letter groups that several scripts spell apart, folded to one (longest first).
_MERGED = (("dzh", "j"), ("zh", "j"), ("dj", "j"), ("kh", "k"), ("gh", "g"), ("sh", "s"),
           ("ch", "k"), ("th", "t"), ("ph", "f"), ("ck", "k"))
_MERGED_RE = re.compile("|".join(a for a, _ in _MERGED))
_MERGED_TO = dict(_MERGED)
_SINGLE = str.maketrans({"l": "r", "m": "n", "v": "b", "w": "b", "q": "k", "z": "s", "x": "k",
                         "c": "k"})
# Vowels (y and h too: scripts write them as vowels or not at all) and all that is not a letter.
_NOT_CONSONANT = re.compile(r"[aeiouyh]|[^a-z]")
_REPEATS = re.compile(r"(.)\1+")
# The first code point of the scripts compared by sound: Greek onwards, less Latin Extended Additional.
_FOREIGN_FROM = 0x370


@lru_cache(maxsize=65536)  # a page's words recur
def skeleton(word: str) -> str:
    """The consonants of ``word`` spelt in Latin, with the sounds scripts confuse merged."""
    latin = anyascii(word).lower()
    latin = _MERGED_RE.sub(lambda m: _MERGED_TO[m.group(0)], latin)
    return _REPEATS.sub(r"\1", _NOT_CONSONANT.sub("", latin.translate(_SINGLE)))


def foreign(word: str) -> bool:
    """The word is written (at least partly) in a script other than Latin."""
    return not word.isascii() and any(
        ord(c) >= _FOREIGN_FROM and not 0x1E00 <= ord(c) <= 0x1EFF and c.isalpha() for c in word)


def same_sound(word_skeleton: str, name_skeleton: str) -> bool:
    """One name: equal skeletons, or one a prefix of the other but for its last consonant
    (Japanese drops a final one, "トゥーンベリ" for Thunberg; Russian adds case endings)."""
    if not word_skeleton or not name_skeleton:
        return False
    if word_skeleton == name_skeleton:
        return True
    short, long = sorted((word_skeleton, name_skeleton), key=len)
    return len(short) >= 3 and len(long) - len(short) == 1 and long.startswith(short)

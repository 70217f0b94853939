"""Language cue words, one data file per language (``data/<code>.toml``), read once.

The citation resolver and its features ask, in any language the corpus holds, whether a
sentence has a verb of posting, names a platform, credits another source, talks about a
post's reach, and so on. The words are data so that a new language or a missed word is an
edit to a TOML file with a test, not a code change.

Every entry is folded on load (``fold``: lower case, accents stripped), so the data can be
written as the language spells it and is compared with folded text. Entries of several words
are phrases (``phrases``); single words are cues (``cues``). Languages written without
spaces (``spaced = false`` in their file: Japanese) are matched by substring (``count``).

>>> "tweetete" in cues("posting_verbs")
True
>>> cues("pronouns", "fr") >= {"il", "elle"}
True
>>> month_number("März")
3
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib.resources import files

# The categories every language file fills (tests check each is non-empty).
CATEGORIES = (
    "posting_verbs",  # the act of posting: tweeted, posted, shared, replied, retweeted
    "speech_verbs",  # reporting what someone said or thought: said, wrote, added, asked
    "post_nouns",  # words for the post itself: post, tweet, message, thread, caption, reel
    "platforms",  # x, twitter, instagram, ..., and local names of them
    "other_source",  # credits a source that is not a post: told reporters, spokesperson
    "reach",  # talk about a post's audience: views, likes, went viral, followers
    "order_earlier",  # points back to an earlier post: earlier, previously, first
    "order_later",  # points on to a later post: later, then, followed up, next
    "pronouns",  # third-person personal pronouns that may stand for a person
    "crowd",  # generic reaction: users, fans, people, netizens, many, some
    "stopwords",  # common function words: enough to tell the language
    "months",  # month names and abbreviations, January first (one list per month)
)
# Categories the rule-based resolver (cite/) reads besides those; optional per language.
RULE_CATEGORIES = (
    "media_nouns",  # what an embed shows: photo, video, clip
    "post_series",  # several posts at once: thread, posts, replies
    "source_nouns",  # sources a post may also share; credit only where they credit
    "source_verbs",  # a source noun followed by one of these credits it: "the paper reported"
    "credit_prepositions",  # a source noun after one of these credits it: "in an interview"
    "platform_prepositions",  # a platform after one of these is where a post went: "on X"
    "platform_postpositions",  # ... or before one of these: Hindi "ट्विटर पर" (on Twitter)
    "platform_cases",  # a platform in a case that says "on X" by itself: Hungarian "Twitteren"
    "follow_verbs",  # following an account, not one post
    "neuter_pronouns",  # "it", which may be the post itself ("it says")
    "possessives",  # "his", "her", "its", "their"
    "according",  # credits whom it names next: "according (to)", "selon", "według"
    "according_after",  # ... whom it names before: "ihr zufolge", "jej zdaniem"
    "credited_pronouns",  # a pronoun so credited: "according to him", "selon lui"
    "determiners",  # "the", "this", "that": before a post noun, a definite post
    "web_pages",  # "blog", "guest": before a post noun, a web page, not a social post
    "text_verbs",  # what a text does: "it says", "it reads", "es heißt"
    "credit_words",  # a line starting with one credits an image or the reporting
    "sentence_openers",  # words that come before a sentence's subject: the, but, and
    "anonymous_posters",  # one unnamed poster: user, commenter, follower
    "anonymous_leads",  # "one", "another" before such a poster
    "name_fillers",  # words of a display name that never identify its author: the, official
    "weekdays",  # capitalised words that are not names
    "name_endings",  # case endings a name takes: Polish "Kowalskiego", Hungarian "Vegának"
)
# Where two languages spell a cue word and a function word alike, the language earlier here
# wins in cues_any: English first (most articles, and English posts are quoted in every
# language), German second (the resolver's other first language), then the rest.
PRECEDENCE = ("en", "de", "fr", "es", "it", "pt", "nl", "pl", "ru", "sv", "no", "ja", "cs", "hu", "hi")
# detect_language: a language needs this much stopword weight, and this share of it more
# than the runner-up, before a text is said to be in it.
MIN_EVIDENCE = 2.0
MIN_MARGIN = 1.5

_DATA = files("postlink.lexicon").joinpath("data")


def _combining_marks() -> list[tuple[int, int]]:
    """The (first, last) code points of each run of combining marks in the Basic Multilingual
    Plane."""
    ranges: list[tuple[int, int]] = []
    for cp in range(0x300, 0x10000):
        if unicodedata.category(chr(cp))[0] == "M":
            if ranges and ranges[-1][1] == cp - 1:
                ranges[-1] = (ranges[-1][0], cp)
            else:
                ranges.append((cp, cp))
    return ranges


def _char_class(ranges: Iterable[tuple[int, int]]) -> str:
    return "[" + "".join(f"{chr(a)}-{chr(b)}" for a, b in ranges) + "]"


_MARKS = _combining_marks()
# A word: letters, digits and the marks that belong to its letters. ``re``'s ``\\w`` leaves
# the marks out, so that "लिखा" (Hindi, "wrote") would fall apart into "ल", "ख" and nothing
# of its vowels. The marks come after a letter: the plain ``\\w+`` does the work and the
# class is only tried where a word stops.
WORD_PATTERN = rf"\w+(?:{_char_class(_MARKS)}+\w*)*"
WORD = re.compile(WORD_PATTERN)
# The marks fold drops: accents a word may be written with or without (those of Latin, Greek
# and Cyrillic, and Hebrew and Arabic vowel points: every combining mark before U+0900, and
# the blocks of extra diacritics). The vowel signs and viramas of Indic and South-East Asian
# scripts, and the kana voicing marks, are the word itself: "ポ" is not "ホ".
_ACCENTS = re.compile(_char_class(
    (a, b) for a, b in _MARKS
    if b < 0x900 or any(lo <= a <= hi for lo, hi in ((0x1AB0, 0x1AFF), (0x1DC0, 0x1DFF),
                                                       (0x20D0, 0x20FF), (0xFE20, 0xFE2F)))))
_ASCII_WORD = re.compile(r"\w+")


@lru_cache(maxsize=16384)  # words and sentences recur: each is folded once
def fold(text: str) -> str:
    """Lower case without accents, as cite/attribution.py compares words: "Léa" -> "lea",
    "März" -> "marz". Marks that are part of a letter stay (_ACCENTS): ポ is not ホ."""
    if text.isascii():  # most words: nothing to decompose (the same result, 20x faster)
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return unicodedata.normalize("NFC", _ACCENTS.sub("", decomposed))


def words(text: str) -> list[str]:
    """The folded words of ``text``; a run of a language written without spaces is cut
    around the cue words it holds (``split_unspaced``)."""
    return raw_words(fold(text))


def prose_words(text: str) -> list[str]:
    """``words`` of ``text`` without its links, handles and hashtags ("pic.twitter.com"
    would give Portuguese "com")."""
    return words(_NOT_WORDS.sub(" ", text))


def raw_words(text: str) -> list[str]:
    """The words of ``text`` as written (for a caller that needs their case), cut as
    ``words`` cuts them."""
    found = _uncut(text)
    if text.isascii():  # most sentences: no marks, no unspaced script
        return found
    chars = _unspaced_chars()
    return split_unspaced(found) if chars is not None and chars.search(text) else found


def _uncut(text: str) -> list[str]:
    """The words of ``text``, runs without spaces left whole; ASCII by ``\\w`` alone, in C."""
    return (_ASCII_WORD if text.isascii() else WORD).findall(text)


def _tokens(text: str) -> list[str]:
    """Folded words, uncut: what the lexicon's own entries are read with."""
    return _uncut(fold(text))


def split_unspaced(tokens: Iterable[str]) -> list[str]:
    """``tokens`` with each run of Japanese (a language without spaces) cut before and after
    every entry of its lexicon it holds: "ツイッターに投稿した" is "ツイッター", "に投稿", "した",
    so that cue words are words there too and their distance to a name is counted in words.
    Other tokens pass as they are (one test each)."""
    pattern = _unspaced_entries()
    if pattern is None:
        return list(tokens)
    out: list[str] = []
    for token in tokens:
        if token.isascii() or not pattern.search(token):
            out.append(token)
        else:
            out.extend(piece for piece in pattern.split(token) if piece)
    return out


@cache
def _unspaced_entry_words() -> frozenset[str]:
    """Every one-word entry of the languages written without spaces."""
    return frozenset(e for code in languages() if not language(code).spaced
                     for values in language(code).entries.values() for e in values if " " not in e)


@cache
def _unspaced_chars() -> re.Pattern[str] | None:
    """Any character of those entries: a text without one has nothing for split_unspaced to
    cut."""
    chars = {c for e in _unspaced_entry_words() for c in e if not c.isascii()}
    return re.compile("[" + re.escape("".join(sorted(chars))) + "]") if chars else None


@cache
def _unspaced_entries() -> re.Pattern[str] | None:
    """Those entries, longest first, as one capturing alternation (re.split keeps what it
    matched)."""
    entries = _unspaced_entry_words()
    if not entries:
        return None
    return re.compile("(" + "|".join(map(re.escape, sorted(entries, key=len, reverse=True))) + ")")


@dataclass(frozen=True)
class Language:
    """One language file, folded."""

    code: str
    name: str
    spaced: bool  # False: written without spaces, entries match as substrings
    entries: dict[str, frozenset[str]]
    months: tuple[tuple[str, ...], ...]
    letters: frozenset[str] = frozenset()  # letters English lacks, lower case and unfolded
    script: str = "latin"  # the script it is written in (script_of's names)


@cache
def languages() -> tuple[str, ...]:
    """The codes of the languages with a data file, in PRECEDENCE (others after, sorted)."""
    codes = sorted(p.name.removesuffix(".toml") for p in _DATA.iterdir()
                   if p.name.endswith(".toml"))
    rank = {code: i for i, code in enumerate(PRECEDENCE)}
    return tuple(sorted(codes, key=lambda c: (rank.get(c, len(rank)), c)))


@cache
def language(code: str) -> Language:
    """The data of one language; KeyError for a code without a file."""
    if code not in languages():
        raise KeyError(f"no lexicon for language {code!r}; have {', '.join(languages())}")
    raw = tomllib.loads(_DATA.joinpath(f"{code}.toml").read_text(encoding="utf-8"))
    # _tokens, not words: cutting at the entries needs the entries read first
    entries = {key: frozenset(" ".join(_tokens(e)) for e in value if _tokens(e))
               for key, value in raw.items() if key != "months" and isinstance(value, list)}
    months = tuple(tuple(fold(m) for m in month) for month in _months().get(code, ()))
    entries["months"] = frozenset(m for month in months for m in month)
    return Language(code, str(raw.get("name", code)), bool(raw.get("spaced", True)),
                    entries, months, frozenset(str(raw.get("letters", "")).lower()),
                    str(raw.get("script", "latin")))


@cache
def month_table() -> dict[str, dict]:
    """months.toml by language (``months``, and optional ``connectors`` and ``year_suffix``):
    the one table the date parser (extract/dates.py) and these cues share."""
    return tomllib.loads(files("postlink").joinpath("lexicon", "months.toml").read_text(encoding="utf-8"))


def _months() -> dict[str, list[list[str]]]:
    return {code: section["months"] for code, section in month_table().items()}


def _known(category: str) -> None:
    if category not in CATEGORIES and category not in RULE_CATEGORIES:
        raise KeyError(f"no lexicon category {category!r}")


def _langs(lang: str | None) -> Iterable[Language]:
    return [language(lang)] if lang else [language(code) for code in languages()]


@cache
def cues(category: str, lang: str | None = None) -> frozenset[str]:
    """Single-word entries of ``category`` in ``lang`` (all languages when None), folded.
    For a language without spaces every entry is one (a substring to look for)."""
    _known(category)
    return frozenset(e for lg in _langs(lang) for e in lg.entries.get(category, ())
                     if " " not in e)


@cache
def cues_any(category: str) -> frozenset[str]:
    """``cues(category)`` over every language, for text whose language is not known, less
    the entries that are function words of a language before them in PRECEDENCE which does
    not list them in ``category``: Polish "on" (he) is English "on", Swedish "de" (they) is
    French "de", and either would fire on every sentence of that other language."""
    order = languages()
    return frozenset(
        w for i, code in enumerate(order) for w in cues(category, code)
        if not any(w in cues("stopwords", before) and w not in cues(category, before)
                   for before in order[:i]))


@cache
def cues_in(category: str, lang: str | None) -> frozenset[str]:
    """``cues_any(category)`` and, for a text known to be in ``lang``, every entry of that
    language: a word cues_any leaves out because an earlier language has it as a function
    word (Norwegian "hun", she, is Dutch "hun", their) is no such word in a Norwegian text."""
    base = cues_any(category)
    if lang is None or lang not in languages():
        return base
    return base | cues(category, lang)


def count_in(folded: Sequence[str], category: str, lang: str | None) -> int:
    """``count_words`` for text in ``lang`` (None: not known): the single words of
    ``cues_in``, and every language's phrases (a phrase is not another language's function
    word)."""
    return _count_in_words(folded, cues_in(category, lang), phrases_by_first(category))


@cache
def phrases(category: str, lang: str | None = None) -> frozenset[tuple[str, ...]]:
    """Entries of several words ("told reporters", "press conference"), as word tuples."""
    _known(category)
    return frozenset(tuple(e.split()) for lg in _langs(lang) for e in lg.entries.get(category, ())
                     if " " in e)


@cache
def substrings(category: str, lang: str | None = None) -> frozenset[str]:
    """Entries of the languages written without spaces, matched inside words."""
    _known(category)
    return frozenset(e for lg in _langs(lang) if not lg.spaced
                     for e in lg.entries.get(category, ()))


def count(text: str, category: str, lang: str | None = None) -> int:
    """How many times ``category``'s entries occur in ``text``: words, phrases (words in a
    row) and, for languages without spaces, substrings."""
    # the words uncut (_tokens): the entries a run without spaces holds are the substrings
    return count_words(_tokens(text), category, lang) + _count_substrings(fold(text), category, lang)


def _count_substrings(text: str, category: str, lang: str | None) -> int:
    """Non-overlapping hits, longest entry first: "インスタグラム" is one platform, not also
    "インスタ"."""
    hits = 0
    for entry in _longest_first(category, lang):
        found = text.count(entry)
        if found:  # replacing is another pass over the text: only for an entry that is there
            hits += found
            text = text.replace(entry, "\0")
    return hits


@cache
def _longest_first(category: str, lang: str | None) -> tuple[str, ...]:
    return tuple(sorted(substrings(category, lang), key=len, reverse=True))


def count_words(folded: Sequence[str], category: str, lang: str | None = None) -> int:
    """``count`` over words already folded (a caller that has tokenised the sentence)."""
    return _count_in_words(folded, cues(category, lang), phrases_by_first(category, lang))


def _count_in_words(folded: Sequence[str], single: frozenset[str],
                    by_first: dict[str, tuple[tuple[str, ...], ...]]) -> int:
    hits = sum(map(single.__contains__, folded))
    if by_first.keys().isdisjoint(folded):
        return hits  # no phrase can start here: the words are looked at once, in C
    for i, w in enumerate(folded):
        for phrase in by_first.get(w, ()):
            hits += tuple(folded[i:i + len(phrase)]) == phrase
    return hits


@cache
def phrases_by_first(category: str, lang: str | None = None) -> dict[str, tuple[tuple[str, ...], ...]]:
    """``phrases`` by their first word, for a matcher that looks only where one starts."""
    grouped: dict[str, list[tuple[str, ...]]] = {}
    for phrase in phrases(category, lang):
        grouped.setdefault(phrase[0], []).append(phrase)
    return {first: tuple(group) for first, group in grouped.items()}


def detect_language(text: str) -> str | None:
    """The language of ``text`` by its stopwords, or None when it is too short or unsure.
    A stopword shared by several languages counts for each by a share, and so does each
    letter of a language's own (Norwegian "ø", Hungarian "ő") that the text holds: a short
    paragraph has few stopwords, and some ("a", "at", "to") are English words too."""
    score = dict.fromkeys(languages(), 0.0)
    shares = _stopword_shares()
    for w in filter(shares.__contains__, words(text)):  # the stopwords only, picked in C
        for code, share in shares[w]:
            score[code] += share
    letters = _letter_shares()
    for letter in letters.keys() & set(text.lower()):
        for code, share in letters[letter]:
            score[code] += share
    whole = fold(text)
    for code in languages():
        if not language(code).spaced:
            score[code] += _count_substrings(whole, "stopwords", code)
    ranked = sorted(score.items(), key=lambda kv: -kv[1])
    (best, top), (_, second) = ranked[0], ranked[1]
    if top < MIN_EVIDENCE or top < MIN_MARGIN * second:
        return None
    return best


@cache
def language_of_script(script: str | None) -> str | None:
    """The one language here written in ``script`` (Cyrillic: Russian), else None: a short
    paragraph with too few stopwords to tell is still known by its letters."""
    codes = [code for code in languages() if language(code).script == script]
    return codes[0] if len(codes) == 1 else None


@dataclass(frozen=True)
class Writing:
    """The script a text is written in, and its language when its stopwords tell."""

    script: str | None
    language: str | None

    @classmethod
    def of(cls, text: str) -> Writing:
        return cls(script_of(text), detect_language(text))

    def differs(self, other: Writing) -> bool:
        """Another script, or two languages that can both be told and are not the same."""
        if self.script and other.script and self.script != other.script:
            return True
        return self.language is not None and other.language is not None and self.language != other.language


# Letters of these scripts, by code point: enough to tell a Russian or Hindi line from an
# English post without knowing either language's words. Each is counted by one regex scan.
_SCRIPTS = {name: re.compile(f"[{letters}]") for name, letters in (
    ("latin", "A-Za-z\u00c0-\u024f"), ("greek", "\u0370-\u03ff"), ("cyrillic", "\u0400-\u052f"),
    ("hebrew", "\u0590-\u05ff"), ("arabic", "\u0600-\u06ff"), ("devanagari", "\u0900-\u097f"),
    ("cjk", "\u3040-\u9fff"), ("hangul", "\uac00-\ud7af"))}
_NOT_WORDS = re.compile(r"(?:https?://|pic\.twitter\.com/|[@#])\S+")


def script_of(text: str) -> str | None:
    """The script most of the text's letters are in (links, handles and tags left out)."""
    text = _NOT_WORDS.sub(" ", text)
    if text.isascii():  # most posts and pages: one test in C
        return "latin" if _SCRIPTS["latin"].search(text) else None
    counts = {name: len(pattern.findall(text)) for name, pattern in _SCRIPTS.items()}
    best = max(counts, key=counts.__getitem__)
    return best if counts[best] else None


@cache
def _stopword_shares() -> dict[str, tuple[tuple[str, float], ...]]:
    """Stopword -> (language, share) for each spaced language that lists it, the share one
    over the number of those languages."""
    return _shares({code: cues("stopwords", code) for code in languages() if language(code).spaced})


@cache
def _letter_shares() -> dict[str, tuple[tuple[str, float], ...]]:
    """Letter -> (language, share), as _stopword_shares."""
    return _shares({code: language(code).letters for code in languages()})


def _shares(by_language: dict[str, frozenset[str]]) -> dict[str, tuple[tuple[str, float], ...]]:
    owners: dict[str, list[str]] = {}
    for code, items in by_language.items():
        for item in items:
            owners.setdefault(item, []).append(code)
    return {item: tuple((code, 1 / len(codes)) for code in codes) for item, codes in owners.items()}


@cache
def _month_index() -> dict[str, int]:
    index: dict[str, int] = {}
    for code in languages():
        for number, names in enumerate(language(code).months, start=1):
            for name in names:
                index.setdefault(name, number)
    return index


def month_number(word: str, lang: str | None = None) -> int | None:
    """1-12 for a month name or abbreviation ("Oct", "octobre", "października", "3月"),
    in ``lang`` or any language; None for other words. A trailing dot is ignored."""
    key = fold(word.strip().rstrip("."))
    if lang:
        return next((n for n, names in enumerate(language(lang).months, start=1)
                     if key in names), None)
    return _month_index().get(key)

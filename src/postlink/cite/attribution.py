"""Attribution cues: does a sentence name a post's author, point at a post, or credit
someone else (an interview, a newspaper, a statement)?

Patterns are data (word sets below), so a new cue is a one-line change with a test.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from operator import itemgetter

from postlink.cite.sounds import foreign, same_sound, skeleton
from postlink.lexicon import (
    WORD,
    cues,
    cues_any,
    cues_in,
    fold,
    languages,
    phrases,
    phrases_by_first,
    raw_words,
)


def word_set(words: str) -> frozenset[str]:
    """A set of words written as one whitespace-separated string (easy to edit as data)."""
    return frozenset(words.split())


_fold = fold  # one folding for cue words and sentence words (lexicon.fold)

# Cue words come from the language files (postlink/lexicon/data), every language at once:
# an article quotes posts in its own language and in English. Those a sentence is read
# with depend on the page's language (CueWords, below); these few do not.
MEDIA_NOUNS = cues_any("media_nouns")
# Platform names are cues only after a preposition ("on X", "posted to Instagram"): alone they
# are companies ("the Musk/Twitter saga").
PLATFORMS = cues_any("platforms")
FOLLOW_REACH = 4  # words either side of a platform where a verb of following makes it an account


@dataclass(frozen=True)
class CueWords:
    """The lexicon's words that ``read`` and ``evidence`` look for, for text in one language
    (``lexicon.cues_in``): every language's, less another language's function words, and
    all of the text's own. In a Norwegian article "sa" (said) and "hun" (she) count, which
    in an article of unknown language they cannot (Spanish "sa", Dutch "hun")."""

    # Words that refer to a social post or to posting. A photo or a video is a post too, but
    # an article has its own, so media words are cues only next to the embed (Reading.media).
    post_cues: frozenset[str]
    # The verbs among them: the act of posting ("retweeted", "teilte"), which nouns like
    # "message" are not.
    post_verbs: frozenset[str]
    # Verbs that report what someone said or thought: with the author named in the lead-up
    # to the embed ("Digital Foundry reveal that the game runs at an unstable ..."), what
    # follows them restates the post.
    speech_verbs: frozenset[str]
    # Verbs of following an account: "follow her on X" is about the account, not one post.
    follow_words: frozenset[str]
    platforms: frozenset[str]
    platform_prepositions: frozenset[str]
    platform_postpositions: frozenset[str]
    # Cues that name several posts at once ("her thread", "both posted their messages").
    plural_cues: frozenset[str]
    # Words that credit a source other than a post by themselves ("told", "according to").
    other_source: frozenset[str]
    # Of those, the words that credit whom they name ("according to", "selon" before the
    # name, "zufolge" after it): the post's author, a pronoun or a post is no other source.
    according: frozenset[str]
    according_after: frozenset[str]
    credited_pronouns: frozenset[str]
    # Sources a post may also share ("posted a link to an interview", "retweeted an article
    # by New York magazine"): they credit another source only where they are how the speaker
    # is credited: after a preposition ("in an interview", "at a rally", "im Interview") or
    # before a reporting verb ("the newspaper reported", "the statement reads").
    source_nouns: frozenset[str]
    credit_prepositions: frozenset[str]
    source_verbs: frozenset[str]
    # "the post", "her latest tweet", "ihrem Beitrag", "son message": a determiner or
    # possessive, at most one word, then a post noun.
    definite_leads: frozenset[str]
    # "it says", "es heißt": an inanimate subject that speaks is the post (or its image).
    neuter_pronouns: frozenset[str]
    text_verbs: frozenset[str]
    # "she wrote", "he said", "schrieb er": a pronoun speech tag, either order.
    persons: frozenset[str]
    tag_verbs: frozenset[str]  # post_verbs and speech_verbs: the verbs of such a tag
    subject_pronouns: frozenset[str]  # persons and neuter_pronouns: "She then shared", "It says"
    # the page's own language's only (none when it is not known): _declined
    name_endings: frozenset[str]


@cache
def cue_words(language: str | None) -> CueWords:
    def words_of(category: str) -> frozenset[str]:
        return cues_in(category, language)
    media = words_of("media_nouns")
    persons, neuter = words_of("pronouns"), words_of("neuter_pronouns")
    post_verbs, speech_verbs = words_of("posting_verbs"), words_of("speech_verbs")
    return CueWords(
        post_cues=(words_of("post_nouns") - media) | words_of("posting_verbs") | words_of("platform_cases"),
        post_verbs=post_verbs, speech_verbs=speech_verbs,
        follow_words=words_of("follow_verbs"), platforms=words_of("platforms"),
        platform_prepositions=words_of("platform_prepositions"),
        platform_postpositions=words_of("platform_postpositions"),
        plural_cues=words_of("post_series"), other_source=words_of("other_source"),
        according=words_of("according"), according_after=words_of("according_after"),
        credited_pronouns=words_of("credited_pronouns"),
        source_nouns=words_of("source_nouns"), credit_prepositions=words_of("credit_prepositions"),
        source_verbs=words_of("source_verbs"),
        definite_leads=words_of("determiners") | words_of("possessives"),
        neuter_pronouns=neuter, text_verbs=words_of("text_verbs"), persons=persons,
        tag_verbs=post_verbs | speech_verbs, subject_pronouns=persons | neuter,
        name_endings=cues("name_endings", language) if language in languages() else frozenset())


# Platforms of several words ("social media", "Truth Social"), and platform cases that the
# tokenizer splits ("X-en" is "x", "en"): looked up by their first word.
_PLATFORM_PHRASES = phrases_by_first("platforms")
_CASE_PHRASES = phrases_by_first("platform_cases")
# Words for a post or for posting that are phrases, with no cue word of their own: Hindi
# "साझा किया" (shared), Polish "podał dalej" (retweeted), "status update". Media phrases are
# no post cue (Dutch "foto's").
_MEDIA_PHRASES = phrases("media_nouns")
_POST_PHRASES: dict[str, tuple[tuple[str, ...], ...]] = {}
for _category in ("posting_verbs", "post_nouns"):
    for _first, _group in phrases_by_first(_category).items():
        kept = tuple(p for p in _group if p not in _MEDIA_PHRASES)
        if kept:
            _POST_PHRASES[_first] = _POST_PHRASES.get(_first, ()) + kept
# Phrases that credit a source other than a post ("press conference", "in einer Erklärung",
# "пресс-секретарь"), by first word.
_SOURCE_PHRASES = phrases_by_first("other_source")
SOURCE_REACH = 3  # words between the preposition (or the verb) and the source noun
# Generic words that never identify an author on their own.
NAME_STOPWORDS = cues_any("name_fillers")
# A line starting with a credit word ("Photo: ...", "Quelle: ...", "Reporting by ...") credits
# an image or the reporting; so does "photo:" or "image credit:" anywhere in it.
_CREDIT_WORDS = cues_any("credit_words")
_CREDIT_PHRASES = phrases("credit_words")
_CREDIT_LABEL = re.compile(
    r"\b(?:" + "|".join(sorted(map(re.escape, _CREDIT_WORDS & MEDIA_NOUNS))) + r")\s*(?:credits?)?\s*:")
# A definite post (CueWords.definite_leads). Reading.media: the same before a media noun
# ("the photo", "auf dem gemeinsamen Foto"), weaker than a post word (an article has its own
# photos), so only next to the embed.
_DEFINITE_POST_NOUNS = cues_any("post_nouns") - MEDIA_NOUNS
_WEB_PAGES = cues_any("web_pages")
# "a blog post", "a guest post" are web pages, not social posts (the lookahead above).


@dataclass(frozen=True)
class AuthorNames:
    """Ways an article may name a post's author: ``strong`` phrases and ``weak`` words."""

    strong: tuple[tuple[str, ...], ...]
    weak: frozenset[str]
    # the handle's letters, lower case ("ewarren", "aoc"), for names that only the handle
    # gives away: _handle_mention
    handle: str = ""
    # the skeleton (sounds.py) of each word of the strong phrases of several words and of
    # the surname, for an article that writes the name in another script
    sounds: tuple[tuple[str, ...], ...] = ()


@dataclass(frozen=True)
class Evidence:
    """What one sentence says about one post's source."""

    mention: int  # 2: handle, full name or surname; 1: another word of the name; 0: none
    near_cue: bool  # the mention is the subject or owner of a post cue ("Ellison's post")
    cue: bool  # the sentence has a post cue anywhere
    plural: bool  # the cue names several posts ("her thread")
    other_source: bool  # credits an interview, statement, newspaper, ...
    definite: bool  # "the post", "her farewell post"
    media: bool = False  # "the photo", "dem gemeinsamen Foto"
    verb: bool = False  # a verb of posting anywhere ("retweetete", "posted")
    speech: bool = False  # a verb of saying or thinking ("criticised", "wondered", "sagte")


def tokens(text: str) -> list[str]:
    return [_fold(t) for t in WORD.findall(text.lower())]


def _camel_parts(handle: str) -> list[str]:
    return re.findall(r"[A-Z]+(?![a-z])|[A-Z][a-z]+|[a-z]+|\d+", handle)


# Letters after a name ("Hamish Orr MSP", "Ada Lund PhD", "Tarnby Rovers FC"): capitals
# that an article leaves out, so the surname is the word before them.
_POST_NOMINAL = re.compile(r"(?:\s+(?:[A-Z]{2,4}|PhD|Jr|Sr)\.?)+\s*$")


def _without_post_nominals(name: str) -> str:
    rest = _POST_NOMINAL.sub("", name)
    return rest if len(rest.split()) >= 2 else name


def author_names(handle: str | None, name: str | None) -> AuthorNames:
    """Phrases and words that identify the author of a post."""
    strong: list[tuple[str, ...]] = []
    weak: set[str] = set()
    if handle:
        strong.append((_fold(handle.lower()),))
        parts = [_fold(p.lower()) for p in _camel_parts(handle)]
        if len(parts) > 1:
            strong.append(tuple(parts))
        weak.update(p for p in parts if len(p) >= 4)
    words = [w for w in tokens(_without_post_nominals(name or "")) if w not in NAME_STOPWORDS and not w.isdigit()]
    if words:
        strong.append(tuple(words))
        if len(words) > 1 and len(words[-1]) >= 3:
            strong.append((words[-1],))  # surname, or the last word of an organisation
        weak.update(w for w in words if len(w) >= 4)
    letters = re.sub(r"[^a-z]", "", _fold((handle or "").lower()))
    strong = [s for s in strong if s]
    # the handle as one word is not a name an article spells in another script
    whole_handle = (_fold(handle.lower()),) if handle else None
    sounds = {tuple(map(skeleton, phrase)) for phrase in strong if phrase != whole_handle}
    return AuthorNames(tuple(strong), frozenset(weak - NAME_STOPWORDS), letters,
                       tuple(sorted(s for s in sounds if all(s) and len("".join(s)) >= MIN_SOUND)))


# A name compared by sound needs this many consonants in all ("Greta Thunberg": 8), and a
# name of one word this many to count in full ("Thunberg": 5); "Kelly" (2) only as a weak one.
MIN_SOUND = 3
MIN_SOUND_ALONE = 4


def _same_word(word: str, name_word: str) -> bool:
    """Equal, or the name with a short ending: Ellison's -> ellison, Mohrs -> mohr."""
    return word == name_word or (
        len(name_word) >= 4 and word.startswith(name_word) and len(word) - len(name_word) <= 2)


# A name declined by the page's language (lexicon category name_endings) is still the name:
# the ending added to it (Polish "Kowalskiego", Hungarian "Vegának") or put in place of its
# last vowel (Polish "Vegi", Czech "Vegou"). Only for names of this many letters.
DECLINED_MIN = 4
_VOWELS = "aeiouy"


def _undeclined(word: str, endings: frozenset[str]) -> Iterator[str]:
    """The names ``word`` may be a declined form of: the word less an ending, and that with a
    vowel in the ending's place (names of DECLINED_MIN letters or more)."""
    for e in endings:
        if word.endswith(e) and len(word) - len(e) >= DECLINED_MIN - 1:
            base = word[:-len(e)]
            if len(base) >= DECLINED_MIN:
                yield base
            yield from (base + v for v in _VOWELS)


def _declined(word: str, name_word: str, endings: frozenset[str]) -> bool:
    return any(name == name_word for name in _undeclined(word, endings))


def _declensions(words: set[str], endings: frozenset[str]) -> set[str]:
    """The names ``words`` may be declined forms of, for Reading.forms."""
    return {name for w in words for name in _undeclined(w, endings)}


def _names_word(reading: Reading, i: int, name_word: str, endings: frozenset[str]) -> bool:
    """Word ``i`` of the sentence is ``name_word``, as written or, capitalised, declined by
    one of ``endings``. startswith first: a cheap test that every plain match passes."""
    word = reading.words[i]
    if word.startswith(name_word) and _same_word(word, name_word):
        return True
    return bool(endings) and bool(reading.capitalised) and reading.capitalised[i] \
        and _declined(word, name_word, endings)


def mention_positions(reading: Reading, names: AuthorNames) -> tuple[int, list[tuple[int, int]]]:
    """Strength of the best mention of ``names`` in the sentence and the (first, last) word
    of each mention. A weak mention counts only when capitalised (a name, not "tenants").
    A name word that is not among ``reading.forms`` matches no word: it is not looked for."""
    words, capitalised, forms = reading.words, reading.capitalised, reading.forms
    endings = cue_words(reading.language).name_endings
    best, where = 0, []
    for phrase in names.strong:
        n, head = len(phrase), phrase[0]
        if head not in forms:
            continue
        for i in range(len(words) - n + 1):
            if all(_names_word(reading, i + k, phrase[k], endings) for k in range(n)):
                best = 2
                where.append((i, i + n - 1))
    handle = names.handle
    if best < 2 and handle and capitalised and (
            handle in reading.handle_forms or handle[1:] in reading.surnames):
        for first, last in _handle_mentions(words, capitalised, handle):
            best = 2
            where.append((first, last))
    weak = names.weak & forms if best < 2 else frozenset()
    if weak:
        for i in range(len(words)):
            if (not capitalised or capitalised[i]) and any(_names_word(reading, i, n, endings) for n in weak):
                best = max(best, 1)
                where.append((i, i))
    if best < 2 and reading.sounds and names.sounds:
        strength, found = _sound_mentions(reading.sounds, names.sounds)
        best = max(best, strength)
        where.extend(found)
    return best, sorted(set(where))


def _sound_mentions(sounds: Sequence[str], names: Sequence[tuple[str, ...]]) -> tuple[int, list[tuple[int, int]]]:
    """The author named in another script: a phrase of the name whose words sound like words
    in a row of the sentence (``sounds`` holds a skeleton for each word written in another
    script, "" for the others). A one-word name counts in full if long enough, else weakly."""
    best, where = 0, []
    for phrase in names:
        n = len(phrase)
        strength = 2 if n > 1 or len(phrase[0]) >= MIN_SOUND_ALONE else 1
        for i in range(len(sounds) - n + 1):
            if all(same_sound(sounds[i + k], phrase[k]) for k in range(n)):
                best = max(best, strength)
                where.append((i, i + n - 1))
    return best, where


# A name spelt out from a handle: at most this many capitalised words ("Alexandria Ocasio
# Cortez" for @AOC), and initials only for handles of at least HANDLE_INITIALS letters.
HANDLE_NAME_WORDS = 3
HANDLE_INITIALS = 3


def _handle_mentions(words: Sequence[str], capitalised: Sequence[bool], handle: str
                     ) -> list[tuple[int, int]]:
    """Capitalised names in ``words`` that the handle spells out when the post shows no
    display name: "Elon Musk" (@elonmusk), "Elizabeth Warren" (@ewarren), "Claudius Holler"
    (@C_Holler), "Alexandria Ocasio-Cortez" (@AOC), and then "Warren" alone."""
    found: list[tuple[int, int]] = []
    for first, last, surname, forms in handle_spellings(words, capitalised):
        if found and found[-1][0] == first:
            continue  # the first spelling found from a word is the mention
        if (handle[1:] == forms[0]) if surname else (handle in forms):
            found.append((first, last))
    return found


def handle_spellings(words: Sequence[str], capitalised: Sequence[bool]
                     ) -> Iterator[tuple[int, int, bool, tuple[str, ...]]]:
    """(first, last, surname, forms) of each capitalised name a handle could spell: the
    handle equals one of ``forms``, or, where ``surname``, is one letter and then forms[0]
    (a surname after an initial). Also what lets the resolver find the posts whose handle a
    sentence spells out without comparing it with every post."""
    for i, word in enumerate(words):
        if not capitalised[i]:
            continue
        if len(word) >= 4:
            yield i, i, True, (word,)
        run = [word]
        for j in range(i + 1, min(len(words), i + HANDLE_NAME_WORDS)):
            if not capitalised[j]:
                break
            run.append(words[j])
            initials = "".join(w[0] for w in run)
            forms = ("".join(run), initials[:-1] + run[-1])
            yield i, j, False, (forms + (initials,)) if len(initials) >= HANDLE_INITIALS else forms


@dataclass(frozen=True)
class Reading:
    """What ``evidence`` reads from a sentence whichever post it is asked about."""

    raw: tuple[str, ...]
    words: tuple[str, ...]
    capitalised: tuple[bool, ...]
    cues: tuple[int, ...]  # positions of post cues
    credits_source: bool
    source_phrase: bool  # holds a phrase of other_source: "press release", "пресс-секретарь"
    plural: bool
    definite: bool
    media: bool
    verb: bool
    speech: bool
    # The names the sentence can hold, as sets: a post's names meet them in one test each,
    # and most posts of a page are not named in most sentences.
    forms: frozenset[str]  # every word, and it less one or two last letters (_same_word)
    handle_forms: frozenset[str]  # the forms of handle_spellings that are not surnames
    surnames: frozenset[str]  # and those that are
    sounds: tuple[str, ...] = ()  # skeleton of each word in another script (sounds.py), "" else
    language: str | None = None  # the page's, which chose the cue words (CueWords)


# a word less its last letter, or its last two (itemgetter: the slicing done in C)
_LESS_ONE, _LESS_TWO = itemgetter(slice(None, -1)), itemgetter(slice(None, -2))


def read(sentence: str, language: str | None = None) -> Reading:
    """The part of ``evidence`` that does not depend on the post: a sentence is asked about
    many posts, so callers keep this (PageContext does, per sentence of its page).
    ``language``: the page's, when known (``CueWords``)."""
    lex = cue_words(language)
    raw = tuple(raw_words(sentence))
    words = tuple(map(_fold, map(str.lower, raw)))
    capitalised = tuple([t[:1].isupper() for t in raw])
    cues = _cue_positions(words, lex)
    unique = set(words)
    # skeletons only where a word is written in another script: most sentences have none
    sounds = tuple(skeleton(w) if foreign(w) else "" for w in words) if not sentence.isascii() else ()
    spelt = [(surname, forms) for _, _, surname, forms in handle_spellings(words, capitalised)]
    return Reading(
        raw, words, capitalised, cues,
        credits_source=_credits_source(words, lex),
        source_phrase=_has_source_phrase(words, lex),
        plural=any(words[c] in lex.plural_cues for c in cues) or "both" in words,
        definite=_definite(words, _DEFINITE_POST_NOUNS, lex),
        media=_definite(words, MEDIA_NOUNS, lex),
        verb=not lex.post_verbs.isdisjoint(words), speech=not lex.speech_verbs.isdisjoint(words),
        forms=frozenset(unique.union(map(_LESS_ONE, unique), map(_LESS_TWO, unique),
                                     _declensions(unique, lex.name_endings))),
        handle_forms=frozenset(f for surname, forms in spelt if not surname for f in forms),
        surnames=frozenset(forms[0] for surname, forms in spelt if surname),
        sounds=sounds if any(sounds) else (), language=language)


def _cue_positions(words: tuple[str, ...], lex: CueWords) -> tuple[int, ...]:
    """Where the post cues are: a post word, or a platform after a preposition ("on X",
    "took to social media"), before a postposition ("ट्विटर पर") or in a case that means it
    ("Twitteren", "X-en")."""
    if lex.post_cues.isdisjoint(words) and lex.platforms.isdisjoint(words) \
            and _PLATFORM_PHRASES.keys().isdisjoint(words) and _POST_PHRASES.keys().isdisjoint(words):
        return ()  # most sentences: one test in C instead of one per word
    # (a phrase is looked for only where one starts: most words start none, and a call per
    # word per index was a tenth of citation's time)
    return tuple(i for i, w in enumerate(words) if w in lex.post_cues
                 or w in _CASE_PHRASES and _phrase_at(words, i, _CASE_PHRASES)
                 or w in _POST_PHRASES and _phrase_at(words, i, _POST_PHRASES) or (
        (w in lex.platforms or w in _PLATFORM_PHRASES and _phrase_at(words, i, _PLATFORM_PHRASES))
        and not _follows(words, i, lex) and (
            (i > 0 and words[i - 1] in lex.platform_prepositions)
            or (i + 1 < len(words) and words[i + 1] in lex.platform_postpositions))))


def _phrase_at(words: Sequence[str], i: int, by_first: dict[str, tuple[tuple[str, ...], ...]]) -> bool:
    return any(tuple(words[i:i + len(p)]) == p for p in by_first.get(words[i], ()))


def evidence(sentence: str | Reading, names: AuthorNames) -> Evidence:
    """Attribution evidence linking ``sentence`` (or its ``read``) to the author named by
    ``names``."""
    reading = read(sentence) if isinstance(sentence, str) else sentence
    raw, words, cues = reading.raw, reading.words, reading.cues
    lex = cue_words(reading.language)
    strength, at = mention_positions(reading, names)
    # the author owns or performs the cue ("Ellison's post", "Okafor ... posted"), the cue
    # comes right before the name ("In its own post, Harbourside Transit"), or the name
    # right after a reporting verb ("wrote Ellison")
    near = any(
        0 <= c - last <= 5 or first - c == 1
        for first, last in at for c in cues
    )
    other = not lex.other_source.isdisjoint(words) and any(
        w in lex.other_source and not _credits_author(words, i, at, lex)
        and not (w == "told" and _tells_audience(raw, i))
        for i, w in enumerate(words))
    other = other or reading.source_phrase or reading.credits_source
    return Evidence(
        mention=strength, near_cue=near, cue=bool(cues), plural=reading.plural,
        other_source=other, definite=reading.definite, media=reading.media,
        verb=reading.verb, speech=reading.speech,
    )


# how far from an "according" word the name it credits may start: "selon Orr", "according to Orr"
_CREDIT_REACH = 2


def _credits_author(words: Sequence[str], i: int, at: Sequence[tuple[int, int]], lex: CueWords) -> bool:
    """The word at ``i`` credits whom it names, and that is the post's author (named at
    ``at``), a pronoun, or a post: "according to Mara Vega", "selon lui", "ihr zufolge",
    "according to her latest post". Such a sentence reports the post, not another source."""
    w = words[i]
    if w in lex.according:
        after = range(i + 1, min(len(words), i + 1 + _CREDIT_REACH))
        if any(first in after for first, _ in at) or any(words[j] in lex.credited_pronouns for j in after):
            return True
        if any(words[j] in lex.post_cues for j in range(i + 1, min(len(words), i + 6))):
            return True
    if w in lex.according_after:
        before = range(max(0, i - _CREDIT_REACH), i)
        return any(last in before for _, last in at) or any(words[j] in lex.credited_pronouns for j in before)
    return False


# "told the Gazette", "told reporters", "told CNN" credit a source; "told residents to" and
# "told drivers that" report what a post (or anyone) asked of its audience.
_TOLD_SOURCE = word_set("the a an reporters journalists press media me us him her them listeners viewers")


def _tells_audience(raw: Sequence[str], i: int) -> bool:
    """True when "told" at ``i`` is followed by a lower-case audience, not a credited outlet."""
    after = raw[i + 1] if i + 1 < len(raw) else ""
    return bool(after) and after[:1].islower() and _fold(after.lower()) not in _TOLD_SOURCE


def _has_source_phrase(words: Sequence[str], lex: CueWords) -> bool:
    if _SOURCE_PHRASES.keys().isdisjoint(words):
        return False  # most sentences: one test in C
    for i, w in enumerate(words):
        for phrase in _SOURCE_PHRASES.get(w, ()):
            if tuple(words[i:i + len(phrase)]) == phrase and not _on_platform(words, i + len(phrase) - 1, lex):
                return True
    return False


def _on_platform(words: Sequence[str], i: int, lex: CueWords) -> bool:
    """The source named at ``i`` was published on a platform ("a short statement on X", "a
    statement posted on Instagram"): it is a post, not another source."""
    after = words[i + 1:i + 2 + SOURCE_REACH]
    posted = bool(after) and after[0] in lex.post_verbs and after[0] not in lex.speech_verbs
    return posted or any(
        w in lex.platforms and k > 0 and after[k - 1] in lex.platform_prepositions for k, w in enumerate(after))


def _credits_source(words: Sequence[str], lex: CueWords) -> bool:
    """A source noun is how the speaker is credited: "in an interview", "at a rally", "the
    newspaper reported". As the object of a post ("shared an interview") it credits nothing."""
    if lex.source_nouns.isdisjoint(words):
        return False
    for i, w in enumerate(words):
        if w not in lex.source_nouns:
            continue
        before = words[max(0, i - SOURCE_REACH):i]
        after = words[i + 1:i + 1 + SOURCE_REACH]
        if (any(b in lex.credit_prepositions for b in before) or any(a in lex.source_verbs for a in after)) \
                and not _on_platform(words, i, lex):
            return True
    return False


def _follows(words: Sequence[str], i: int, lex: CueWords) -> bool:
    """The platform at ``i`` is where someone is followed ("follow her on X", "wer ihr auf
    Twitter folgt"): an account, not a post."""
    return any(w in lex.follow_words for w in words[max(0, i - FOLLOW_REACH):i + FOLLOW_REACH + 1])


def is_credit_line(sentence: str) -> bool:
    """Image credits and reporting credits, which never cite a post."""
    folded = _fold(sentence.lower())
    first = WORD.findall(folded[:80])
    if first and (first[0] in _CREDIT_WORDS or tuple(first[:2]) in _CREDIT_PHRASES):
        return True
    return ":" in folded and bool(_CREDIT_LABEL.search(folded))  # the label ends in a colon


def _definite(words: Sequence[str], nouns: frozenset[str], lex: CueWords) -> bool:
    """A determiner or possessive, then a noun of ``nouns`` right away or after one word that
    is not a web-page word ("a blog post" is a web page)."""
    if nouns.isdisjoint(words):
        return False  # most sentences: no such noun at all
    for i, w in enumerate(words):
        if w not in lex.definite_leads:
            continue
        if i + 1 < len(words) and words[i + 1] in nouns:
            return True
        if i + 2 < len(words) and words[i + 2] in nouns and words[i + 1] not in _WEB_PAGES:
            return True
    return False


def it_says(words: Sequence[str], language: str | None = None) -> bool:
    """True when a neuter pronoun is the subject of a text verb (``words`` folded): "it
    says", "es heißt", the post (or its image) speaking."""
    lex = cue_words(language)
    return any(a in lex.neuter_pronouns and b in lex.text_verbs
               for a, b in zip(words, words[1:], strict=False))


def pronoun_tag(words: Sequence[str], language: str | None = None) -> bool:
    """True when a personal pronoun and a verb of speech or posting stand together, in either
    order ("she wrote"; German and others put the verb first: "schrieb sie", "sa hun")."""
    lex = cue_words(language)
    persons, verbs = lex.persons, lex.tag_verbs
    return any((a in persons and b in verbs) or (a in verbs and b in persons)
               for a, b in zip(words, words[1:], strict=False))

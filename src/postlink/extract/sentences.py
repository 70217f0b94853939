"""Sentence segmentation with offsets.

blingfire (Microsoft's finite-state tokenizer) was chosen over syntok, pysbd and a regex
splitter after measuring them (bench/segmenters.py, README): with the three small rules below
it is as accurate as pysbd on our hand-written news cases ("U.S.", "Sen.", "Oct. 17", quotes
holding sentence ends), returns character offsets, and is ~6x faster than syntok and ~30x
faster than pysbd, which matters because segmentation was a third of extraction time.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Container, Iterable
from ctypes import byref, c_char_p, c_int, c_int32, create_string_buffer
from functools import cache

import blingfire

from postlink.extract.model import Sentence
from postlink.lexicon import cues, fold

# Segmenters may split after these when a capitalised word follows; news text uses them as titles.
_TITLES = ("Sen.", "Rep.", "Gov.", "Lt.", "Gen.", "Col.", "Sgt.", "Capt.", "Pres.", "Supt.",
           "Insp.", "Det.", "Rev.", "Hon.", "Atty.", "Cmdr.", "Adm.", "Maj.", "Prof.", "St.")


def split_sentences(text: str, paragraphs: Iterable[tuple[int, int]],
                    whole: Container[int] = ()) -> tuple[Sentence, ...]:
    """Sentences of ``text`` inside each (start, end) paragraph; never across paragraphs.

    Paragraphs whose index is in ``whole`` (a headline: "Come on England! Stars celebrate")
    are one sentence each.
    """
    out: list[Sentence] = []
    for n, (p_start, p_end) in enumerate(paragraphs):
        chunk = text[p_start:p_end]
        if n in whole or not _MAYBE_BOUNDARY.search(chunk):
            # one sentence at most: skip the segmenter
            stripped = chunk.strip()
            if stripped:
                s = p_start + chunk.index(stripped)
                out.append(Sentence(len(out), s, s + len(stripped), stripped))
            continue
        spans = _split_at(_DANDA_END, chunk, _split_at(_ELLIPSIS_END, chunk, _segmenter_spans(chunk)))
        spans = _merge_title_splits(chunk, spans)
        spans = _merge_quote_attributions(chunk, _merge_open_quotes(chunk, spans))
        for start, end in spans:
            s, e = p_start + start, p_start + end
            out.append(Sentence(len(out), s, e, text[s:e]))
    return tuple(out)


# A sentence end followed by more text; paragraphs without one are a single sentence. The
# ideographic full stop and full-width marks need no space after them (Japanese, Chinese); the
# Arabic question mark and the Devanagari danda do, as the Latin stops.
_MAYBE_BOUNDARY = re.compile(r"[.!?…؟۔।॥][\"'”’)\]]*\s+\S|[。！？][」』）\"”’]*\S")


# The shared library the blingfire package loads (its module attribute of the same name).
_LIBRARY = blingfire.blingfire


def sentence_offsets(text: str) -> list[tuple[int, int]]:
    """blingfire's sentence (start, end) character offsets, as ``text_to_sentences_and_offsets``
    gives them. That wrapper maps the library's UTF-8 byte offsets back to characters with a
    Python loop over every byte of the text (15% of extraction time on the corpus); here an
    ASCII text needs no mapping and any other is mapped by decoding the prefix before each
    offset, in C."""
    data = text.encode("utf-8")
    size = len(data) * 2
    out = create_string_buffer(size)
    starts, ends = (c_int32 * size)(), (c_int32 * size)()
    n = _LIBRARY.TextToSentencesWithOffsets(c_char_p(data), c_int(len(data)), byref(out),
                                            byref(starts), byref(ends), c_int(size))
    if n == -1 or n > size:
        return []
    count = out.value.count(b"\n") + 1
    # An end offset is the sentence's last byte; the character after it starts at end + 1.
    pairs = zip(starts[:count], ends[:count], strict=True)
    if len(data) == len(text):
        return [(s, min(e + 1, len(text))) for s, e in pairs]
    return [(len(data[:s].decode("utf-8", "ignore")), len(data[:e + 1].decode("utf-8", "ignore")))
            for s, e in pairs]


def _segmenter_spans(chunk: str) -> Iterable[tuple[int, int]]:
    for start, end in sentence_offsets(chunk):
        piece = chunk[start:end]
        stripped = piece.strip()
        if stripped:
            start += piece.index(stripped)
            yield start, start + len(stripped)


# Ends the segmenter may miss: an ellipsis before a capital letter, and the danda of Hindi,
# Marathi and Nepali (blingfire does not know it).
_ELLIPSIS_END = re.compile(r"(?:…|\.\.\.)(?=\s+[A-Z])")
_DANDA_END = re.compile(r"[।॥]+[\"'”’)\]]*(?=\s+\S)")
_SPACE = re.compile(r"\s*")


def _split_at(ends: re.Pattern[str], chunk: str, spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """``spans`` with a sentence also ended wherever ``ends`` matches inside one."""
    out = []
    for start, end in spans:
        for m in ends.finditer(chunk, start, end):
            out.append((start, m.end()))
            start = _SPACE.match(chunk, m.end(), end).end()  # type: ignore[union-attr]
        out.append((start, end))
    return out


def _merge_open_quotes(chunk: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """A sentence that opens a quote it does not close continues into the next ones, until
    the quote closes (a quoted passage of several sentences is one sentence of the article)."""
    merged: list[tuple[int, int]] = []
    curly = guillemets = straight = 0  # balance of the last merged sentence
    for start, end in spans:
        piece = chunk[start:end]
        c = piece.count("“") + piece.count("「") - piece.count("”") - piece.count("」")
        g = piece.count("«") - piece.count("»")
        q = piece.count('"')
        if merged and (curly > 0 or guillemets > 0 or straight % 2):
            merged[-1] = (merged[-1][0], end)
            curly, guillemets, straight = curly + c, guillemets + g, straight + q
        else:
            merged.append((start, end))
            curly, guillemets, straight = c, g, q
    return merged


def _merge_title_splits(chunk: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    return _merge_when(spans, lambda prev, _: chunk.endswith(_TITLES, *prev))


def _merge_when(spans: Iterable[tuple[int, int]],
                joins: Callable[[tuple[int, int], tuple[int, int]], bool]) -> list[tuple[int, int]]:
    """``spans`` with each one joined to the one before it when ``joins(before, it)``."""
    merged: list[tuple[int, int]] = []
    for span in spans:
        if merged and joins(merged[-1], span):
            merged[-1] = (merged[-1][0], span[1])
        else:
            merged.append(span)
    return merged


# A quote that ends in a question or exclamation mark (or a comma) before its closing mark
# does not end the sentence when its speaker follows: "“Who needs a ferry?” Lind asked." A quote
# closed after a full stop does end it ("… before.” Smith said she …").
_QUOTE_OPEN_END = re.compile(r"[?!,…][\"”»’]$")
_SPEAKER_WORDS = 4  # "Mara quietly replied", "Senator Jane Roe said"


def _merge_quote_attributions(chunk: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    return _merge_when(spans, lambda prev, span: bool(_QUOTE_OPEN_END.search(chunk, *prev))
                       and _starts_with_speaker(chunk[span[0]:span[1]]))


def _starts_with_speaker(sentence: str) -> bool:
    """The sentence opens with who spoke and a verb of speech or posting: capitalised names or
    a pronoun, at most one lower-case word (an adverb) between them and the verb."""
    verbs = _speaker_verbs()
    raw = sentence.split()[:_SPEAKER_WORDS]
    lower_seen = False
    for i, word in enumerate(raw):
        folded = fold(word.strip(",.;:!?\"”’»"))
        if folded in verbs:
            return i > 0
        if folded in cues("pronouns"):
            continue
        if folded in cues("stopwords"):  # "The tweet posted …": not a speaker
            return False
        if word[:1].isupper():
            continue
        if lower_seen or i == 0:
            return False
        lower_seen = True
    return False


@cache
def _speaker_verbs() -> frozenset[str]:
    return cues("speech_verbs") | cues("posting_verbs")



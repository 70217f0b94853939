"""Sentence segmentation with offsets.

syntok was chosen over pysbd and a regex splitter: on realistic news text it keeps "U.S.",
"Sen." and "Oct. 17" inside their sentences like pysbd does, returns exact character offsets
natively, and is about 10x faster than pysbd (see bench/segmenters.py and the README).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import syntok.segmenter as syntok

from postlink.extract.model import Sentence

# syntok splits after these when followed by a capitalised word; news text uses them as titles.
_TITLES = ("Sen.", "Rep.", "Gov.", "Lt.", "Gen.", "Col.", "Sgt.", "Capt.", "Pres.", "Supt.",
           "Insp.", "Det.", "Rev.", "Hon.", "Atty.", "Cmdr.", "Adm.", "Maj.", "Prof.", "St.")


def split_sentences(text: str, paragraphs: Iterable[tuple[int, int]]) -> tuple[Sentence, ...]:
    """Sentences of ``text`` inside each (start, end) paragraph; never across paragraphs."""
    out: list[Sentence] = []
    for p_start, p_end in paragraphs:
        chunk = text[p_start:p_end]
        if not _MAYBE_BOUNDARY.search(chunk):
            # one sentence at most: skip syntok, the costliest step of extraction
            stripped = chunk.strip()
            if stripped:
                s = p_start + chunk.index(stripped)
                out.append(Sentence(len(out), s, s + len(stripped), stripped))
            continue
        spans = _merge_title_splits(chunk, _split_ellipses(chunk, _syntok_spans(chunk)))
        spans = _merge_open_quotes(chunk, spans)
        for start, end in spans:
            s, e = p_start + start, p_start + end
            out.append(Sentence(len(out), s, e, text[s:e]))
    return tuple(out)


# A sentence end followed by more text; paragraphs without one are a single sentence.
_MAYBE_BOUNDARY = re.compile(r"[.!?…][\"'”’)\]]*\s+\S")


def _syntok_spans(chunk: str) -> Iterable[tuple[int, int]]:
    for paragraph in syntok.analyze(chunk):
        for sentence in paragraph:
            tokens = list(sentence)
            if not tokens:
                continue
            start = tokens[0].offset
            end = tokens[-1].offset + len(tokens[-1].value)
            if chunk[start:end].strip():
                yield start, end


_ELLIPSIS_END = re.compile(r"(?:…|\.\.\.)(?=\s+[A-Z])")


def _split_ellipses(chunk: str, spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """syntok never ends a sentence at an ellipsis; we do when a capital letter follows."""
    out = []
    for start, end in spans:
        for m in _ELLIPSIS_END.finditer(chunk, start, end):
            out.append((start, m.end()))
            start = m.end() + len(chunk[m.end():end]) - len(chunk[m.end():end].lstrip())
        out.append((start, end))
    return out


def _merge_open_quotes(chunk: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """A sentence that opens a curly quote it does not close continues into the next one."""
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged:
            prev = chunk[merged[-1][0]:merged[-1][1]]
            if prev.count("“") > prev.count("”"):
                merged[-1] = (merged[-1][0], end)
                continue
        merged.append((start, end))
    return merged


def _merge_title_splits(chunk: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and chunk[merged[-1][0]:merged[-1][1]].endswith(_TITLES):
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged

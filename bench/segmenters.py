"""Compare sentence segmenters on hand-written news sentences and on the real corpus.

    .venv/bin/pip install -e ".[bench]" && .venv/bin/python bench/segmenters.py

"ours" is postlink's split_sentences, which skips the segmenter for paragraphs that cannot
hold two sentences, so its corpus time is lower than blingfire's alone.

Accuracy: each case below is a paragraph with its correct sentences, written for this bench
(abbreviations, quotes holding sentence ends, em dashes, ellipses). Speed: every paragraph of
the extracted body text of the shared corpus pages, segmented by each candidate.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import blingfire
import pysbd
import syntok.segmenter as syntok

from postlink.extract.document import extract_html
from postlink.extract.sentences import split_sentences

CASES: list[list[str]] = [
    ["Officials in the U.S. said the plan would go ahead.", "Critics disagreed."],
    ["Sen. Blumenthal wrote that the deal was dead.", "Nobody replied."],
    ["The hearing on Oct. 17 ran late.", "It resumed on Nov. 2."],
    ["Rep. Ortiz met Gov. Hale and Dr. Patel at 10 a.m. on Tuesday."],
    ["“We will not back down. Not now, not ever,” she wrote.", "The post was shared widely."],
    ["The vote failed — again.", "Supporters were stunned…", "Opponents cheered."],
    ["He asked: “Why now?”", "No answer came."],
    ["The St. Louis office closed at 5 p.m.", "Staff left early."],
    ["Prices rose 3.5 percent in Jan. and Feb.", "Analysts had expected less."],
    ["Mr. Smith and Mrs. Jones (both of the U.K.) declined to comment."],
    ["The company, Acme Inc., said it would appeal.", "Its shares fell."],
    ["“It’s over,” Lt. Gen. Ray said.", "Then he left the room."],
]


def regex_split(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[.!?…])\s+(?=[A-Z“\"])", text) if s.strip()]


def ours(text: str) -> list[str]:
    return [s.text for s in split_sentences(text, [(0, len(text))])]


def plain_blingfire(text: str) -> list[str]:
    _, offsets = blingfire.text_to_sentences_and_offsets(text)
    return [text[a:b].strip() for a, b in offsets if text[a:b].strip()]


SEGMENTER = pysbd.Segmenter(language="en", clean=False)


def pysbd_split(text: str) -> list[str]:
    return [s.strip() for s in SEGMENTER.segment(text) if s.strip()]


def plain_syntok(text: str) -> list[str]:
    out = []
    for para in syntok.analyze(text):
        for sent in para:
            toks = list(sent)
            out.append(text[toks[0].offset: toks[-1].offset + len(toks[-1].value)])
    return out


CANDIDATES = {"regex (baseline)": regex_split, "syntok": plain_syntok, "pysbd": pysbd_split,
              "blingfire": plain_blingfire, "ours (blingfire + titles, quotes, …)": ours}


def main() -> None:
    corpus = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "real" / "dev"
    paragraphs: list[str] = []
    for page in sorted(corpus.glob("*.html")):
        doc = extract_html(page.read_bytes())
        paragraphs += [doc.text[s:e] for s, e in doc.paragraphs]
    print(f"{len(CASES)} hand-written cases; {len(paragraphs)} corpus paragraphs "
          f"({sum(map(len, paragraphs)):,} chars)\n")
    print(f"{'segmenter':<36}{'cases right':>12}{'corpus ms':>12}{'vs regex':>10}")
    base = None
    for name, split in CANDIDATES.items():
        right = sum(split(" ".join(case)) == case for case in CASES)
        started = time.perf_counter()
        for p in paragraphs:
            split(p)
        ms = (time.perf_counter() - started) * 1000
        base = base or ms
        print(f"{name:<36}{right:>9}/{len(CASES)}{ms:>12.1f}{ms / base:>9.1f}x")


if __name__ == "__main__":
    main()

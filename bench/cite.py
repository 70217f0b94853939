"""Score cite/ on labelled articles: pair precision and recall, per kind, kind accuracy.

    .venv/bin/python bench/cite.py            # in-sample and cross-validated, per set
    .venv/bin/python bench/cite.py --e2e      # also through add + audit JSON, as users run it
    .venv/bin/python bench/cite.py --json     # the same numbers as JSON
    .venv/bin/python bench/cite.py -v         # list every miss, extra and wrong kind

Three figures side by side (after the baseline ``rules only``: the deterministic evidence
with no scorer, which is what postlink did before it learned), on the sets bench/labelled.py loads (the project's own dev set;
the real pages and text excerpts of ../shared/corpus/real when present):

- ``in-sample``: the shipped weights (cite/weights.json, fitted on all of this data);
- ``cross-validated``: leave one article out; the weights and the threshold are fitted on
  the other articles only (bench/train_cite.py's fit_scorer), then the held-out article is
  resolved with them. This is the figure to expect on articles like these that nobody
  fitted to, and the one tests/test_cite_eval.py gates on;
- ``add + audit``: each article through ``add_article`` into a real SQLite archive and
  ``build_audit``'s JSON, with the shipped weights (in-sample).

A pair is (post key, sentence index). A label's sentence is found by its fragment;
predictions in ``neutral`` sentences are not scored; a prediction in a ``must_not_cite``
sentence is counted as a violation.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import labelled  # noqa: E402
import train_cite  # noqa: E402
from postlink.cite.match import link_citations, rule_citations  # noqa: E402
from postlink.cite.model import KIND_ORDER, Citation  # noqa: E402
from postlink.cite.scorer import Scorer  # noqa: E402
from postlink.pipeline import add_article, extract  # noqa: E402
from postlink.report.audit import build_audit  # noqa: E402
from postlink.store import Store  # noqa: E402


@dataclass
class Score:
    """Counts over many articles; the rates are properties."""

    gold: int = 0
    predicted: int = 0
    correct: int = 0  # predicted pairs that are gold pairs
    kind_correct: int = 0
    must_not_cite: int = 0  # negative sentences checked
    violations: list[str] = field(default_factory=list)
    missing_fragments: list[str] = field(default_factory=list)
    per_kind: dict[str, Counter[str]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    articles: list[tuple[int, int, int]] = field(default_factory=list)  # (gold, predicted, correct) each

    @property
    def precision(self) -> float:
        return self.correct / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.correct / self.gold if self.gold else 1.0

    @property
    def kind_accuracy(self) -> float:
        return self.kind_correct / self.correct if self.correct else 1.0

    def kind(self, name: str) -> Counter[str]:
        return self.per_kind.setdefault(name, Counter())

    def as_dict(self) -> dict[str, object]:
        return {
            "gold": self.gold, "predicted": self.predicted, "correct": self.correct,
            "precision": round(self.precision, 3), "recall": round(self.recall, 3),
            "kind_accuracy": round(self.kind_accuracy, 3),
            "must_not_cite": self.must_not_cite, "violations": len(self.violations),
            "per_kind": {k: dict(v) for k, v in sorted(self.per_kind.items())},
            "interval_90": {k: [round(float(b), 3) for b in v] for k, v in interval(self).items()},
        }


def score_article(item: labelled.Labelled, citations: Iterable[Citation], total: Score) -> None:
    """Add one article's counts."""
    labels = labelled.pair_labels(item)
    name, doc = item.name, item.doc
    total.missing_fragments.extend(labels.missing)
    total.must_not_cite += len(labels.negative)
    predicted = {(c.post_key, c.sentence_index): c for c in citations
                 if c.sentence_index not in labels.skip or (c.post_key, c.sentence_index) in labels.gold}
    total.gold += len(labels.gold)
    total.predicted += len(predicted)
    correct_before = total.correct
    for (key, idx), kind in labels.gold.items():
        total.kind(kind)["gold"] += 1
        c = predicted.get((key, idx))
        if c is None:
            where = doc.sentences[idx].text[:70] if idx >= 0 else "(fragment not found)"
            total.errors.append(f"{name}: missed {kind} {key} in s{idx}: {where!r}")
            continue
        total.correct += 1
        total.kind(kind)["found"] += 1
        if c.kind == kind:
            total.kind_correct += 1
            total.kind(kind)["kind_ok"] += 1
        else:
            total.errors.append(f"{name}: {key} s{idx} gold {kind}, got {c.kind}")
    for (key, idx), c in predicted.items():
        total.kind(c.kind)["predicted"] += 1
        if (key, idx) in labels.gold:
            total.kind(c.kind)["predicted_ok"] += 1
        else:
            total.errors.append(f"{name}: extra {c.kind} {key} in s{idx}: {doc.sentences[idx].text[:70]!r}")
        if idx in labels.negative:
            total.violations.append(f"{name}: {key} in must_not_cite {labels.negative[idx]!r}")
    total.articles.append((len(labels.gold), len(predicted), total.correct - correct_before))


def interval(s: Score, level: float = 0.90, draws: int = 2000, seed: int = 0) -> dict[str, tuple[float, float]]:
    """How far precision and recall could move on other articles like these: the central
    ``level`` of their values over ``draws`` resamplings of the articles, with replacement
    (an article's pairs move together: they share its writer and markup)."""
    counts = np.array(s.articles, dtype=float).reshape(-1, 3)
    if not len(counts):
        return {}
    picks = np.random.default_rng(seed).integers(0, len(counts), size=(draws, len(counts)))
    gold, predicted, correct = (counts[picks, j].sum(axis=1) for j in range(3))
    tails = [(1 - level) / 2 * 100, (1 + level) / 2 * 100]
    return {"precision": tuple(np.percentile(correct / np.maximum(predicted, 1), tails)),
            "recall": tuple(np.percentile(correct / np.maximum(gold, 1), tails))}


Predict = Callable[[labelled.Labelled], Iterable[Citation]]


def evaluate(items: list[labelled.Labelled], predict: Predict) -> dict[str, Score]:
    """Scores per set ("dev", "languages", "pages", "text"), plus "corpus" (pages and text together)."""
    scores: dict[str, Score] = {}
    for item in items:
        group = item.name.split("/")[0]
        citations = list(predict(item))
        score_article(item, citations, scores.setdefault(group, Score()))
        if group in labelled.CORPUS_SETS:
            score_article(item, citations, scores.setdefault("corpus", Score()))
    return scores


def rules_only(items: list[labelled.Labelled]) -> dict[str, Score]:
    """The baseline: the deterministic evidence alone, every pair with evidence kept."""
    return evaluate(items, lambda item: rule_citations(item.doc, item.posts).citations)


def in_sample(items: list[labelled.Labelled]) -> dict[str, Score]:
    return evaluate(items, lambda item: link_citations(item.doc, item.posts).citations)


def cross_validated(items: list[labelled.Labelled],
                    rows: list[train_cite.Rows] | None = None) -> dict[str, Score]:
    """Leave one article out: each article resolved by a scorer fitted on all the others.
    ``rows``: the items' ``train_cite.article_rows``, when the caller has them already."""
    rows = rows if rows is not None else [train_cite.article_rows(item) for item in items]
    scorers: dict[str, Scorer] = {}
    for i, item in enumerate(items):
        scorers[item.name] = train_cite.fit_scorer(rows[:i] + rows[i + 1:])
    return evaluate(items, lambda item: link_citations(item.doc, item.posts, scorers[item.name]).citations)


def ranking(items: list[labelled.Labelled], rows: list[train_cite.Rows],
            precisions: tuple[float, ...] = (0.95, 0.90, 0.85)) -> dict[str, float]:
    """How well the scorer ranks the corpus' candidate pairs, with no threshold: each
    article's pairs scored by weights fitted on all the other articles, then every pair of
    the real sets ranked together. Average precision, and the recall reached at each
    precision. A feature changes these by its effect on the ranking alone; the thresholded
    figures also move when one held-out article's threshold lands on the other side of a
    pair, a few pairs either way on 174."""
    scored, gold = [], 0
    for i, (item, r) in enumerate(zip(items, rows, strict=True)):
        if item.name.split("/")[0] not in labelled.CORPUS_SETS:
            continue
        gold += len(labelled.pair_labels(item).gold)
        p = train_cite.fit_weights(rows[:i] + rows[i + 1:]).probabilities(r.x)
        scored.extend(zip(p.tolist(), r.y.tolist(), strict=True))
    if not gold:
        return {}
    scored.sort(key=lambda pair: -pair[0])
    hits, total_precision, best = 0, 0.0, dict.fromkeys(precisions, 0)
    for k, (_, y) in enumerate(scored, start=1):
        hits += int(y)
        total_precision += hits / k if y else 0.0
        for target in precisions:
            if hits / k >= target:
                best[target] = hits
    out = {"average precision": total_precision / gold}
    out.update({f"recall at precision {t:.2f}": best[t] / gold for t in precisions})
    return out


def through_audit(items: list[labelled.Labelled]) -> dict[str, Score]:
    """Each article as a user runs it: ``add_article`` into a real archive, then the audit
    JSON. Only the posts the archive itself knows (embeds it found, linked posts) can be cited."""
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "archive.db")

        def predict(item: labelled.Labelled) -> list[Citation]:
            add_article(store, item.article)
            audit = build_audit(store, item.article.url)
            return [SimpleNamespace(post_key=c["post_key"], sentence_index=c["sentence_index"],  # type: ignore[misc]
                                    kind=c["kind"]) for c in audit["citations"]]

        scores = evaluate(items, predict)
        store.close()
    return scores


def table(name: str, s: Score) -> str:
    lines = [
        f"{name}: pairs gold {s.gold}, predicted {s.predicted}, correct {s.correct}",
        f"  pair precision {s.precision:.3f}   recall {s.recall:.3f}   kind accuracy "
        f"{s.kind_accuracy:.3f}   must_not_cite linked {len(s.violations)}/{s.must_not_cite}",
        f"  {'kind':<12}{'gold':>5}{'found':>7}{'recall':>8}{'pred':>6}{'prec':>7}{'kind ok':>9}",
    ]
    for kind in KIND_ORDER:
        c = s.per_kind.get(kind, Counter())
        rec = c["found"] / c["gold"] if c["gold"] else float("nan")
        prec = c["predicted_ok"] / c["predicted"] if c["predicted"] else float("nan")
        lines.append(f"  {kind:<12}{c['gold']:>5}{c['found']:>7}{rec:>8.2f}{c['predicted']:>6}"
                     f"{prec:>7.2f}{c['kind_ok']:>9}")
    if s.missing_fragments:
        lines.append(f"  fragments not found in extracted sentences: {len(s.missing_fragments)}")
    return "\n".join(lines)


def cost(items: list[labelled.Labelled], repeats: int = 3) -> tuple[float, float]:
    """Seconds to extract the real pages and to cite them (the best of ``repeats`` runs each,
    caches cleared between runs): the issue asks citation to cost at most half of extraction."""
    pages = [item for item in items if item.name.startswith("pages/")] or items
    best_extract = best_cite = float("inf")
    for _ in range(repeats):
        _clear_caches()
        t0 = time.perf_counter()
        for item in pages:
            extract(item.article)
        t1 = time.perf_counter()
        for item in pages:
            link_citations(item.doc, item.posts)
        t2 = time.perf_counter()
        best_extract, best_cite = min(best_extract, t1 - t0), min(best_cite, t2 - t1)
    return best_extract, best_cite


def _clear_caches() -> None:
    """Per-text caches would make a second run of the same pages look cheaper than a first."""
    from postlink.cite import normalize
    from postlink.lexicon import fold
    for cached in (normalize.normalize, fold):
        cached.cache_clear()


def main(argv: list[str]) -> int:
    items = labelled.load(labelled.available_sets())
    rows = [train_cite.article_rows(item) for item in items]  # what the scorer sees, once
    figures = {"rules only": rules_only(items), "in-sample": in_sample(items),
               "cross-validated": cross_validated(items, rows)}
    if "--e2e" in argv:
        figures["add + audit"] = through_audit(items)
    if "--json" in argv:
        print(json.dumps({how: {k: v.as_dict() for k, v in s.items()} for how, s in figures.items()}, indent=2))
        return 0
    print(f"{'set':<10}{'figure':<17}{'gold':>5}{'pred':>6}{'ok':>5}{'precision':>10}{'recall':>8}"
          f"{'kind acc':>9}{'must-not linked':>16}")
    for group in ("dev", "languages", "pages", "text", "corpus"):
        for how, scores in figures.items():
            if group in scores:
                s = scores[group]
                print(f"{group:<10}{how:<17}{s.gold:>5}{s.predicted:>6}{s.correct:>5}{s.precision:>10.3f}"
                      f"{s.recall:>8.3f}{s.kind_accuracy:>9.3f}{len(s.violations):>9}/{s.must_not_cite}")
    print()
    extract_s, cite_s = cost(items)
    print(f"cost on {sum(i.name.startswith('pages/') for i in items) or len(items)} pages: extraction "
          f"{extract_s:.2f} s, citation {cite_s:.2f} s, ratio {cite_s / extract_s:.2f} (issue target <= 0.5)")
    ranked = ranking(items, rows)
    if ranked:
        print("out-of-fold ranking of the corpus' pairs, no threshold: " +
              ", ".join(f"{name} {value:.3f}" for name, value in ranked.items()))
    print()
    cv = figures["cross-validated"].get("corpus") or figures["cross-validated"]["dev"]
    print(table("cross-validated, corpus" if "corpus" in figures["cross-validated"] else "cross-validated, dev", cv))
    spread = interval(cv)
    if spread:
        print("  90% interval over resampled articles: " + ", ".join(
            f"{name} {lo:.2f}-{hi:.2f}" for name, (lo, hi) in spread.items()))
    if "-v" in argv:
        for line in cv.errors + cv.violations + cv.missing_fragments:
            print("   ", line)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""The learned citation scorer: logistic regressions over features.py's pair features.

The probability that a sentence cites a post comes from one of two models: ``evidence``
for pairs where the sentence quotes the post (a deterministic quote match) or links it, and
``context`` for the rest, which only name, describe or restate it. The two kinds of pair
differ so much (most quote matches and links are citations, few sentences near an embed
are) that one set of weights serves both badly. Each model has its own threshold, chosen so
that its pairs reach the target precision; pairs at or above it are kept.
``kind`` tells a restatement (paraphrase) from a mere naming (attribution) for
kept pairs that neither quote the post nor link it; quote kinds and links stay
deterministic. The weights are data (weights.json, shipped in the package), fitted by
``bench/train_cite.py`` on the labelled corpus; the thresholds are chosen there for precision
on cross-validated predictions. Inference is a dot product: no numerical library is needed.
"""

from __future__ import annotations

import json
import math
import operator
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

from postlink.cite.features import FEATURES, INDEX

# The features that make a pair an ``evidence`` pair.
EVIDENCE = tuple(INDEX[name] for name in ("quote_verbatim", "quote_altered", "quote_partial", "link"))


def is_evidence(x: Sequence[float]) -> bool:
    return any(x[i] for i in EVIDENCE)


@dataclass(frozen=True)
class Scorer:
    evidence: tuple[float, ...]  # weights in features.FEATURES order
    context: tuple[float, ...]
    kind: tuple[float, ...]
    evidence_threshold: float
    context_threshold: float

    @classmethod
    def from_weights(cls, data: Mapping[str, object]) -> Scorer:
        """Weights are stored by feature name; a feature the file does not know weighs 0."""
        def vector(weights: object) -> tuple[float, ...]:
            named = dict(weights) if isinstance(weights, Mapping) else {}
            return tuple(float(named.get(name, 0.0)) for name in FEATURES)
        thresholds = data["thresholds"]
        assert isinstance(thresholds, Mapping)
        return cls(vector(data["evidence"]), vector(data["context"]), vector(data["kind"]),
                   float(thresholds["evidence"]), float(thresholds["context"]))

    def p_cite(self, x: Sequence[float]) -> float:
        return _sigmoid(_dot(self.evidence if is_evidence(x) else self.context, x))

    def keeps(self, x: Sequence[float], p: float) -> bool:
        return p >= (self.evidence_threshold if is_evidence(x) else self.context_threshold)

    def p_paraphrase(self, x: Sequence[float]) -> float:
        return _sigmoid(_dot(self.kind, x))


def _dot(weights: Sequence[float], x: Sequence[float]) -> float:
    """The weighted sum, left to right (map: the products are not made one by one in Python)."""
    if len(weights) != len(x):
        raise ValueError(f"{len(x)} features for {len(weights)} weights")
    return sum(map(operator.mul, weights, x))


def _sigmoid(z: float) -> float:
    if z < -60:
        return 0.0
    return 1.0 / (1.0 + math.exp(-z))


@cache
def shipped() -> Scorer:
    """The scorer whose weights ship with postlink (cite/weights.json)."""
    text = resources.files("postlink.cite").joinpath("weights.json").read_text(encoding="utf-8")
    return Scorer.from_weights(json.loads(text))

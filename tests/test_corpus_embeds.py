"""Gate: embed and post-link precision/recall on the real-page corpus must not drop.

Scores come from bench/embeds.py (pairs of page and post key), from extraction and through
add + audit JSON (the ``audit_*`` kinds, as users and the held-out check see them); floors are pinned in
tests/data/embeds_baseline.json. Skips when the corpus is not beside the repository.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType

import pytest

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "real" / "dev"
BASELINE = Path(__file__).parent / "data" / "embeds_baseline.json"
BENCH = Path(__file__).resolve().parents[1] / "bench" / "embeds.py"

pytestmark = pytest.mark.skipif(
    not (CORPUS / "labels.json").exists(),
    reason=f"real-page corpus not found at {CORPUS} (it lives outside the repo, in ../shared)",
)


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_embeds", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def scores() -> dict:
    return _bench().report(CORPUS, e2e=True)


FLOORS = [
    (kind, platform, metric, floor)
    for kind, per in json.loads(BASELINE.read_text("utf-8")).items() if not kind.startswith("_")
    for platform, metrics in per.items()
    for metric, floor in metrics.items()
]


@pytest.mark.parametrize(("kind", "platform", "metric", "floor"), FLOORS)
def test_no_drop_below_floor(scores: dict, kind: str, platform: str, metric: str, floor: float) -> None:
    got = scores[kind][platform][metric]
    assert got >= floor, f"{kind}/{platform} {metric} fell to {got:.3f} (floor {floor}); see bench/embeds.py --verbose"


def test_targets_of_issue_6(scores: dict) -> None:
    overall = scores["combined"]["overall"]
    assert overall["precision"] >= 0.98 and overall["recall"] >= 0.95
    for kind in ("embeds", "post_links"):
        for platform, s in scores[kind].items():
            if platform != "overall" and s["labelled"] >= 3:
                assert s["precision"] >= 0.9 and s["recall"] >= 0.9, (kind, platform, s)


def test_negative_pages_have_no_embeds_or_post_links(scores: dict) -> None:
    labels = json.loads((CORPUS / "labels.json").read_text("utf-8"))
    negatives = {name for name, lab in labels.items() if not lab["embeds"] and not lab["post_links"]}
    extra = scores["_errors"]["embeds"]["extra"] + scores["_errors"]["post_links"]["extra"]
    assert not [pair for pair in extra if pair[0] in negatives]


def test_every_corpus_embed_has_a_place_in_the_body() -> None:
    """Where trafilatura drops an embed with the container around it, the embed still gets the
    position of its neighbouring paragraph in the body (attribution relies on it)."""
    from postlink.extract.document import extract_html

    unplaced = []
    for page in sorted(CORPUS.glob("*.html")):
        doc = extract_html(page.read_bytes())
        unplaced += [f"{page.name}: {e.key}" for e in doc.embeds if e.position is None]
        assert all(0 <= e.position <= len(doc.text) for e in doc.embeds if e.position is not None)
    assert unplaced == []

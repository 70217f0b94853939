"""Precision and recall of embed and post-link detection on the real-page corpus.

    .venv/bin/python bench/embeds.py [CORPUS_DIR] [--e2e] [--json] [--verbose]

CORPUS_DIR defaults to ../shared/corpus/real/dev (labels.json beside the pages). A scored pair
is (page, post key): the labels' post URLs are turned into keys with ``parse_post_url``, the
same function the extractor uses, so a key-format change cannot hide a detection miss.
Embeds and post links are scored separately, then together (the union of both pair sets).

With citations.json beside the pages, it also counts the labelled citing sentences (each
citation's ``sentence_contains``, whitespace collapsed) found inside one extracted sentence:
a citing sentence the main text loses can never be cited. ``--verbose`` lists the lost ones.

``--e2e`` scores the same pairs as a user gets them: each page through ``add_article`` into a
fresh SQLite archive, then the audit JSON, whose posts say ``found.embedded`` and
``found.linked`` (kinds ``audit_embeds``, ``audit_post_links``, ``audit_combined``).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

from postlink.extract.document import extract_html
from postlink.extract.links import canonical_url
from postlink.pipeline import ArticleInput, add_article
from postlink.platforms import parse_post_url
from postlink.report.audit import build_audit
from postlink.store import Store

DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "real" / "dev"
Pair = tuple[str, str, str]  # (file, platform, key)


def label_key(url: str) -> tuple[str, str]:
    ref = parse_post_url(url)
    if ref is None:  # a label we cannot parse still counts, as an unmatched pair
        return "unparsed", f"unparsed:{url}"
    return ref.platform, ref.key


def _squeeze(text: str) -> str:
    return " ".join(text.split())


def collect(corpus: Path) -> tuple[dict[str, set[Pair]], dict[str, set[Pair]]]:
    """Labelled and found pairs; ``"citing"`` pairs are (page, "sentence", fragment)."""
    labels = json.loads((corpus / "labels.json").read_text(encoding="utf-8"))
    cites_path = corpus / "citations.json"
    cites = json.loads(cites_path.read_text(encoding="utf-8")) if cites_path.exists() else {}
    want: dict[str, set[Pair]] = {"embeds": set(), "post_links": set(), "citing": set()}
    got: dict[str, set[Pair]] = {"embeds": set(), "post_links": set(), "citing": set()}
    for name, label in sorted(labels.items()):
        for e in label["embeds"]:
            want["embeds"].add((name, *label_key(e["post_url"])))
        for href in label["post_links"]:
            want["post_links"].add((name, *label_key(href)))
        doc = extract_html((corpus / name).read_bytes(), url=label.get("url"))
        for emb in doc.embeds:
            got["embeds"].add((name, emb.platform, emb.key))
        for link in doc.post_links:
            got["post_links"].add((name, link.platform, link.key))
        sentences = [_squeeze(s.text) for s in doc.sentences]
        for c in cites.get(name, {}).get("citations", []):
            fragment = _squeeze(c["sentence_contains"])
            want["citing"].add((name, "sentence", fragment))
            if any(fragment in s for s in sentences):
                got["citing"].add((name, "sentence", fragment))
    want["combined"] = want["embeds"] | want["post_links"]
    got["combined"] = got["embeds"] | got["post_links"]
    return want, got


def through_audit(corpus: Path) -> dict[str, set[Pair]]:
    """Pairs from the audit JSON of each page added to a fresh archive (``--e2e``)."""
    labels = json.loads((corpus / "labels.json").read_text(encoding="utf-8"))
    got: dict[str, set[Pair]] = {"audit_embeds": set(), "audit_post_links": set()}
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "archive.db")
        for name, label in sorted(labels.items()):
            url = canonical_url(label.get("url") or f"https://corpus.invalid/{name}")
            add_article(store, ArticleInput(url, (corpus / name).read_bytes(), "html"))
            for post in build_audit(store, url)["posts"]:
                pair = (name, post["platform"], post["key"])
                if post["found"]["embedded"]:
                    got["audit_embeds"].add(pair)
                if post["found"]["linked"]:
                    got["audit_post_links"].add(pair)
        store.close()
    got["audit_combined"] = got["audit_embeds"] | got["audit_post_links"]
    return got


def score(want: set[Pair], got: set[Pair]) -> dict[str, float | int]:
    tp = len(want & got)
    return {
        "labelled": len(want), "found": len(got), "tp": tp,
        "precision": tp / len(got) if got else 1.0,
        "recall": tp / len(want) if want else 1.0,
    }


def report(corpus: Path, *, e2e: bool = False) -> dict[str, dict[str, dict[str, float | int]]]:
    want, got = collect(corpus)
    kinds = ["embeds", "post_links", "combined"]
    if e2e:
        got.update(through_audit(corpus))
        for kind in ("embeds", "post_links", "combined"):
            want[f"audit_{kind}"] = want[kind]
            kinds.append(f"audit_{kind}")
    out: dict[str, dict[str, dict[str, float | int]]] = {}
    for kind in kinds:
        per: dict[str, dict[str, float | int]] = {"overall": score(want[kind], got[kind])}
        platforms = defaultdict(lambda: (set(), set()))  # type: ignore[var-annotated]
        for pair in want[kind]:
            platforms[pair[1]][0].add(pair)
        for pair in got[kind]:
            platforms[pair[1]][1].add(pair)
        for platform, (w, g) in sorted(platforms.items()):
            per[platform] = score(w, g)
        out[kind] = per
    out["citing_sentences"] = {"overall": {  # recall only: every found one is labelled
        "labelled": len(want["citing"]), "found": len(got["citing"]),
        "recall": len(got["citing"]) / len(want["citing"]) if want["citing"] else 1.0}}
    out["_errors"] = {  # type: ignore[assignment]
        kind: {"missed": sorted(want[kind] - got[kind]), "extra": sorted(got[kind] - want[kind])}
        for kind in (*kinds, "citing")
    }
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--e2e", action="store_true", help="also score through add + audit JSON")
    parser.add_argument("--json", action="store_true", help="print the scores as JSON")
    parser.add_argument("--verbose", action="store_true", help="list missed and extra pairs")
    args = parser.parse_args()
    if not (args.corpus / "labels.json").exists():
        print(f"{args.corpus}: no labels.json here; pass the corpus folder", file=sys.stderr)
        return 2
    result = report(args.corpus, e2e=args.e2e)
    errors = result.pop("_errors")
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    print(f"{'kind':<16} {'platform':<12} {'labelled':>8} {'found':>6} {'tp':>4} {'P':>6} {'R':>6}")
    citing = result.pop("citing_sentences")["overall"]
    for kind, per in result.items():
        for platform, s in per.items():
            print(f"{kind:<16} {platform:<12} {s['labelled']:>8} {s['found']:>6} {s['tp']:>4} "
                  f"{s['precision']:>6.3f} {s['recall']:>6.3f}")
    print(f"citing sentences present in the extracted sentences: {citing['found']} of "
          f"{citing['labelled']} ({citing['recall']:.3f})")
    if args.verbose:
        for kind, errs in errors.items():  # type: ignore[union-attr]
            for what, pairs in errs.items():
                for pair in pairs:
                    print(f"{kind} {what}: {pair}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

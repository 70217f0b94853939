"""Every labelled article postlink is measured on, in one shape.

Three sets, each article its own cross-validation group:

- ``dev``: tests/data/citations, written for this project (fictional, in our own words);
- ``pages``: ../shared/corpus/real/dev, real HTML pages (citations.json);
- ``text``: ../shared/corpus/real/text, real plain-text excerpts with flattened posts.

``load(sets)`` extracts each article the way ``postlink add`` does and gives the posts the
archive would know; ``pair_labels`` turns its fragment labels into (post key, sentence index)
pairs. Missing shared folders are skipped (a user's clone has only ``dev``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from postlink.analysis import ArticleInput, _post_texts, extract
from postlink.cite.model import PostText
from postlink.extract.model import Document
from postlink.platforms import parse_post_url

ROOT = Path(__file__).resolve().parents[1]
DEV_DIR = ROOT / "tests" / "data" / "citations"
# Our own articles in other languages, quoting and translating English posts.
LANGUAGES_DIR = ROOT / "tests" / "data" / "citations-languages"
SHARED = ROOT.parent / "shared" / "corpus" / "real"
PAGES_DIR = SHARED / "dev"
TEXT_DIR = SHARED / "text"
KINDS = {".html": "html", ".htm": "html", ".txt": "text", ".md": "markdown"}
MIN_FRAGMENT = 15  # fragments are 15-50 characters: a shorter sentence can never be labelled
ALL_SETS = ("dev", "languages", "pages", "text")
CORPUS_SETS = ("pages", "text")  # the real third-party articles; the others are our own


@dataclass
class Labelled:
    """One article, its posts and its labels (fragments, not yet sentence indices)."""

    name: str  # "<set>/<file>": also the cross-validation group
    article: ArticleInput
    doc: Document
    posts: list[PostText]
    gold: list[tuple[str, str, str]]  # (post key, sentence fragment, kind)
    must_not: list[str] = field(default_factory=list)
    neutral: list[str] = field(default_factory=list)


@dataclass
class PairLabels:
    gold: dict[tuple[str, int], str]  # (post key, sentence index) -> kind
    skip: set[int]  # sentences that are not scored
    negative: dict[int, str]  # must-not-cite sentence index -> its fragment
    missing: list[str]  # fragments not found in one extracted sentence


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def sentence_hits(doc: Document, fragment: str) -> list[int]:
    """Indices of the sentences containing ``fragment`` (whitespace-insensitive)."""
    frag = squash(fragment)
    hits = [s.index for s in doc.sentences if frag in squash(s.text)]
    if not hits:  # the page's text nodes may join differently: compare without spaces
        bare = frag.replace(" ", "")
        hits = [s.index for s in doc.sentences if bare in s.text.replace(" ", "")]
    return hits


def pair_labels(item: Labelled) -> PairLabels:
    doc = item.doc
    labels = PairLabels({}, set(), {}, [])
    for key, fragment, kind in item.gold:
        hits = sentence_hits(doc, fragment)
        if len(hits) != 1:
            labels.missing.append(f"{item.name}: {kind} {fragment!r}")
            labels.gold.setdefault((key, -1 - len(labels.missing)), kind)  # counted, never found
            continue
        labels.gold.setdefault((key, hits[0]), kind)
    for fragment in item.neutral:
        labels.skip.update(sentence_hits(doc, fragment))
    labels.skip |= {s.index for s in doc.sentences if len(squash(s.text)) < MIN_FRAGMENT}
    for fragment in item.must_not:
        hits = sentence_hits(doc, fragment)
        if len(hits) == 1:
            labels.negative[hits[0]] = fragment
        else:
            labels.missing.append(f"{item.name}: (must_not_cite) {fragment!r}")
    return labels


def load(sets: Iterable[str] = ALL_SETS) -> list[Labelled]:
    loaders = {"dev": lambda: _hand_written(DEV_DIR, "dev"),
               "languages": lambda: _hand_written(LANGUAGES_DIR, "languages"), "pages": _pages, "text": _text}
    out: list[Labelled] = []
    for name in sets:
        out.extend(loaders[name]())
    return out


def available_sets() -> tuple[str, ...]:
    return tuple(s for s, d in (("dev", DEV_DIR), ("languages", LANGUAGES_DIR), ("pages", PAGES_DIR),
                                 ("text", TEXT_DIR)) if d.is_dir())


# -- the hand-written sets (dev, languages) ---------------------------------------------------
def _hand_written(folder: Path, set_name: str) -> list[Labelled]:
    labels = json.loads((folder / "labels.json").read_text(encoding="utf-8"))
    out = []
    for name, label in labels.items():
        if name.startswith("_"):
            continue
        path = folder / name
        article = ArticleInput(f"https://news.example/{path.stem}", path.read_bytes(), KINDS[path.suffix])
        doc = extract(article)
        known = {a["key"]: {"text": a["text"], "author_handle": a.get("author_handle"),
                            "author_name": a.get("author_name")} for a in label.get("archive", ())}
        linked = {ref.key for link in doc.links if (ref := parse_post_url(link.url))}
        posts = _post_texts(list(doc.embeds), {k: v for k, v in known.items() if k in linked})
        names: dict[str, str] = {}
        for short, ref in label["posts"].items():
            if "key" in ref:
                names[short] = ref["key"]
                continue
            keys = [e.key for e in doc.embeds if (e.author_handle or "").lower() == ref["handle"].lower()
                    and ref["contains"] in e.text]
            names[short] = keys[0] if keys else f"?{short}"
        gold = [(names[c["post"]], c["sentence_contains"], c["kind"]) for c in label["citations"]]
        out.append(Labelled(f"{set_name}/{name}", article, doc, posts, gold,
                            [m["sentence_contains"] for m in label.get("must_not_cite", ())],
                            [n["sentence_contains"] for n in label.get("neutral", ())]))
    return out


# -- real HTML pages -------------------------------------------------------------------------
def _page_key(platform: str, post_id: str, urls: dict[str, str]) -> str:
    if post_id in urls:
        return urls[post_id]
    return f"x:{post_id}" if platform == "x" else f"{platform}:{post_id}"


def _pages() -> list[Labelled]:
    if not (PAGES_DIR / "citations.json").is_file():
        return []
    labels = json.loads((PAGES_DIR / "labels.json").read_text(encoding="utf-8"))
    cites = json.loads((PAGES_DIR / "citations.json").read_text(encoding="utf-8"))
    out = []
    for name, page in sorted(cites.items()):
        meta = labels.get(name, {})
        urls: dict[str, str] = {}
        for url in [e["post_url"] for e in meta.get("embeds", ())] + list(meta.get("post_links", ())):
            ref = parse_post_url(url)
            if ref is not None:
                urls[ref.key.split(":", 1)[1].split("/")[-1]] = ref.key
        for e in meta.get("embeds", ()):
            ref = parse_post_url(e["post_url"])
            if ref is not None:
                urls[e["post_id"]] = ref.key
        article = ArticleInput(meta.get("url") or f"https://corpus.example/{name}",
                               (PAGES_DIR / name).read_bytes(), "html")
        doc = extract(article)
        posts = _post_texts(list(doc.embeds), {})
        have = {p.key for p in posts}
        for p in page["posts"]:  # posts the extractor missed are still known to the archive
            key = _page_key(p["platform"], p["post_id"], urls)
            if key not in have:
                posts.append(PostText(key, "", p.get("author_handle"), p.get("author_name")))
                have.add(key)
        platform = {p["post_id"]: p["platform"] for p in page["posts"]}
        gold = [(_page_key(platform.get(c["post_id"], "x"), c["post_id"], urls),
                 c["sentence_contains"], c["kind"]) for c in page["citations"]]
        out.append(Labelled(f"pages/{name}", article, doc, posts, gold,
                            [m["sentence_contains"] for m in page.get("must_not_cite", ())],
                            [n["sentence_contains"] for n in page.get("neutral", ())]))
    return out


# -- real plain-text excerpts ----------------------------------------------------------------
def _text_post_key(posts: list[PostText], handle: str, starts: str | None) -> str:
    """The extracted post a truth citation means: by handle, then by its first words."""
    mine = [p for p in posts if (p.author_handle or "").lower() == handle.lower()]
    if starts:
        want = squash(starts)[:40]
        mine = [p for p in mine if squash(p.text).startswith(want)] or \
               [p for p in mine if want[:20] in squash(p.text)]
    return mine[0].key if len(mine) == 1 else f"?{handle}:{starts or ''}"


def _text() -> list[Labelled]:
    if not TEXT_DIR.is_dir():
        return []
    out = []
    for truth_path in sorted(TEXT_DIR.glob("*.json")):
        truth = json.loads(truth_path.read_text(encoding="utf-8"))
        path = TEXT_DIR / truth["file"]
        article = ArticleInput(truth.get("source_url") or f"https://text.example/{path.stem}",
                               path.read_bytes(), "text")
        doc = extract(article)
        posts = _post_texts(list(doc.embeds), {})
        gold = [(_text_post_key(posts, c["author_handle"], c.get("post_text_starts")),
                 c["sentence_contains"], c["kind"]) for c in truth["citations"]]
        must_not = [m.get("sentence_contains") or m["quote"] for m in truth.get("must_not_cite", ())]
        out.append(Labelled(f"text/{truth['file']}", article, doc, posts, gold, must_not,
                            [n["sentence_contains"] for n in truth.get("neutral", ())]))
    return out

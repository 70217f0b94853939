"""Is every read bounded by what it returns? Build a synthetic archive of N posts through the
store's own API, then time the everyday reads (issue 15).

    .venv/bin/python bench/archive_scale.py --posts 100000 [--db PATH] [--seed 7]

The archive has the shape of a real one: ~4 embeds and 25-45 sentences per article, words
drawn from a Zipf distribution, popular posts embedded by many articles, short links with
their hops, ~3 citations and an unmatched quote per article. Reads run in process through the
CLI (CliRunner: the store is opened, queried and the output formatted, as a user's command
does minus interpreter start-up), median of 5:

- `audit ID --format json` of a random article (a different one each time);
- `posts KEY` of the most embedded post and of a typical post (first page);
- `search WORD` of a rare word (~50 hits) and of the most common word (first page).

The same reads are timed when the archive passes 10,000 posts, and each figure is printed as a
ratio to that baseline: a read bounded by its answer stays near 1.0 however big the archive.
Writing: ms per article of the store writes (per 1,000-article batch) near 10,000 posts and at
N, and of `add` (extract + cite + store, pipeline.add_article) of real test articles at both
points. The last line is ``archive_scale: posts=N audit_ms=X posts_ms=Y search_ms=Z``, each
the slowest case of its command.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from click.testing import CliRunner

from postlink.cli import cli
from postlink.store import Store

BASELINE_POSTS = 10_000
REPEATS = 5
VOCABULARY = 30_000
ZIPF_EXPONENT = 1.05
POPULAR_POSTS = 500  # posts that many articles embed, popularity itself Zipf-distributed
REUSE_SHARE = 0.2  # embeds that show a popular post rather than a new one
CITATIONS_DIR = Path(__file__).resolve().parents[1] / "tests" / "data" / "citations"


@dataclass
class Words:
    """A Zipf-distributed vocabulary and a count of how often each word was drawn."""

    rng: np.random.Generator
    vocab: list[str]
    weights: np.ndarray
    drawn: np.ndarray
    _pool: list[int] = field(default_factory=list)

    @classmethod
    def make(cls, seed: int, size: int = VOCABULARY) -> Words:
        rng = np.random.default_rng(seed)
        syllables = [c + v for c in "bdfghklmnprstvz" for v in "aeiou"]
        names: set[str] = set()
        picker = random.Random(seed)
        while len(names) < size:
            names.add("".join(picker.choice(syllables) for _ in range(picker.randint(2, 4))))
        weights = 1.0 / np.arange(1, size + 1) ** ZIPF_EXPONENT
        return cls(rng, sorted(names, key=lambda w: (len(w), w)), weights / weights.sum(),
                   np.zeros(size, dtype=np.int64))

    def draw(self, count: int) -> list[str]:
        if len(self._pool) < count:  # one weighted draw per million words, not per sentence
            picks = self.rng.choice(len(self.vocab), size=1_000_000, p=self.weights)
            self._pool.extend(picks.tolist())
        taken, self._pool[-count:] = self._pool[-count:], []
        for i in taken:
            self.drawn[i] += 1
        return [self.vocab[i] for i in taken]

    def sentence(self, low: int = 8, high: int = 24) -> str:
        words = self.draw(int(self.rng.integers(low, high + 1)))
        return " ".join(words).capitalize() + "."


@dataclass
class Built:
    """What the builder made: counts, and the write cost per batch of articles."""

    articles: int = 0
    posts: int = 0
    embeds_of: dict[str, int] = field(default_factory=dict)
    batch_ms: list[tuple[int, float]] = field(default_factory=list)  # (posts, ms per article)


def build_archive(store: Store, n_posts: int, *, seed: int = 7,
                  on_posts: Callable[[Built, Words], None] | None = None,
                  at_posts: int = BASELINE_POSTS, batch: int = 1000) -> tuple[Built, Words]:
    """Add articles until the archive holds ``n_posts`` posts; ``on_posts`` is called once
    when it passes ``at_posts`` (the baseline checkpoint)."""
    words = Words.make(seed)
    rng = random.Random(seed)
    built = Built()
    post_text: dict[str, str] = {}
    popular: list[str] = []
    popularity = [1.0 / (r + 1) for r in range(POPULAR_POSTS)]
    called = False
    started = time.perf_counter()
    while built.posts < n_posts:
        keys: list[str] = []
        for _ in range(rng.randint(2, 6)):
            if popular and rng.random() < REUSE_SHARE:
                key = rng.choices(popular, weights=popularity[:len(popular)])[0]
            elif built.posts < n_posts:
                key = f"x:{1_800_000_000_000_000_000 + built.posts}"
                built.posts += 1
                post_text[key] = " ".join(words.sentence(5, 20) for _ in range(rng.randint(1, 2)))
                if len(popular) < POPULAR_POSTS:
                    popular.append(key)
            else:
                continue
            if key not in keys:
                keys.append(key)
        if keys:
            _add_article(store, built.articles, keys, post_text, words, rng)
            built.articles += 1
            for key in keys:
                built.embeds_of[key] = built.embeds_of.get(key, 0) + 1
        if built.articles % batch == 0:
            elapsed = time.perf_counter() - started
            built.batch_ms.append((built.posts, elapsed * 1000 / batch))
            started = time.perf_counter()
        if on_posts and not called and built.posts >= at_posts:
            called = True
            on_posts(built, words)
            started = time.perf_counter()
    return built, words


def _add_article(store: Store, n: int, keys: list[str], post_text: dict[str, str],
                 words: Words, rng: random.Random) -> None:
    """One article through the store's write API, in one transaction as add_article does."""
    sentences = [words.sentence() for _ in range(rng.randint(25, 45))]
    cited = rng.sample(keys, min(len(keys), 3))
    quotes: list[tuple[int, str, str, int]] = []  # sentence index, post key, fragment, offset
    for key in cited:
        post_words = post_text[key].split()
        size = min(len(post_words), rng.randint(4, 8))
        first = rng.randint(0, len(post_words) - size)
        fragment = " ".join(post_words[first:first + size]).rstrip(".")
        idx = rng.randrange(len(sentences))
        sentences[idx] = f'"{fragment}," the author wrote.'
        quotes.append((idx, key, fragment, len(" ".join(post_words[:first])) + (first > 0)))
    unmatched_idx = rng.randrange(len(sentences))
    sentences[unmatched_idx] = f'Officials called it "{words.sentence(3, 6).rstrip(".")}" today.'
    spans, offset = [], 0
    for i, text in enumerate(sentences):
        spans.append((i, offset, offset + len(text), text))
        offset += len(text) + 1
    body = " ".join(sentences)
    short = [f"https://t.co/{n:x}{j}" for j in range(rng.randint(1, 3))]
    with store.transaction() as conn:
        saved = store.save_article(
            conn, url=f"https://news{n % 97}.example/{n}", original_url=None, input_path=None,
            title=words.sentence(4, 9), byline=None, published=f"2024-{1 + n % 12:02d}-01",
            content_sha256=f"{n:064x}", text=body, capture_id=None)
        store.add_sentences(conn, saved.version_id, spans)
        for i, key in enumerate(keys):
            store.upsert_post(conn, key=key, platform="x", permalink=f"https://x.com/a/status/{key[2:]}",
                              author_handle=f"user{int(key[2:]) % 5000}", author_name=None,
                              created_at=None, provisional=False)
            store.add_post_version(conn, post_key=key, text=post_text[key], truncated=False,
                                   source="embed")
            store.add_embed(conn, saved.version_id, i, post_key=key, markup="blockquote",
                            position=spans[min(i * 8, len(spans) - 1)][1], text=post_text[key],
                            truncated=False, date_text=None)
        store.add_links(conn, saved.version_id, [
            (url, url, "link", None, None, None, None) for url in short])
        store.replace_citations(conn, saved.version_id, [
            {"sentence_idx": idx, "post_key": key, "kind": "partial", "score": 0.8,
             "quote": fragment, "article_start": spans[idx][1] + 1,
             "article_end": spans[idx][1] + 1 + len(fragment), "post_start": at,
             "post_end": at + len(fragment), "diff": None, "beyond_truncation": 0}
            for idx, key, fragment, at in quotes], [
            {"sentence_idx": unmatched_idx, "quote": "quoted words", "article_start":
             spans[unmatched_idx][1], "article_end": spans[unmatched_idx][2]}])
    stamp = "2026-01-01T00:00:00+00:00"
    for url in short:
        store.save_short_link(url=url, status="resolved", final_url=f"https://news.example/{url[-6:]}",
                              canonical_url=None, error=None, checked_at=stamp,
                              expires_at="2027-01-01T00:00:00+00:00",
                              hops=[(url, f"https://bit.ly/{url[-6:]}", 301, "http", 5.0),
                                    (f"https://bit.ly/{url[-6:]}", None, 200, "http", 5.0)])


# -- reads ------------------------------------------------------------------------------------

def _cli_ms(db: Path, *args: str) -> float:
    started = time.perf_counter()
    result = CliRunner().invoke(cli, ["--db", str(db), *args])
    ms = (time.perf_counter() - started) * 1000
    if result.exit_code != 0:
        raise SystemExit(f"archive_scale: {' '.join(args)} failed: {result.output[-300:]}")
    return ms


def time_reads(db: Path, built: Built, words: Words, seed: int) -> dict[str, float]:
    """Median of REPEATS of each read, in ms."""
    rng = random.Random(seed)
    popular = max(built.embeds_of, key=lambda k: built.embeds_of[k])
    typical = rng.choice([k for k, n in built.embeds_of.items() if n == 1] or [popular])
    rare = words.vocab[int(np.argmin(np.abs(words.drawn - 50)))]  # ~50 sentences hold it
    common = words.vocab[int(np.argmax(words.drawn))]
    cases: dict[str, Callable[[], float]] = {
        "audit": lambda: _cli_ms(db, "audit", str(rng.randint(1, built.articles)), "--format",
                                 "json"),
        "posts popular": lambda: _cli_ms(db, "posts", popular),
        "posts typical": lambda: _cli_ms(db, "posts", typical),
        "search rare": lambda: _cli_ms(db, "search", rare),
        "search common": lambda: _cli_ms(db, "search", common),
    }
    return {name: statistics.median(run() for _ in range(REPEATS)) for name, run in cases.items()}


def add_ms(store: Store, count: int, tag: str) -> float:
    """Median ms of `add` (pipeline.add_article: extract, cite, store) of real test articles."""
    from postlink.pipeline import ArticleInput, add_article

    pages = sorted(CITATIONS_DIR.glob("*.html"))
    times = []
    for i in range(count):
        page = pages[i % len(pages)]
        article = ArticleInput(f"https://added.example/{tag}/{i}", page.read_bytes(), "html")
        started = time.perf_counter()
        add_article(store, article)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def _size_mb(db: Path) -> float:
    return sum(p.stat().st_size for p in db.parent.glob(db.name + "*")) / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--db", type=Path, help="archive to build (default: a temporary file)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or Path(tmp) / "archive.db"
        if db.exists():
            raise SystemExit(f"archive_scale: {db} exists; give a new path")
        store = Store(db)
        baseline: dict[str, float] = {}
        add_base: list[float] = []

        def checkpoint(built: Built, words: Words) -> None:
            baseline.update(time_reads(db, built, words, args.seed))
            add_base.append(add_ms(store, 20, "base"))
            print(f"baseline at {built.posts} posts, {built.articles} articles: "
                  + ", ".join(f"{k} {v:.1f} ms" for k, v in baseline.items()), flush=True)

        started = time.perf_counter()
        built, words = build_archive(store, args.posts, seed=args.seed, on_posts=checkpoint)
        build_s = time.perf_counter() - started
        store.maintain()
        reads = time_reads(db, built, words, args.seed)
        add_end = add_ms(store, 20, "end")
        _report(args.posts, built, build_s, _size_mb(db), baseline, reads, add_base, add_end)
        store.close()


def _report(n: int, built: Built, build_s: float, size_mb: float, baseline: dict[str, float],
            reads: dict[str, float], add_base: list[float], add_end: float) -> None:
    print(f"built {built.posts} posts in {built.articles} articles in {build_s:.0f}s; "
          f"archive {size_mb:.0f} MB, {size_mb * 1000 / built.articles:.2f} MB per 1,000 articles")
    print(f"{'read':<16}{'ms':>9}{'at 10k':>9}{'ratio':>7}")
    for name, ms in reads.items():
        base = baseline.get(name)
        ratio = f"{ms / base:7.2f}" if base else "      -"
        print(f"{name:<16}{ms:9.1f}{base or 0:9.1f}{ratio}")
    first = next((ms for posts, ms in built.batch_ms if posts >= BASELINE_POSTS), None)
    last = built.batch_ms[-1][1] if built.batch_ms else None
    if first and last:
        print(f"store writes, ms per article: {first:.2f} near {BASELINE_POSTS} posts, "
              f"{last:.2f} at {built.posts} ({last / first:.2f}x)")
    if add_base:
        print(f"add (extract + cite + store), ms per article: {add_base[0]:.1f} at "
              f"{BASELINE_POSTS} posts, {add_end:.1f} at {built.posts} ({add_end / add_base[0]:.2f}x)")
    audit = reads["audit"]
    posts = max(reads["posts popular"], reads["posts typical"])
    search = max(reads["search rare"], reads["search common"])
    print(f"archive_scale: posts={n} audit_ms={audit:.1f} posts_ms={posts:.1f} "
          f"search_ms={search:.1f}")


if __name__ == "__main__":
    sys.exit(main())

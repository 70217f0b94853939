"""Does cross-article linking scale? Synthesise posts and sentences, link them with the
shingle index (cite/index.py), and compare with a brute-force pass on a sample.

    .venv/bin/python bench/cite_scale.py [--posts 10000] [--sentences 200000]

Each size runs in a fresh process, so peak memory (ru_maxrss) is that run's alone. The
acceptance check: twice the data takes at most 2.3x the time.
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import resource
import sys
import time
from dataclasses import dataclass

from postlink.cite.compare import post_words
from postlink.cite.index import PostIndex, quote_matches

SAMPLE = 50  # sentences in the brute-force sample (it is slow: that is the point)
QUOTED_SHARE = 0.1  # sentences that quote a post


@dataclass(frozen=True)
class Run:
    posts: int
    sentences: int
    seconds: float
    matches: int
    planted: int
    brute_seconds_per_sentence: float
    peak_mb: float


def synthesise(n_posts: int, n_sentences: int, seed: int = 7) -> tuple[dict[str, str], list[tuple[int, str]], int]:
    rng = random.Random(seed)
    vocab = ["".join(rng.choice("abcdefghijklmnoprstuvwy") for _ in range(rng.randint(3, 9)))
             for _ in range(30000)]
    common = vocab[:200]  # frequent words, so shingles are not all unique

    def words(n: int) -> list[str]:
        return [rng.choice(common) if rng.random() < 0.4 else rng.choice(vocab) for _ in range(n)]

    posts = {f"x:{i}": " ".join(words(rng.randint(12, 40))) for i in range(n_posts)}
    keys = list(posts)
    sentences, planted = [], 0
    for sid in range(n_sentences):
        body = words(rng.randint(12, 30))
        if rng.random() < QUOTED_SHARE:
            source = posts[rng.choice(keys)].split()
            start = rng.randint(0, len(source) - 6)
            body.insert(rng.randint(0, len(body)), '"' + " ".join(source[start:start + 6]) + '"')
            planted += 1
        sentences.append((sid, " ".join(body) + "."))
    return posts, sentences, planted


def measure(n_posts: int, n_sentences: int, queue: multiprocessing.Queue) -> None:
    posts, sentences, planted = synthesise(n_posts, n_sentences)
    start = time.perf_counter()
    index = PostIndex()
    prepared = {}
    for key, text in posts.items():
        index.add(key, text)
        prepared[key] = post_words(text)
    matched = {(sid, key) for sid, key, _ in quote_matches(sentences, index, prepared)}
    seconds = time.perf_counter() - start

    from postlink.cite.compare import match_quote
    from postlink.cite.quotes import find_quotes

    sample = [s for s in sentences if '"' in s[1]][: SAMPLE // 5] + sentences[: SAMPLE - SAMPLE // 5]
    t0 = time.perf_counter()
    for _, text in sample:
        for quote in find_quotes(text, [(0, len(text))]):
            for pw in prepared.values():
                match_quote(quote.text, pw)
    brute = (time.perf_counter() - t0) / len(sample)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    queue.put(Run(n_posts, n_sentences, seconds, len(matched), planted, brute, peak))


def run(n_posts: int, n_sentences: int) -> Run:
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=measure, args=(n_posts, n_sentences, queue))
    proc.start()
    result = queue.get()
    proc.join()
    return result


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--sentences", type=int, default=200_000)
    args = parser.parse_args()
    runs = [run(args.posts, args.sentences), run(2 * args.posts, 2 * args.sentences)]
    print(f"{'posts':>7} {'sentences':>10} {'index+link s':>13} {'found/planted':>14} "
          f"{'peak MB':>8} {'brute force s (est.)':>21}")
    for r in runs:
        estimate = r.brute_seconds_per_sentence * r.sentences
        print(f"{r.posts:>7} {r.sentences:>10} {r.seconds:>13.1f} {r.matches:>7}/{r.planted:<6} "
              f"{r.peak_mb:>8.0f} {estimate:>21.0f}")
    ratio = runs[1].seconds / runs[0].seconds
    ok = ratio <= 2.3
    print(f"time ratio for twice the data: {ratio:.2f}x (limit 2.3x): {'ok' if ok else 'TOO SLOW'}")
    print(f"brute force / index at {runs[1].posts} posts: "
          f"{runs[1].brute_seconds_per_sentence * runs[1].sentences / runs[1].seconds:.0f}x")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

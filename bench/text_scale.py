"""Is plain-text extraction linear in its input? Hostile and large article shapes, each timed
at full size and at a tenth of it; the ratio of the two times should be about 10.

    .venv/bin/python bench/text_scale.py [--scale 1.0] [--only SHAPE] [--timeout 120]

Shapes (full size):
  sentences    a 5 MB article of 60,000 sentences in ordinary paragraphs
  quotes       a flood of quote marks: straight, curly, low-9 and guillemets, unbalanced
  brackets     a flood of Markdown brackets and half-written links (read as .md)
  attributions 20,000 flattened posts, each an attribution line under its text

For each shape it times the stages separately: extract_text (paragraphs, flattened posts,
body text, sentences), find_quotes over the body, and link_citations with the page's posts.
Each run happens in a fresh process with a time limit, so a quadratic stage shows as
"timeout" instead of stalling the bench.
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import sys
import time
from collections.abc import Callable

SHAPES: dict[str, Callable[[int, random.Random], tuple[str, bool]]] = {}


def shape(name: str) -> Callable[[Callable[[int, random.Random], tuple[str, bool]]],
                                  Callable[[int, random.Random], tuple[str, bool]]]:
    def register(fn: Callable[[int, random.Random], tuple[str, bool]]) -> Callable[[int, random.Random], tuple[str, bool]]:
        SHAPES[name] = fn
        return fn
    return register


_WORDS = ["harbour", "council", "vote", "bridge", "toll", "residents", "ferry", "crews", "union", "rota", "island", "terminal", "commuters", "morning", "statement", "timetable", "summer", "operator", "meeting", "week", "budget", "plan", "river", "flood", "library", "hours", "street", "station", "school", "market"]


def _sentence(rng: random.Random, words: int = 13) -> str:
    body = " ".join(rng.choice(_WORDS) for _ in range(words))
    return body[0].upper() + body[1:] + "."


@shape("sentences")
def _sentences(n: int, rng: random.Random) -> tuple[str, bool]:
    """n*60,000 sentences of ~85 characters, five to a paragraph (5 MB at n=1)."""
    count = int(60_000 * n)
    paras = [" ".join(_sentence(rng) for _ in range(5)) for _ in range(max(1, count // 5))]
    return "Headline of the long article\n\n" + "\n\n".join(paras), False


@shape("quotes")
def _quotes(n: int, rng: random.Random) -> tuple[str, bool]:
    """Paragraphs of words mixed with unbalanced quote marks of every kind."""
    marks = ['"', "“", "”", "„", "«", "»", "‹", "›", "‘", "’", "'", "‚"]
    paras = []
    for _ in range(max(1, int(200 * n))):
        pieces = []
        for _ in range(1_000):
            pieces.append(rng.choice(marks) + rng.choice(_WORDS) + rng.choice(marks + [" ", ".", ". "]))
        paras.append(" ".join(pieces))
    return "\n\n".join(paras), False


@shape("brackets")
def _brackets(n: int, rng: random.Random) -> tuple[str, bool]:
    """Markdown with runs of unclosed brackets, half links and real links."""
    kinds = ["[", "]", "](", "[[", "[x](", "(", ")", "[a](b", "[word](https://e.example/x)"]
    paras = []
    for _ in range(max(1, int(200 * n))):
        paras.append(" ".join(rng.choice(kinds) + rng.choice(_WORDS) for _ in range(2_000)))
    return "# Title\n\n" + "\n\n".join(paras), True


@shape("attributions")
def _attributions(n: int, rng: random.Random) -> tuple[str, bool]:
    """20,000 flattened posts (text line, then its attribution line), with prose between."""
    out = ["Headline of the live blog"]
    for i in range(int(20_000 * n)):
        handle = f"user{i % 997}"
        out.append(_sentence(rng, 18) + " " + _sentence(rng, 8))
        out.append(f"{_sentence(rng, 10)[:-1]} https://t.co/a{i}\n— User {i % 997} (@{handle}) March {1 + i % 28}, 2024")
    return "\n\n".join(out), False


def _stage_times(text: str, markdown: bool) -> dict[str, float]:
    from postlink.cite.match import PostText, link_citations
    from postlink.cite.quotes import find_quotes
    from postlink.extract.document import extract_text

    times = {}
    t0 = time.perf_counter()
    doc = extract_text(text, markdown=markdown)
    times["extract"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    find_quotes(doc.text, doc.paragraphs)
    times["quotes"] = time.perf_counter() - t0
    posts = {e.key: PostText(e.key, e.text, e.author_handle, e.author_name, e.truncated, e.url,
                             positions=(e.position,) if e.position is not None else ())
             for e in doc.embeds}
    t0 = time.perf_counter()
    link_citations(doc, list(posts.values()))
    times["link_citations"] = time.perf_counter() - t0
    times["sentences"] = len(doc.sentences)
    times["posts"] = len(doc.embeds)
    return times


def _child(name: str, n: float, queue: multiprocessing.Queue) -> None:
    text, markdown = SHAPES[name](n, random.Random(11))  # type: ignore[arg-type]
    times = _stage_times(text, markdown)
    times["mb"] = len(text.encode()) / 1e6
    queue.put(times)


def run(name: str, n: float, timeout: float) -> dict[str, float] | None:
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=_child, args=(name, n, queue))
    proc.start()
    proc.join(timeout)
    if proc.is_alive():
        proc.terminate()
        proc.join()
        return None
    return queue.get() if not queue.empty() else None


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the full sizes")
    parser.add_argument("--only", choices=sorted(SHAPES), action="append")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds per run")
    args = parser.parse_args()
    stages = ("extract", "quotes", "link_citations")
    print(f"{'shape':<13} {'MB':>6} {'sent.':>7} {'posts':>6} "
          + " ".join(f"{s + ' s':>15} {'ratio':>6}" for s in stages))
    worst = 0.0
    for name in args.only or SHAPES:
        small = run(name, args.scale / 10, args.timeout)
        full = run(name, args.scale, args.timeout)
        if full is None or small is None:
            print(f"{name:<13} timeout after {args.timeout:.0f} s ({'full' if small else 'tenth'} size)")
            worst = float("inf")
            continue
        cells = []
        for s in stages:
            ratio = full[s] / max(small[s], 1e-4)
            if full[s] > 0.05:  # ratios of a few milliseconds are noise
                worst = max(worst, ratio)
            cells.append(f"{full[s]:>15.2f} {ratio:>6.1f}")
        print(f"{name:<13} {full['mb']:>6.1f} {full['sentences']:>7.0f} {full['posts']:>6.0f} " + " ".join(cells))
    print(f"worst ratio (full / tenth, stages over 50 ms): {worst:.1f} (linear is about 10)")
    return 0 if worst <= 15 else 1


if __name__ == "__main__":
    sys.exit(main())

"""Speed and memory of the full extraction, against baselines measured in the same run.

    .venv/bin/python bench/extract.py [CORPUS_DIR] [--repeat N] [--profile]

Over every page of the corpus (default ../shared/corpus/real/dev/*.html), in one process:
- ``lxml.html.fromstring`` alone (the cost of one parse),
- ``trafilatura.extract`` alone, default settings, string input,
- ``postlink.extract.document.extract_html`` (main text, sentences, embeds, post links),
then prints pages per second and the ratio of each to trafilatura, and where extract_html's
time goes, stage by stage (each stage's function timed in place, inside the same calls).
The three run in turn, one pass each per round, for ``--repeat`` rounds; the figures are
medians, and the ratio is the median of each round's own ratio: on a shared, noisy machine
a burst of load then slows both sides of one ratio, not one side of the comparison.
Peak memory (tracemalloc) is measured for N and 2N pages (the corpus once and twice over): it
should not grow with N. ``--profile`` adds a cProfile breakdown of extract_html by function.
``--shapes`` times hostile page shapes (one line, no newlines: thousands of paragraphs, post
links, embeds, one huge text, a sidebar full of links) at a size and at ten times it: a ratio
near 10 is linear time. trafilatura.extract is timed on the same pages beside it, because
part of the growth is its own.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import pstats
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path
from unittest import mock

import lxml.html
import trafilatura

from postlink.extract import document
from postlink.extract.decode import decode_bytes
from postlink.extract.document import extract_html

DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "real" / "dev"


def interleaved(fns: Sequence[Callable[[str], object]], pages: Sequence[str],
                rounds: int) -> list[list[float]]:
    """Seconds of one pass of each of ``fns`` over ``pages``, in turn, for each round."""
    out: list[list[float]] = []
    for _ in range(rounds):
        row = []
        for fn in fns:
            gc.collect()
            start = time.perf_counter()
            for page in pages:
                fn(page)
            row.append(time.perf_counter() - start)
        out.append(row)
    return out


def timed(fn: Callable[[str], object], pages: Sequence[str], repeat: int) -> float:
    """Best-of-``repeat`` seconds for one pass of ``fn`` over ``pages``."""
    best = float("inf")
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        for page in pages:
            fn(page)
        best = min(best, time.perf_counter() - start)
    return best


def peak_memory(fn: Callable[[str], object], pages: Sequence[str]) -> int:
    gc.collect()
    tracemalloc.start()
    for page in pages:
        fn(page)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


# The stages of extract_html: (label, object, attribute) of the function each one calls. What
# is left (body check, embed markers, positions, post-link offsets) is reported as "other".
STAGES = (
    ("parse (lxml)", document.lxml.html, "document_fromstring"),
    ("embeds", document, "find_candidates"),
    ("post links", document, "find_post_links"),
    ("trafilatura.bare_extraction", document.trafilatura, "bare_extraction"),
    ("body region", document, "BodyRegion"),
    ("missed paragraphs", document, "_add_missed_paragraphs"),
    ("body text builder", document._BodyBuilder, "feed_tree"),
    ("sentences", document, "split_sentences"),
    ("metadata", document, "_metadata"),
)


@contextmanager
def stage_timers(totals: dict[str, float]) -> Iterator[None]:
    """Wrap each stage's function so that calls add their wall time to ``totals[label]``."""
    def timing(label: str, real: Callable[..., object]) -> Callable[..., object]:
        def wrapper(*args: object, **kwargs: object) -> object:
            start = time.perf_counter()
            try:
                return real(*args, **kwargs)
            finally:
                totals[label] += time.perf_counter() - start
        return wrapper

    with ExitStack() as stack:
        for label, owner, name in STAGES:
            totals.setdefault(label, 0.0)
            stack.enter_context(mock.patch.object(owner, name, timing(label, getattr(owner, name))))
        yield


def stage_times(pages: Sequence[str], repeat: int) -> tuple[float, dict[str, float]]:
    """Best-of-``repeat`` seconds per pass of extract_html, and of each stage within it."""
    best_total = float("inf")
    best: dict[str, float] = {}
    for _ in range(repeat):
        totals: dict[str, float] = {}
        gc.collect()
        with stage_timers(totals):
            start = time.perf_counter()
            for page in pages:
                extract_html(page)
            total = time.perf_counter() - start
        best_total = min(best_total, total)
        for label, t in totals.items():
            best[label] = min(best.get(label, float("inf")), t)
    best["other"] = max(0.0, best_total - sum(best.values()))
    return best_total, best


def count_parses(pages: Sequence[str]) -> int:
    """How many times extract_html parses HTML, over all pages (should equal len(pages))."""
    calls = 0
    real = lxml.html.document_fromstring

    def counting(*args: object, **kwargs: object) -> object:
        nonlocal calls
        calls += 1
        return real(*args, **kwargs)  # type: ignore[arg-type]

    with mock.patch("postlink.extract.document.lxml.html.document_fromstring", counting):
        for page in pages:
            extract_html(page)
    return calls


_PROSE = "<p>The harbour board voted on Monday to extend the ferry timetable into the evening. </p>"
SHAPES: dict[str, Callable[[int], str]] = {
    "paragraphs": lambda n: _PROSE * n,
    "post links": lambda n: "".join(
        f"<p>As <a href='https://x.com/a_ex/status/{1740000000000000000 + i}'>posted</a>, the board "
        "voted on Monday to extend the timetable.</p>" for i in range(n)),
    "embeds": lambda n: "".join(
        _PROSE + f'<blockquote class="twitter-tweet"><p>x</p>&mdash; A (@a_ex) <a href="https://'
        f'twitter.com/a_ex/status/{1740000000000000000 + i}">Dec 1, 2023</a></blockquote>' for i in range(n)),
    "one huge text": lambda n: "<p>" + "word and more words. " * (5 * n) + "</p>",
    "sidebar of links": lambda n: _PROSE * 20 + "<div class='sidebar'>" + "".join(
        f"<a href='https://x.com/a_ex/status/{1740000000000000000 + i}'>p</a>" for i in range(n)) + "</div>",
}


def shapes(n: int) -> None:
    """Seconds for each shape at n and 10n units, ours and trafilatura's, and the ratios."""
    print(f"{'shape':<18} {'MB':>6} {'ours s':>8} {'10x MB':>7} {'ours s':>8} {'ratio':>6}   "
          f"{'trafilatura s':>13} {'10x s':>7} {'ratio':>6}")
    for name, build in SHAPES.items():
        small, big = (f"<html><body><article>{build(k)}</article></body></html>" for k in (n, 10 * n))
        ours = [timed(extract_html, [p], 1) for p in (small, big)]
        trafi = [timed(trafilatura.extract, [p], 1) for p in (small, big)]
        print(f"{name:<18} {len(small) / 1e6:>6.2f} {ours[0]:>8.3f} {len(big) / 1e6:>7.2f} {ours[1]:>8.3f} "
              f"{ours[1] / ours[0]:>6.1f}   {trafi[0]:>13.3f} {trafi[1]:>7.3f} {trafi[1] / trafi[0]:>6.1f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--repeat", type=int, default=7,
                        help="rounds (medians count); stage times are the best of them")
    parser.add_argument("--profile", action="store_true", help="print a cProfile breakdown")
    parser.add_argument("--shapes", type=int, metavar="N", nargs="?", const=3000,
                        help="only time hostile page shapes at N and 10N units (default 3000)")
    args = parser.parse_args()
    if args.shapes:
        shapes(args.shapes)
        return 0
    files = sorted(args.corpus.glob("*.html"))
    if not files:
        print(f"{args.corpus}: no .html pages here; pass the corpus folder", file=sys.stderr)
        return 2
    # Decoding is done once up front so that all three measure the same str input.
    pages = [decode_bytes(f.read_bytes(), what=f.name) for f in files]
    size_mb = sum(len(p.encode("utf-8")) for p in pages) / 1e6

    def ours(page: str) -> object:
        return extract_html(page)

    def bare_parse(page: str) -> object:
        return lxml.html.fromstring(page)

    def trafi(page: str) -> object:
        return trafilatura.extract(page)

    for fn in (ours, bare_parse, trafi):  # warm caches, imports and lazy regex compilation
        fn(pages[0])
    rounds = interleaved((bare_parse, trafi, ours), pages, args.repeat)
    t_parse, t_trafi, t_ours = (statistics.median(r[i] for r in rounds) for i in range(3))
    n = len(pages)
    print(f"pages: {n} ({size_mb:.1f} MB of HTML), medians of {args.repeat} interleaved rounds")
    print(f"{'step':<34} {'seconds':>8} {'pages/s':>8} {'vs trafilatura':>15}")
    for i, (label, t) in enumerate((("lxml.html.fromstring (bare parse)", t_parse),
                                    ("trafilatura.extract (default)", t_trafi),
                                    ("postlink extract_html (full)", t_ours))):
        ratio = statistics.median(r[i] / r[1] for r in rounds)
        print(f"{label:<34} {t:>8.3f} {n / t:>8.1f} {ratio:>15.2f}")
    spread = sorted(r[2] / r[1] for r in rounds)
    print(f"extract_html / trafilatura.extract per round: {spread[0]:.2f} .. {spread[-1]:.2f}; "
          f"extract_html / bare parse: {t_ours / t_parse:.2f}x")
    _, stages = stage_times(pages, args.repeat)
    print(f"extract_html by stage (best of {args.repeat} each; timers add a little):")
    for label, t in stages.items():
        print(f"  {label:<32} {t:>8.3f} {'':>8} {t / t_trafi:>15.2f}")
    print(f"HTML parses by extract_html: {count_parses(pages)} for {n} pages")
    peak_n = peak_memory(ours, pages)
    peak_2n = peak_memory(ours, pages + pages)
    print(f"peak memory (tracemalloc): {peak_n / 1e6:.1f} MB for {n} pages, "
          f"{peak_2n / 1e6:.1f} MB for {2 * n} pages (Python allocations; libxml2's own are not traced)")
    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        for page in pages:
            extract_html(page)
        profiler.disable()
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(25)
        print(out.getvalue())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

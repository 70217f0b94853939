"""`postlink export` of an archive with raw captures: MB/s, peak memory, WARC size (issue 13).

    .venv/bin/python bench/export.py [--articles 1000] [--seed 7]

Builds an archive of N synthetic articles through the archive's own write path: each page is
one raw exchange (Store.log_fetch, as the client logs it) and then ``add_article`` stores and
cites it; every fifth article is fetched once more unchanged (a revisit in the WARC), and each
has a short-link exchange. Then, each in a fresh process so its peak RSS is its own:

- ``baseline``: read every stored body back (zlib) and gzip it to a file: the least any
  export of these bytes must do;
- ``warc``: ``postlink export --format warc`` (.warc.gz), ``wacz`` and ``jsonl``;
- the same WARC export of a quarter of the articles, to show memory does not grow with them.

Prints seconds, MB/s of output, peak RSS, the export's time over the baseline's, and the
WARC's size against the bytes the archive stores (bodies and captures, compressed).
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
import zlib
from datetime import UTC, datetime
from pathlib import Path

_VOCABULARY = ("council harbour bridge ferry budget vote residents crews union timetable plan "
         "district library river flood school hospital road station market festival weekday "
         "morning evening meeting report mayor councillor operator passengers commuters "
         "engineers teachers nurses drivers families students shops rates tolls grant")
WORDS = tuple(_VOCABULARY.split())


def page(rng: random.Random, n: int) -> bytes:
    def sentence(k: int) -> str:
        words = [rng.choice(WORDS) for _ in range(k)]
        return words[0].capitalize() + " " + " ".join(words[1:]) + "."

    quote = " ".join(rng.choice(WORDS) for _ in range(8))
    paragraphs = "".join(f"<p>{sentence(14)} {sentence(11)} {sentence(9)}</p>" for _ in range(10))
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>Story {n}</title></head>"
            f"<body><header><nav><a href='/'>Home</a> <a href='/news'>News</a></nav></header>"
            f"<article><h1>Story {n}: {sentence(6)}</h1>{paragraphs}"
            f"<blockquote class='twitter-tweet'><p lang='en' dir='ltr'>{quote.capitalize()} and "
            f"more to say about it.</p>&mdash; City Desk (@citydesk) <a href='https://twitter.com/"
            f"citydesk/status/{1849000000000000000 + n}'>October 20, 2024</a></blockquote>"
            f"<p>The city desk wrote that \u201c{quote}\u201d on Monday. See "
            f"<a href='https://t.co/b{n:07d}'>the notice</a>.</p></article>"
            f"<footer><p>Related stories</p></footer></body></html>").encode()


def build(db: Path, articles: int, seed: int) -> float:
    from postlink.net.exchange import Exchange
    from postlink.pipeline import ArticleInput, add_article
    from postlink.store import Store

    rng = random.Random(seed)
    store = Store(db)
    started = time.monotonic()
    headers = (("Content-Type", "text/html; charset=utf-8"), ("Content-Encoding", "gzip"))
    sent = (("Host", "news.example"), ("User-Agent", "postlink/bench"),
            ("Accept-Encoding", "gzip, deflate"))
    for n in range(articles):
        url = f"https://news.example/2024/story-{n}"
        body = page(rng, n)
        for _ in range(2 if n % 5 == 0 else 1):
            at = datetime.now(UTC).isoformat(timespec="microseconds")
            store.log_fetch(Exchange(url, at, "GET", sent, 200, "OK", "HTTP/1.1",
                                     (*headers, ("Content-Length", str(len(body) // 3))), body))
            add_article(store, ArticleInput(url, body, "html", original_url=url, status=200,
                                            headers=dict(headers), fetched=(url,)))
        short = f"https://t.co/b{n:07d}"
        store.log_fetch(Exchange(short, datetime.now(UTC).isoformat(timespec="microseconds"),
                                 "GET", (("Host", "t.co"),), 301, "Moved Permanently",
                                 "HTTP/1.1", (("Location", url),), b""))
    store.close()
    return time.monotonic() - started


def child(db: str, what: str, out: str, limit: int) -> None:
    """One measured run; prints JSON with seconds and peak RSS (KiB)."""
    from postlink.store import Store

    store = Store(db)
    traced = what.endswith("+heap")  # Python's own allocations, SQLite's page cache left out
    what = what.removesuffix("+heap")
    if traced:
        tracemalloc.start()
    started = time.monotonic()
    if what == "baseline":
        with gzip.open(out, "wb", compresslevel=6) as f:
            for row in store.iter_query("SELECT body FROM bodies ORDER BY id"):
                f.write(zlib.decompress(row["body"]))
    else:
        from postlink.export import export_archive

        articles = [str(i) for i in range(1, limit + 1)] if limit else []
        export_archive(store, what, out, articles=articles)
    seconds = time.monotonic() - started
    heap = tracemalloc.get_traced_memory()[1] // 1024 if traced else 0
    print(json.dumps({"seconds": seconds, "rss_kib": peak_rss_kib(), "heap_kib": heap}))


def peak_rss_kib() -> int:
    """This process's peak RSS. Not getrusage's ru_maxrss: Linux carries that over exec from
    the parent, so every child would report the builder's peak."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def measure(db: Path, what: str, out: Path, limit: int = 0) -> dict[str, float]:
    done = subprocess.run([sys.executable, __file__, "--child", str(db), what, str(out),
                           str(limit)], capture_output=True, text=True, check=True)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["bytes"] = out.stat().st_size
    return result


def stored_bytes(db: Path) -> dict[str, int]:
    from postlink.store import Store

    store = Store(db)
    row = store.query("SELECT (SELECT sum(length(body)) FROM bodies) AS bodies,"
                      " (SELECT sum(length(body)) FROM captures) AS captures,"
                      " (SELECT sum(size) FROM bodies) AS raw")[0]
    store.close()
    return {**row, "file": db.stat().st_size}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        db, what, out, limit = args.child
        child(db, what, out, int(limit))
        return
    with tempfile.TemporaryDirectory(prefix="postlink-bench-export-") as tmp:
        folder = Path(tmp)
        db = folder / "archive.db"
        build_s = build(db, args.articles, args.seed)
        sizes = stored_bytes(db)
        print(f"archive: {args.articles} articles, built in {build_s:.1f}s; file "
              f"{sizes['file'] / 1e6:.2f} MB; bodies {sizes['raw'] / 1e6:.2f} MB raw, "
              f"{sizes['bodies'] / 1e6:.2f} MB stored; captures {sizes['captures'] / 1e6:.2f} MB")
        runs = {
            "baseline (gunzip+gzip bodies)": measure(db, "baseline", folder / "base.gz"),
            "warc": measure(db, "warc", folder / "all.warc.gz"),
            f"warc, {args.articles // 4} articles": measure(db, "warc", folder / "q.warc.gz",
                                                            args.articles // 4),
            "wacz": measure(db, "wacz", folder / "all.wacz"),
            "jsonl": measure(db, "jsonl", folder / "all.jsonl"),
        }
        print(f"{'run':32} {'s':>7} {'MB out':>8} {'MB/s':>7} {'peak RSS MB':>12}")
        for name, r in runs.items():
            print(f"{name:32} {r['seconds']:7.2f} {r['bytes'] / 1e6:8.2f} "
                  f"{r['bytes'] / 1e6 / r['seconds']:7.2f} {r['rss_kib'] / 1024:12.1f}")
        base, warc = runs["baseline (gunzip+gzip bodies)"], runs["warc"]
        quarter = runs[f"warc, {args.articles // 4} articles"]
        stored = sizes["bodies"] + sizes["captures"]
        heap_all = measure(db, "warc+heap", folder / "h.warc.gz")["heap_kib"]
        heap_quarter = measure(db, "warc+heap", folder / "hq.warc.gz", args.articles // 4)["heap_kib"]
        print(f"warc / baseline time: {warc['seconds'] / base['seconds']:.2f}x")
        print(f"peak RSS, all / a quarter of the articles: "
              f"{warc['rss_kib'] / quarter['rss_kib']:.2f}x (SQLite's page cache grows with the "
              f"pages read, up to the store's 64 MiB cache_size); Python heap peak "
              f"{heap_all / 1024:.1f} MB / {heap_quarter / 1024:.1f} MB = "
              f"{heap_all / heap_quarter:.2f}x (flat: ~1.0)")
        print(f"warc.gz size / archive's stored bodies+captures: {warc['bytes'] / stored:.2f}x;"
              f" / archive file: {warc['bytes'] / sizes['file']:.2f}x")
        print(f"export: articles={args.articles} warc_mb_s={warc['bytes'] / 1e6 / warc['seconds']:.2f}"
              f" peak_rss_mb={warc['rss_kib'] / 1024:.1f}")


if __name__ == "__main__":
    main()

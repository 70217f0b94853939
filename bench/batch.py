"""`postlink batch` on this machine: pages/s with 1 and 2 Dask workers, against the same pages
in one process (issue 16).

    .venv/bin/python bench/batch.py [--pages N] [--archive] [--seed 7]

Builds a WARC of N synthetic articles (site chrome, 12 paragraphs, two X embeds quoted
verbatim, a quote of another source, a short link; every page's words differ), then runs the
same pages three ways into the same kind of writer:

- ``one process``: read the WARC, analyse each page (batch.work.analyse_page), write; no Dask;
- ``1 worker`` and ``2 workers``: ``run_batch`` on a LocalCluster of worker processes.

The writer is Parquet shards (``--output``, the mode for big runs) unless ``--archive``, which
writes the SQLite archive instead (its writes run in the client process, beside the workers).
Cluster start-up is timed apart and left out of pages/s. Prints the speed-up of 2 workers over
1 (target >= 1.7) and the per-page overhead of 1 worker over one process (target < 10%), and
the peak RSS of each worker process. The machine has 2 cores, shared: the client (reading,
writing, the scheduler) runs on them too.
"""

from __future__ import annotations

import argparse
import io
import random
import resource
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from postlink.batch.cluster import open_client
from postlink.batch.inputs import Page, expand_inputs, read_items
from postlink.batch.run import run_batch
from postlink.batch.shards import ShardWriter
from postlink.batch.work import analyse_page
from postlink.batch.writer import ArchiveWriter
from postlink.config import Config
from postlink.store import Store

_VOCABULARY = """council harbour bridge ferry budget vote residents crews union timetable plan
    district library river flood school hospital road station market festival weekday morning
    evening meeting report spokesperson mayor councillor operator passengers commuters engineers
    teachers nurses drivers families students shops rates tolls grant deadline repairs closure
    opening season summer winter autumn"""
WORDS = tuple(_VOCABULARY.split())
CHROME = ("<header><nav><a href='/'>Home</a> <a href='/news'>News</a> <a href='/sport'>Sport</a>"
          " <a href='/weather'>Weather</a></nav></header>")
FOOTER = ("<footer><p>Related stories</p><ul><li><a href='/a'>Other news</a></li><li>"
          "<a href='/b'>More news</a></li></ul><p>© The Example Gazette</p></footer>")


def _sentence(rng: random.Random, n: int) -> str:
    words = [rng.choice(WORDS) for _ in range(n)]
    return words[0].capitalize() + " " + " ".join(words[1:]) + "."


def article(i: int, rng: random.Random) -> bytes:
    """One synthetic news page of our own words, with two quoted X embeds."""
    posts = [" ".join(_sentence(rng, 9) for _ in range(2)) for _ in range(2)]
    paras = [" ".join(_sentence(rng, rng.randint(10, 18)) for _ in range(3)) for _ in range(12)]
    body = []
    for j, para in enumerate(paras):
        body.append(f"<p>{para}</p>")
        if j in (3, 8):
            k = 0 if j == 3 else 1
            status = 1800000000000000000 + i * 2 + k
            body.append(
                f"<blockquote class='twitter-tweet'><p>{posts[k]} https://t.co/ab{i}x{k}</p>"
                f"&mdash; Desk {k} (@desk{i % 97}x{k}) <a href='https://twitter.com/desk{i % 97}x{k}"
                f"/status/{status}'>May 14, 2024</a></blockquote>")
            first = posts[k].split(".")[0]
            body.append(f"<p>The desk wrote that “{first.lower()}.” A spokesperson told the "
                        f"Gazette it was “{_sentence(rng, 6)[:-1].lower()}.”</p>")
    title = _sentence(rng, 7)[:-1]
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title></head>"
            f"<body>{CHROME}<article><h1>{title}</h1>{''.join(body)}</article>{FOOTER}"
            "</body></html>").encode()


def build_warc(path: Path, pages: int, seed: int) -> None:
    rng = random.Random(seed)
    headers = [("Content-Type", "text/html; charset=utf-8")]
    with path.open("wb") as f:
        writer = WARCWriter(f, gzip=True)
        for i in range(pages):
            body = article(i, rng)
            writer.write_record(writer.create_warc_record(
                f"https://gazette.example/news/{i}", "response", payload=io.BytesIO(body),
                length=len(body),
                http_headers=StatusAndHeaders("200 OK", headers, protocol="HTTP/1.1")))


def make_writer(kind: str, where: Path) -> ShardWriter | ArchiveWriter:
    return ArchiveWriter(Store(where / "a.db")) if kind == "archive" else ShardWriter(where)


def one_process(files: list[Path], kind: str, where: Path) -> tuple[float, float, int]:
    """The same pages with no cluster: read, analyse, write in chunks, in this process.
    Returns wall seconds, CPU seconds and pages."""
    writer = make_writer(kind, where)
    started, cpu = time.perf_counter(), time.process_time()
    done, chunk = 0, list[Page]()
    for item in read_items(files, Config()):
        if isinstance(item, Page):
            chunk.append(item)
        if len(chunk) == 16:
            done += len(writer.write([(p, analyse_page(p.article)) for p in chunk]))
            chunk = []
    done += len(writer.write([(p, analyse_page(p.article)) for p in chunk]))
    writer.close()
    return time.perf_counter() - started, time.process_time() - cpu, done


class Silent:
    def started(self, total_bytes: int, workers: int, dashboard: str | None) -> None:
        pass

    def advance(self, size: int, *, status: str, where: str = "", error: str = "") -> None:
        pass


def _usage() -> tuple[float, float]:
    """(CPU seconds, peak RSS in MB) of the process this runs in (a worker)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


@dataclass(frozen=True)
class ClusterRun:
    seconds: float
    ready: float  # cluster start-up, left out of ``seconds``
    pages: int
    client_cpu: float  # reading, scheduling, writing: the client process
    worker_cpu: float  # all workers together
    peaks: list[float]  # peak RSS of each worker, MB


def on_cluster(files: list[Path], kind: str, where: Path, workers: int) -> ClusterRun:
    started = time.perf_counter()
    with open_client(None, workers) as client:
        client.wait_for_workers(workers)
        ready = time.perf_counter() - started
        before = client.run(_usage)
        writer = make_writer(kind, where)
        cpu = time.process_time()
        summary = run_batch(files, Config(), writer, client, progress=Silent())
        client_cpu = time.process_time() - cpu
        after = client.run(_usage)
    if summary.failed:
        sys.exit(f"bench: {len(summary.failed)} pages failed: {summary.failed[:3]}")
    return ClusterRun(summary.seconds, ready, summary.pages, client_cpu,
                      sum(after[w][0] - before[w][0] for w in after),
                      sorted(after[w][1] for w in after))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--archive", action="store_true", help="write SQLite, not shards")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    kind = "archive" if args.archive else "shards"
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        warc = root / "pages.warc.gz"
        t = time.perf_counter()
        build_warc(warc, args.pages, args.seed)
        print(f"WARC of {args.pages} pages: {warc.stat().st_size / 1e6:.1f} MB "
              f"(built in {time.perf_counter() - t:.1f}s); writer: {kind}")
        files = expand_inputs([str(warc)])
        (root / "p").mkdir()
        base, base_cpu, n = one_process(files, kind, root / "p")
        print(f"one process : {base:7.1f}s  {n / base:6.1f} pages/s  "
              f"CPU {base_cpu / n * 1000:.1f} ms/page")
        runs = {}
        for workers in (1, 2):
            out = root / f"w{workers}"
            out.mkdir()
            run = runs[workers] = on_cluster(files, kind, out, workers)
            print(f"{workers} worker(s): {run.seconds:7.1f}s  {run.pages / run.seconds:6.1f} "
                  f"pages/s  CPU {run.worker_cpu / run.pages * 1000:.1f} ms/page in workers + "
                  f"{run.client_cpu / run.pages * 1000:.1f} in the client (cluster ready in "
                  f"{run.ready:.1f}s; peak RSS per worker "
                  f"{', '.join(f'{p:.0f}' for p in run.peaks)} MB)")
        speedup = runs[1].seconds / runs[2].seconds
        overhead = runs[1].seconds / base - 1
        cpu_overhead = (runs[1].worker_cpu + runs[1].client_cpu) / base_cpu - 1
        print(f"2 workers / 1 worker: {speedup:.2f}x pages/s (target >= 1.7)")
        print(f"1 worker vs one process: {overhead * 100:+.1f}% wall time per page, "
              f"{cpu_overhead * 100:+.1f}% CPU per page (target < 10%)")
        print(f"batch: pages={args.pages} writer={kind} speedup={speedup:.2f} "
              f"overhead={overhead * 100:.1f}% cpu_overhead={cpu_overhead * 100:.1f}%")
    return 0


if __name__ == "__main__":
    sys.exit(main())

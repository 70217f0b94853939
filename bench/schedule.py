"""`run --once` against a loopback site: first run vs the politeness bound, second vs first.

    .venv/bin/python bench/schedule.py [--hosts 20] [--feeds 10] [--items 20]
                                       [--latency 0.3] [--per-host 2] [--delay 0.25]

The site: HOSTS servers, each on its own loopback address (127.0.0.1, 127.0.0.2, ...: the
politeness limits are per host name, so ports of one address would count as one host), each
serving FEEDS RSS feeds of ITEMS articles; every article embeds an X post and quotes it.
Every answer waits LATENCY seconds; feeds and articles carry ETags and answer If-None-Match
with 304. The servers run in a child process, so they do not share our interpreter lock.

Run 1, empty archive: wall time against the per-host politeness bound,
    bound = max over hosts of (requests to the host) * max(latency / per_host, delay),
the time a crawler needs if it keeps every host exactly as busy as the limits allow.
Run 2, nothing changed: requests, bytes and time against run 1, counted by the servers.
Targets: run 1 within 1.5x the bound; run 2 under 5% of run 1's bytes.

The default delay (0.25 s, four requests a second per host; real crawls use 1 s or more) keeps
the run politeness-bound, which is what this measures. With a much shorter delay the run
becomes CPU-bound instead (extraction and citation cost ~10 ms an article, 4000 articles are
~40 s of CPU on one core); bench/extract.py measures that side.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import sys
import tempfile
import threading
import time
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from postlink.config import NetworkConfig, SourceConfig, parse_config
from postlink.runner import Runner, Summary
from postlink.store import Store

ARTICLE = """<!doctype html><html><head><meta charset="utf-8">
<title>Council story {host}-{feed}-{item}</title>
<link rel="canonical" href="/f{feed}/a{item}.html"></head><body><article>
<h1>Council story {host}-{feed}-{item}</h1>
<p>The council met on Tuesday evening to debate the harbour bridge plan for district {host}.
Residents filled the hall and many stood at the back for the whole session.</p>
<blockquote class="twitter-tweet"><p lang="en" dir="ltr">Vote on bridge {host}-{feed}-{item}
delayed until spring after the public outcry tonight.</p>&mdash; City Desk (@citydesk{host})
<a href="https://twitter.com/citydesk{host}/status/{status}">October 17, 2024</a></blockquote>
<p>The city desk wrote that the "vote on bridge {host}-{feed}-{item} delayed until spring".</p>
<p>A spokesperson said the plan would return in a revised form with a smaller budget.</p>
</article></body></html>"""


def _feed(base: str, feed: int, items: int) -> bytes:
    entries = "".join(
        f"<item><title>Story {feed}-{i}</title><link>{base}/f{feed}/a{i}.html?utm_source=rss"
        f"</link><guid>{base}/f{feed}/a{i}.html</guid></item>" for i in range(items))
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>Feed {feed}</title>'
            f"<link>{base}/</link>{entries}</channel></rss>").encode()


def serve(hosts: int, feeds: int, items: int, latency: float, ready: Any,
          counts: Any, stop: Any) -> None:
    """The child process: one threaded server per loopback address; sends its bases to ready."""
    # counts[2h] = requests to host h; counts[2h+1] = bytes both ways (request line and
    # headers, response status line, headers and body)
    servers = []
    for h in range(hosts):
        address = f"127.0.0.{h + 1}"

        class Handler(BaseHTTPRequestHandler):
            host_index = h
            base = ""

            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                time.sleep(latency)
                path = self.path.split("?", 1)[0]
                body, ctype = self.page(path)
                etag = f'"{hash(path) & 0xffffffff:x}"'
                if body is not None and self.headers.get("If-None-Match") == etag:
                    status, body = 304, b""
                elif body is None:
                    status, body = 404, b"not found"
                else:
                    status = 200
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("ETag", etag)
                self.send_header("Content-Length", str(len(body)))
                sent = sum(len(line) for line in self._headers_buffer) + 2 + len(body)
                received = len(self.requestline) + 2 + len(str(self.headers))
                self.end_headers()
                self.wfile.write(body)
                with counts.get_lock():
                    counts[2 * self.host_index] += 1
                    counts[2 * self.host_index + 1] += sent + received

            def page(self, path: str) -> tuple[bytes | None, str]:
                parts = path.strip("/").split("/")
                if len(parts) == 1 and parts[0].startswith("feed") and parts[0].endswith(".xml"):
                    feed = int(parts[0][4:-4])
                    if feed < feeds:
                        return _feed(self.base, feed, items), "application/rss+xml"
                if len(parts) == 2 and parts[0][1:].isdigit() and parts[1].startswith("a"):
                    feed, item = int(parts[0][1:]), int(parts[1][1:].removesuffix(".html"))
                    status = 1847000000000000000 + (self.host_index * 1000 + feed) * 1000 + item
                    html = ARTICLE.format(host=self.host_index, feed=feed, item=item,
                                          status=status)
                    return html.encode(), "text/html; charset=utf-8"
                return None, "text/plain"

            def log_message(self, format: str, *args: object) -> None:
                pass

        server = ThreadingHTTPServer((address, 0), Handler)
        server.daemon_threads = True
        Handler.base = f"http://{address}:{server.server_address[1]}"
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(Handler.base)
    ready.put(servers)
    stop.wait()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hosts", type=int, default=20)
    parser.add_argument("--feeds", type=int, default=10, help="feeds per host")
    parser.add_argument("--items", type=int, default=20, help="articles per feed")
    parser.add_argument("--latency", type=float, default=0.3, help="seconds per answer")
    parser.add_argument("--per-host", type=int, default=2, help="per_host_concurrency")
    parser.add_argument("--delay", type=float, default=0.25, help="per_host_delay")
    args = parser.parse_args(argv)

    ctx = mp.get_context("spawn")
    ready, stop = ctx.Queue(), ctx.Event()
    counts = ctx.Array("q", 2 * args.hosts)
    child = ctx.Process(target=serve, args=(args.hosts, args.feeds, args.items, args.latency,
                                            ready, counts, stop), daemon=True)
    child.start()
    bases: list[str] = ready.get(timeout=30)

    with tempfile.TemporaryDirectory() as tmp:
        config = parse_config({})
        network = NetworkConfig(
            timeout=30, retries=0, per_host_concurrency=args.per_host,
            per_host_delay=args.delay, concurrency=args.hosts * args.per_host,
            allow_hosts=tuple(f"127.0.0.{h + 1}" for h in range(args.hosts)))
        sources = tuple(SourceConfig(kind="feed", url=f"{base}/feed{f}.xml")
                        for base in bases for f in range(args.feeds))
        config = replace(config, network=network, sources=sources)
        store = Store(Path(tmp) / "bench.db")

        def one_run() -> tuple[float, float, int, int, list[int], Summary]:
            before = list(counts)
            started, cpu = time.monotonic(), time.process_time()
            summary = Runner(config, store).run(force=True)
            seconds, cpu = time.monotonic() - started, time.process_time() - cpu
            delta = [a - b for a, b in zip(list(counts), before, strict=True)]
            per_host = delta[0::2]
            return seconds, cpu, sum(per_host), sum(delta[1::2]), per_host, summary

        t1, cpu1, req1, bytes1, hosts1, s1 = one_run()
        t2, cpu2, req2, bytes2, _, s2 = one_run()
        articles = store.query("SELECT count(*) AS n FROM articles")[0]["n"]
        store.close()
    stop.set()
    child.join(5)

    per_request = max(args.latency / args.per_host, args.delay)
    bound = max(hosts1) * per_request
    print(f"site: {args.hosts} hosts x {args.feeds} feeds x {args.items} articles "
          f"({args.hosts * args.feeds * args.items} articles), latency {args.latency:g}s, "
          f"per_host_concurrency {args.per_host}, per_host_delay {args.delay:g}s")
    print(f"run 1: {t1:.1f}s ({cpu1:.1f}s CPU), {req1} requests, {bytes1 / 1e6:.2f} MB; {s1.new} new articles, "
          f"{s1.failed} failed, {articles} in the archive")
    print(f"  politeness bound: {max(hosts1)} requests on the busiest host x "
          f"{per_request:g}s = {bound:.1f}s; run 1 / bound = {t1 / bound:.2f} (target <= 1.5)")
    print(f"run 2 (nothing changed): {t2:.2f}s ({cpu2:.1f}s CPU), {req2} requests, {bytes2 / 1e3:.1f} kB; "
          f"{s2.not_modified} of {s2.polled} feeds not modified, {s2.new} new")
    print(f"  run 2 / run 1: requests {req2 / req1:.3f}, bytes {bytes2 / bytes1:.4f} "
          f"(target < 0.05), time {t2 / t1:.3f}")
    ok = t1 / bound <= 1.5 and bytes2 / bytes1 < 0.05 and s1.failed == 0
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark: resolve 2,000 short links over 50 loopback hosts against the politeness bound.

One asyncio HTTP server in a child process on 127.0.0.1 plays 50 hosts (h00.bench …
h49.bench, routed by Host header; the names exist only in our static resolver, so nothing
can leave loopback). Every answer waits a fixed latency. Link i starts on host i % 50 and is a
chain of 1-3 redirects across hosts, then a 200 page. Printed in one run:

- the wall time of ``resolve_many`` with per-host concurrency 2;
- the bound for those limits: max over hosts of (requests to the host × latency / per-host
  concurrency), plus the critical path of the longest chain (its requests × latency);
- naive sequential resolution of a 100-link sample, extrapolated to all links;
- the requests made by a second, cached run (must be 0).

    .venv/bin/python bench/unshorten.py [--links 2000] [--hosts 50] [--latency 0.02]
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import tempfile
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path

from postlink.config import NetworkConfig
from postlink.net import guard
from postlink.net.client import build_client
from postlink.store import Store
from postlink.unshorten import resolve_many, resolve_one

PER_HOST = 2


def host(i: int) -> str:
    return f"h{i:02d}.bench"


def chain(link: int, hosts: int) -> list[int]:
    """The hosts link ``link`` visits: 1-3 redirects, then the destination."""
    redirects = 1 + link % 3
    return [(link + 7 * step) % hosts for step in range(redirects + 1)]


async def _serve(port: int, latency: float, counter, ready) -> None:  # noqa: ANN001
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")
                path = lines[0].split(" ")[1]
                with counter.get_lock():
                    counter.value += 1
                await asyncio.sleep(latency)
                # /l/<link>/<step>/<hosts>
                _, _, link, step, hosts = path.split("/")
                visits = chain(int(link), int(hosts))
                nxt = int(step) + 1
                if nxt < len(visits):
                    location = f"http://{host(visits[nxt])}:{port}/l/{link}/{nxt}/{hosts}"
                    reply = (f"HTTP/1.1 301 Moved Permanently\r\nLocation: {location}\r\n"
                             "Content-Length: 0\r\n\r\n").encode()
                else:
                    body = b"<p>destination</p>"
                    reply = (b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: "
                             + str(len(body)).encode() + b"\r\n\r\n" + body)
                writer.write(reply)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", port, backlog=1024)
    ready.set()
    async with server:
        await server.serve_forever()


def _server_process(port: int, latency: float, counter, ready) -> None:  # noqa: ANN001
    asyncio.run(_serve(port, latency, counter, ready))


async def _one_by_one(urls: list[str], network: NetworkConfig,
                      resolver: guard.Resolver) -> None:
    """The naive baseline: one client, each link resolved after the previous one."""
    async with build_client(network, resolver=resolver) as client:
        for url in urls:
            await resolve_one(client, url, network)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--links", type=int, default=2000)
    parser.add_argument("--hosts", type=int, default=50)
    parser.add_argument("--latency", type=float, default=0.02)
    parser.add_argument("--port", type=int, default=18765)
    args = parser.parse_args()

    counter = multiprocessing.Value("l", 0)
    ready = multiprocessing.Event()
    server = multiprocessing.Process(target=_server_process, daemon=True,
                                     args=(args.port, args.latency, counter, ready))
    server.start()
    ready.wait(10)
    names = [host(i) for i in range(args.hosts)]
    resolver = guard.static_resolver({name: "127.0.0.1" for name in names})
    network = replace(NetworkConfig(), concurrency=PER_HOST * args.hosts,
                      per_host_concurrency=PER_HOST, per_host_delay=0.0, retries=0,
                      timeout=10.0, allow_hosts=tuple(names))
    urls = [f"http://{host(chain(i, args.hosts)[0])}:{args.port}/l/{i}/0/{args.hosts}"
            for i in range(args.links)]

    per_host = Counter(h for i in range(args.links) for h in chain(i, args.hosts))
    longest = max(len(chain(i, args.hosts)) for i in range(args.links))
    host_bound = max(per_host.values()) * args.latency / PER_HOST
    bound = host_bound + longest * args.latency
    total_requests = sum(per_host.values())

    try:
        with tempfile.TemporaryDirectory() as tmp:
            store = Store(Path(tmp) / "bench.db")
            started, cpu = time.monotonic(), time.process_time()
            results = asyncio.run(resolve_many(urls, network, store=store, resolver=resolver))
            wall, cpu = time.monotonic() - started, time.process_time() - cpu
            made = counter.value
            assert all(r.status == "resolved" for r in results), Counter(r.status for r in results)

            before = counter.value
            started = time.monotonic()
            cached = asyncio.run(resolve_many(urls, network, store=store, resolver=resolver))
            cached_wall = time.monotonic() - started
            cached_requests = counter.value - before
            assert all(r.cached for r in cached)

            sample = urls[:100]
            started = time.monotonic()
            asyncio.run(_one_by_one(sample, network, resolver))
            naive = (time.monotonic() - started) * len(urls) / len(sample)
    finally:
        server.terminate()

    print(f"links {args.links}, hosts {args.hosts}, latency {args.latency * 1000:.0f} ms, "
          f"per-host concurrency {PER_HOST}, requests {made} (expected {total_requests})")
    print(f"bound      {bound:7.2f} s  (busiest host {max(per_host.values())} requests x "
          f"{args.latency * 1000:.0f} ms / {PER_HOST} = {host_bound:.2f} s, "
          f"+ critical path {longest} x {args.latency * 1000:.0f} ms)")
    print(f"concurrent {wall:7.2f} s  ({wall / bound:.2f}x the bound, "
          f"{made / wall:.0f} requests/s, client CPU {cpu:.2f} s = {cpu / made * 1000:.2f} ms"
          " per request)")
    print(f"sequential {naive:7.2f} s  (100-link sample extrapolated; "
          f"{naive / wall:.1f}x slower than concurrent)")
    print(f"cached run {cached_wall:7.2f} s  {cached_requests} requests")


if __name__ == "__main__":
    main()

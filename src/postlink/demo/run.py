"""`postlink demo`: serve the demo site, archive its feed through the pipeline, print an audit."""

from __future__ import annotations

import time
from dataclasses import replace

import click
import httpx

from postlink.config import Config
from postlink.demo.server import serve_demo_site
from postlink.net.client import fetch_sync
from postlink.pipeline import add_article, read_input, resolve_article_links
from postlink.report.audit import build_audit
from postlink.report.table import console, render_audit
from postlink.sources.feeds import feed_urls
from postlink.store import Store


class OfflineDemoTransport(httpx.AsyncBaseTransport):
    """Sends t.co requests to the demo's own t.co (/t/ on the demo site), loopback requests
    to the demo site, and refuses everything else: the demo never touches the internet."""

    def __init__(self, base: str) -> None:
        self.base = httpx.URL(base)
        self.inner = httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.host == "t.co":
            request.url = self.base.copy_with(path="/t" + request.url.path)
        elif request.url.host != self.base.host:
            raise httpx.ConnectError(f"offline demo: {request.url.host} is not reachable",
                                     request=request)
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


def run_demo(config: Config, store: Store, *, keep_serving: bool = False) -> None:
    """Archive the demo site's feed into ``store`` through the pipeline and print the audit
    of its first article; with ``keep_serving``, serve the site until Ctrl-C."""
    # The demo site is on loopback, which the address guard refuses unless allowed.
    network = replace(config.network, allow_hosts=(*config.network.allow_hosts, "127.0.0.1"))
    config = replace(config, network=network)
    started = time.monotonic()
    with serve_demo_site() as base:
        click.echo(f"demo site at {base}; archive {config.archive.db}")
        feed = fetch_sync(f"{base}/feed.xml", network, log=store.log_fetch)
        first = None
        for url in feed_urls(feed.body, feed_url=feed.final_url):
            article = read_input(url, url=None, offline=False, config=config, store=store)
            result = add_article(store, article)
            first = first or result
            links = resolve_article_links(store, config,
                                          result.version_id,
                                          transport=OfflineDemoTransport(base))
            resolved = sum(r.status == "resolved" for r in links)
            click.echo(f"  article {result.article_id}: {result.posts} posts, "
                       f"{result.citations} citations, {result.unmatched} unmatched quotes, "
                       f"{resolved}/{len(links)} short links resolved  {result.url}")
        click.echo(f"archived in {time.monotonic() - started:.2f}s\n")
        if first is not None:
            render_audit(build_audit(store, str(first.article_id)), console(110))
        if keep_serving:
            click.echo(f"serving {base} until Ctrl-C")
            try:
                while True:
                    time.sleep(1)
            except KeyboardInterrupt:
                pass

"""`postlink demo`: serve the demo site, archive its feed through the pipeline, print an audit."""

from __future__ import annotations

import time
from dataclasses import replace
from typing import TYPE_CHECKING

import click
from rich.console import Console

from postlink.demo.server import serve_demo_site
from postlink.net.client import fetch_sync
from postlink.pipeline import add_article, read_input
from postlink.report.audit import build_audit
from postlink.report.table import render_audit
from postlink.sources.feeds import feed_urls

if TYPE_CHECKING:
    from postlink.cli import AppContext


def run_demo(app: AppContext, *, keep_serving: bool = False) -> None:
    config = app.config
    # The demo site is on loopback, which the address guard refuses unless allowed.
    network = replace(config.network, allow_hosts=(*config.network.allow_hosts, "127.0.0.1"))
    config = replace(config, network=network)
    store = app.store
    started = time.monotonic()
    with serve_demo_site() as base:
        click.echo(f"demo site at {base}; archive {config.archive.db}")
        feed = fetch_sync(f"{base}/feed.xml", network)
        first = None
        for url in feed_urls(feed.body, feed_url=feed.final_url):
            article = read_input(url, url=None, offline=False, config=config, store=store)
            result = add_article(store, article)
            first = first or result
            click.echo(f"  article {result.article_id}: {result.posts} posts, "
                       f"{result.citations} citations, {result.unmatched} unmatched quotes  "
                       f"{result.url}")
        click.echo(f"archived in {time.monotonic() - started:.2f}s\n")
        if first is not None:
            render_audit(build_audit(store, str(first.article_id)), Console(width=110))
        if keep_serving:
            click.echo(f"serving {base} until Ctrl-C")
            try:
                while True:
                    time.sleep(1)
            except KeyboardInterrupt:
                pass

"""The postlink command line: parse arguments, call the library, format the result."""

from __future__ import annotations

import json
import sys
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click
from rich.console import Console

from postlink import __version__
from postlink.config import Config, load_config
from postlink.errors import PostlinkError
from postlink.store import Store


@dataclass
class AppContext:
    """Lazily loaded settings and archive shared by every command."""

    config_path: Path | None
    db_path: Path | None
    verbose: bool
    _config: Config | None = None
    _store: Store | None = None

    @property
    def config(self) -> Config:
        if self._config is None:
            self._config = load_config(self.config_path, db=self.db_path)
        return self._config

    @property
    def store(self) -> Store:
        if self._store is None:
            self._store = Store(self.config.archive.db)
        return self._store


class PostlinkGroup(click.Group):
    """Turns every PostlinkError into one line on stderr and its exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except PostlinkError as exc:
            app = ctx.obj
            if isinstance(app, AppContext) and app.verbose:
                traceback.print_exc()
            click.echo(f"Error: {exc}", err=True)
            ctx.exit(exc.exit_code)


@click.group(cls=PostlinkGroup)
@click.option("--config", "config_path", type=click.Path(path_type=Path, dir_okay=False),
              help="config file (default: ./config.toml if present)")
@click.option("--db", "db_path", type=click.Path(path_type=Path, dir_okay=False),
              help="SQLite archive (default: [archive] db, archive/postlink.db)")
@click.option("-v", "--verbose", is_flag=True, help="show tracebacks and debug output")
@click.version_option(__version__, prog_name="postlink")
@click.pass_context
def cli(ctx: click.Context, config_path: Path | None, db_path: Path | None, verbose: bool) -> None:
    """Archive the social posts news articles embed and quote, and show which sentence
    quotes which post."""
    ctx.obj = AppContext(config_path, db_path, verbose)
    ctx.call_on_close(lambda: ctx.obj._store.close() if ctx.obj._store else None)


@cli.command()
@click.argument("sources", nargs=-1, required=True)
@click.option("--url", help="the article URL of a file or stdin input")
@click.option("--offline", is_flag=True, help="never use the network")
@click.pass_obj
def add(app: AppContext, sources: tuple[str, ...], url: str | None, offline: bool) -> None:
    """Add articles: http(s) URLs, .html/.htm/.txt/.md files, or - for stdin."""
    from postlink.pipeline import add_article, read_input

    if url and len(sources) > 1:
        raise click.UsageError("--url names one article; give a single SOURCE with it")
    failed = 0
    for source in sources:
        try:
            article = read_input(source, url=url, offline=offline, config=app.config,
                                 store=app.store)
            result = add_article(app.store, article)
        except PostlinkError as exc:
            if len(sources) == 1:
                raise
            click.echo(f"Error: {exc}", err=True)
            failed += 1
            continue
        state = "added" if result.created and result.version == 1 else \
            "new version" if result.created else "unchanged"
        click.echo(f"article {result.article_id} v{result.version} ({state}): {result.url}: "
                   f"{result.sentences} sentences, {result.posts} posts, "
                   f"{result.citations} citations, {result.unmatched} unmatched quotes")
    if failed:
        click.echo(f"{failed} of {len(sources)} sources failed", err=True)
        sys.exit(1)


@cli.command()
@click.argument("article")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True)
@click.pass_obj
def audit(app: AppContext, article: str, fmt: str) -> None:
    """Which sentences of ARTICLE (id, URL or the path given to add) cite which posts."""
    from postlink.report.audit import build_audit

    report = build_audit(app.store, article)
    if fmt == "json":
        click.echo(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        from postlink.report.table import render_audit

        render_audit(report, Console(width=max(100, Console().width)))


@cli.command()
@click.option("--keep-serving", is_flag=True, help="keep the demo site up until Ctrl-C")
@click.pass_obj
def demo(app: AppContext, keep_serving: bool) -> None:
    """Serve the offline demo site on loopback, archive it, and audit one article."""
    from postlink.demo.run import run_demo

    run_demo(app, keep_serving=keep_serving)


# -- resolve ---------------------------------------------------------------------------------

# -- run, schedule -----------------------------------------------------------------------------

# -- posts, search -----------------------------------------------------------------------------


def main() -> None:
    cli(prog_name="postlink")

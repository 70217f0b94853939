"""The postlink command line: parse arguments, call the library, format the result.

Imports beyond click, config and store happen inside the commands that need them: the read
commands (audit, posts, search, list, status) must start without the extraction stack
(trafilatura, blingfire, numpy), which alone costs half a second (issue 15).
"""

from __future__ import annotations

import json
import os
import sys
import traceback
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import click

from postlink import __version__
from postlink.config import Config, load_config
from postlink.errors import PostlinkError, StoreError
from postlink.store import RemovedArticle, Store

# A read command given a path where no archive is: most likely a mistyped --db. Creating an
# empty archive there would answer "nothing found" to every question, silently.
ARCHIVE_MISSING = ("archive {db} does not exist: nothing has been archived at that path; run "
                   "`postlink add` or `postlink run --once` first, or pass --db with the path "
                   "of an existing archive")


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
        """The archive, created (with its folder) if it does not exist yet: for commands
        that write (add, run, schedule, resolve, demo)."""
        if self._store is None:
            self._store = Store(self.config.archive.db)
        return self._store

    @property
    def existing_store(self) -> Store:
        """The archive, for commands that read it or change what is in it: a path where no
        archive exists is an error (exit 2), and nothing is created there."""
        if self._store is None and not self.config.archive.db.exists():
            raise StoreError(ARCHIVE_MISSING.format(db=self.config.archive.db))
        return self.store


class PostlinkGroup(click.Group):
    """Turns every PostlinkError into one line on stderr and its exit code, and a reader
    that stops reading (``postlink list | head``) into a quiet exit 0."""

    def make_context(self, info_name: str | None, args: list[str],
                     parent: click.Context | None = None, **extra: Any) -> click.Context:
        try:  # `postlink --help | head` prints while the arguments are parsed
            return super().make_context(info_name, args, parent, **extra)
        except BrokenPipeError:
            _discard_stdout()
            raise click.exceptions.Exit(0) from None

    def invoke(self, ctx: click.Context) -> Any:
        try:
            result = super().invoke(ctx)
            sys.stdout.flush()  # a closed pipe shows here, not in the interpreter's exit
            return result
        except PostlinkError as exc:
            app = ctx.obj
            if isinstance(app, AppContext) and app.verbose:
                traceback.print_exc()
            click.echo(f"Error: {exc}", err=True)
            ctx.exit(exc.exit_code)
        except BrokenPipeError:
            # click would exit 1; the reader had all it wanted, so this is a success
            _discard_stdout()
            ctx.exit(0)


def _discard_stdout() -> None:
    """Point stdout at /dev/null, so the output still buffered is dropped at exit instead of
    failing again on the closed pipe (the recipe in Python's signal module documentation)."""
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):  # not a real file (click's test runner)
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, fd)
    os.close(devnull)


def _echo_json(data: object) -> None:
    """Every command's --json output: indented, non-ASCII text as written."""
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


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
    from postlink.pipeline import add_article, read_input, resolve_article_links

    if url and len(sources) > 1:
        raise click.UsageError("--url names one article; give a single SOURCE with it")
    failed = 0
    for source in sources:
        try:
            # a file is read before the archive is opened: a mistyped path creates nothing
            fetched = source.lower().startswith(("http://", "https://"))
            article = read_input(source, url=url, offline=offline, config=app.config,
                                 store=app.store if fetched else None)
            result = add_article(app.store, article)
            links = [] if offline else resolve_article_links(
                app.store, app.config, result.version_id)
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
        if links:
            unresolved = sum(1 for r in links if r.status != "resolved")
            click.echo(f"  short links: {len(links) - unresolved} resolved, "
                       f"{unresolved} not resolved")
    if failed:
        click.echo(f"{failed} of {len(sources)} sources failed", err=True)
        sys.exit(1)


@cli.command()
@click.argument("article")
@click.option("--format", "fmt",
              type=click.Choice(["table", "json", "md", "html", "annotations"]),
              default="table", show_default=True,
              help="md: Markdown; html: a self-contained page; annotations: W3C Web Annotation JSON-LD")
@click.option("--version", "version", type=click.IntRange(min=1), metavar="N",
              help="audit version N of the article (default: the latest)")
@click.pass_obj
def audit(app: AppContext, article: str, fmt: str, version: int | None) -> None:
    """Which sentences of ARTICLE (id, URL or the path given to add) cite which posts."""
    from postlink.report.audit import audit_body_text, build_audit

    report = build_audit(app.existing_store, article, version)
    if fmt == "json":
        _echo_json(report)
    elif fmt == "md":
        from postlink.report.markdown import render_markdown

        click.echo(render_markdown(report), nl=False)
    elif fmt == "html":
        from postlink.report.audit import audit_post_versions, audit_sentences
        from postlink.report.html import render_html

        store = app.existing_store
        click.echo(render_html(report, audit_body_text(store, report),
                               audit_sentences(store, report),
                               audit_post_versions(store, report)), nl=False)
    elif fmt == "annotations":
        from postlink.report.annotations import render_annotations

        annotations = render_annotations(report, audit_body_text(app.existing_store, report))
        _echo_json(annotations)
    else:
        from postlink.report.table import console, render_audit

        render_audit(report, console(100))


@cli.command("datasette-metadata")
@click.pass_obj
def datasette_metadata(app: AppContext) -> None:
    """Print Datasette metadata for the archive (table descriptions, facets, canned
    queries) as JSON, for: datasette ARCHIVE -m FILE."""
    from postlink.datasette_metadata import datasette_metadata as metadata

    # metadata for a mistyped --db would describe nothing: the archive must exist
    app.existing_store  # noqa: B018
    # Datasette names a database after its file's stem
    _echo_json(metadata(app.config.archive.db.stem))


@cli.command()
@click.argument("article")
@click.argument("versions", nargs=-1, type=click.IntRange(min=1), metavar="[A [B]]")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True)
@click.pass_obj
def diff(app: AppContext, article: str, versions: tuple[int, ...], fmt: str) -> None:
    """What changed between two versions of ARTICLE: sentences, posts, citations, quotes.

    A B compares version A with version B; one number compares that version with the
    latest; none compares the latest with the one before it. Exit code 2 for a version the
    article does not have.
    """
    from postlink.versions import diff_versions, load_version, versions_to_compare

    store = app.existing_store
    found = store.find_article(article)
    old, new = versions_to_compare(store.version_numbers(found["id"]), versions, found["id"])
    result = diff_versions(load_version(store, str(found["id"]), old),
                           load_version(store, str(found["id"]), new)).as_json()
    if fmt == "json":
        _echo_json(result)
    else:
        from postlink.report.diff import render_diff
        from postlink.report.table import console

        render_diff(result, console(100))


@cli.command()
@click.option("--keep-serving", is_flag=True, help="keep the demo site up until Ctrl-C")
@click.pass_obj
def demo(app: AppContext, keep_serving: bool) -> None:
    """Serve the offline demo site on loopback, archive it, and audit one article."""
    from postlink.demo.run import run_demo

    run_demo(app.config, app.store, keep_serving=keep_serving)


# -- resolve ---------------------------------------------------------------------------------

@cli.command()
@click.argument("urls", nargs=-1)
@click.option("--pending", is_flag=True,
              help="also every short link the archive holds that was never resolved "
                   "(recorded by add --offline or batch)")
@click.option("--json", "as_json", is_flag=True, help="print a JSON array, one object per URL")
@click.option("--refresh", is_flag=True, help="ignore cached results and resolve again")
@click.pass_obj
def resolve(app: AppContext, urls: tuple[str, ...], pending: bool, as_json: bool,
            refresh: bool) -> None:
    """Expand short links (t.co, bit.ly, …) and print every hop; cached in the archive.

    Exit code 1 if any link is not resolved (dead, blocked, failed, loop, too_many_hops).
    """
    from rich.table import Table

    from postlink.report.table import console
    from postlink.unshorten import pending_short_links, resolve_sync

    if not urls and not pending:
        raise click.UsageError("no links given; name short links, or pass --pending to resolve "
                               "the ones the archive recorded but never resolved")
    for url in urls:
        if not url.lower().startswith(("http://", "https://")):
            raise click.UsageError(f"{url}: not an http(s) URL; give links that start with "
                                   "http:// or https://")
    if pending:
        # listed before resolving starts: resolving writes the rows the query looks for
        waiting = list(pending_short_links(app.store))
        urls = tuple(dict.fromkeys((*urls, *waiting)))
        if not urls:
            click.echo("no short links are waiting to be resolved", err=True)
            return
    results = resolve_sync(urls, app.config.network, store=app.store, refresh=refresh)
    if as_json:
        _echo_json([r.as_json() for r in results])
    else:
        table = Table(show_lines=True)
        for name in ("link", "status", "hops", "final URL"):
            table.add_column(name, overflow="fold")
        for r in results:
            hops = "\n".join(
                f"{i}. {h.status or '-'} {h.via} {h.ms:.0f}ms {h.url}"
                for i, h in enumerate(r.hops, 1))
            status = r.status + (" (cached)" if r.cached else "")
            if r.error:
                status += f"\n{r.error}"
            final = r.final_url or ""
            if r.canonical_url and r.canonical_url != r.final_url:
                final += f"\ncanonical: {r.canonical_url}"
            table.add_row(r.url, status, hops, final)
        console(120).print(table)
    if any(r.status != "resolved" for r in results):
        sys.exit(1)


# -- run, schedule -----------------------------------------------------------------------------

def _sources_or_fail(config: Config) -> None:
    if not any(s.enabled for s in config.sources):
        from postlink.errors import ConfigError

        raise ConfigError(f"{config.path or 'config.toml'}: no enabled [[sources]]; add one, "
                          'e.g. [[sources]] kind = "feed" url = "https://example.org/feed.xml"')


@cli.command()
@click.option("--once", is_flag=True, help="poll every due source once, archive, and exit")
@click.option("--all", "all_sources", is_flag=True, help="poll every source, due or not")
@click.option("--source", "names", multiple=True, metavar="NAME",
              help="only this source (its url, path or kind:url); repeatable")
@click.option("--wait", is_flag=True,
              help="if another run or schedule holds the archive lock, wait for it")
@click.option("--progress/--no-progress", default=None,
              help="progress bar (default: when stderr is a terminal) or one line per article")
@click.pass_obj
def run(app: AppContext, once: bool, all_sources: bool, names: tuple[str, ...], wait: bool,
        progress: bool | None) -> None:
    """Poll the configured sources once and archive every new or changed article.

    Exit code 0 if everything worked, 1 if a source or an article failed (listed at the end)
    or the run was interrupted (Ctrl-C, SIGTERM: articles in flight finish, the rest stay
    queued), 2 for a config or database problem, or when the archive is locked by another run.
    """
    import threading

    from postlink.progress import make_reporter
    from postlink.runner import ArchiveLock, Runner, stop_on_signals

    if not once:
        raise click.UsageError("postlink run needs --once; to keep polling, use "
                               "postlink schedule")
    config = app.config
    _sources_or_fail(config)
    chosen = None
    if names:
        by_alias = {alias: s.name for s in config.sources
                    for alias in (s.name, s.url, str(s.path) if s.path else None) if alias}
        unknown = [n for n in names if n not in by_alias]
        if unknown:
            raise click.BadParameter(f"{unknown[0]}: no such source in the config; give a "
                                     "source's url, path or kind:url", param_hint="--source")
        chosen = {by_alias[n] for n in names}
    store = app.store  # opened before the lock: an unusable path is a StoreError, exit 2
    lock = ArchiveLock(config.archive.db)
    lock.acquire(wait=wait, on_wait=lambda message: click.echo(message, err=True))
    stop = threading.Event()
    try:
        with stop_on_signals(stop, lambda m: click.echo(m, err=True)), \
                make_reporter(bar=progress) as reporter:
            summary = Runner(config, store, reporter=reporter, stop=stop).run(
                force=all_sources, names=chosen)
    finally:
        lock.release()
    for line in summary.lines():
        click.echo(line)
    sys.exit(summary.exit_code)


@cli.command()
@click.option("--wait", is_flag=True,
              help="if another run or schedule holds the archive lock, wait for it")
@click.pass_obj
def schedule(app: AppContext, wait: bool) -> None:
    """Poll the configured sources on their intervals until Ctrl-C or SIGTERM.

    Same work as `run --once`, one job per source; state lives in the archive, so a restart
    continues where the last process stopped. Prints one line per source, article and job.
    """
    import threading

    from postlink.progress import LogReporter
    from postlink.runner import ArchiveLock, stop_on_signals
    from postlink.schedule import Schedule

    config = app.config
    _sources_or_fail(config)
    app.store  # noqa: B018 (opens and migrates the archive now: a bad path fails with exit 2)
    lock = ArchiveLock(config.archive.db)
    lock.acquire(wait=wait, on_wait=lambda message: click.echo(message, err=True))
    stop = threading.Event()
    try:
        with stop_on_signals(stop, lambda m: click.echo(m, err=True)):
            Schedule(config, reporter=LogReporter(), stop=stop,
                     notify=lambda m: click.echo(m, err=True)).run()
    finally:
        lock.release()


# -- posts, search -----------------------------------------------------------------------------
def page_options(default: int) -> Any:
    """--limit and --offset, shared by every command that lists archive rows (issue 15)."""
    def decorate(command: Any) -> Any:
        command = click.option("--offset", default=0, show_default=True,
                               type=click.IntRange(min=0), help="skip this many rows")(command)
        return click.option("--limit", default=default, show_default=True,
                            type=click.IntRange(min=1), help="rows per page")(command)
    return decorate


def next_page(shown: int, limit: int, offset: int) -> str | None:
    """The hint printed under a full page, or None on the last one."""
    if shown < limit:
        return None
    return f"more: --offset {offset + shown}"


@cli.command()
@click.argument("post")
@click.option("--json", "as_json", is_flag=True, help="print the rows as JSON")
@page_options(100)
@click.pass_obj
def posts(app: AppContext, post: str, as_json: bool, limit: int, offset: int) -> None:
    """Which articles and sentences cite POST (a key like x:123, or a post URL), all versions."""
    from postlink.report.posts import post_lines, post_report

    report = post_report(app.existing_store, post, limit=limit, offset=offset)
    if as_json:
        _echo_json(report)
    else:
        for line in post_lines(report):
            click.echo(line)


@cli.command()
@click.argument("text")
@page_options(20)
@click.option("--json", "as_json", is_flag=True, help="print the rows as JSON")
@click.pass_obj
def search(app: AppContext, text: str, limit: int, offset: int, as_json: bool) -> None:
    """Full-text search over article sentences and archived posts (every word must match);
    --limit and --offset page through each section."""
    from postlink.report.search import search_archive, search_lines

    result = search_archive(app.existing_store, text, limit=limit, offset=offset)
    if as_json:
        _echo_json(result)
    else:
        for line in search_lines(result):
            click.echo(line)


# -- list, status, maintain ------------------------------------------------------------------

@cli.command("list")
@click.option("--source", help="only articles from this source (its name, url or path)")
@click.option("--tag", help="only articles from sources with this tag")
@click.option("--since", metavar="DATE", help="published (else first archived) on or after DATE")
@click.option("--until", metavar="DATE", help="published (else first archived) on or before DATE")
@click.option("--before", type=int, metavar="ID",
              help="cursor: only articles with an id below ID (the next page starts there)")
@page_options(50)
@click.option("--json", "as_json", is_flag=True, help="print the rows as JSON")
@click.pass_obj
def list_(app: AppContext, source: str | None, tag: str | None, since: str | None,
          until: str | None, before: int | None, limit: int, offset: int,
          as_json: bool) -> None:
    """Archived articles, newest first: versions, and the posts, citations and unmatched
    quotes of the latest version."""
    from postlink.listing import ArticleFilter, list_articles
    from postlink.report.listing import article_lines

    rows = list_articles(app.existing_store, ArticleFilter(source, tag, since, until), limit=limit,
                         offset=offset, before=before)
    full = len(rows) == limit
    if as_json:
        _echo_json({"articles": rows, "next_before": rows[-1]["id"] if full else None})
        return
    for line in article_lines(rows):
        click.echo(line)
    click.echo(f"{len(rows)} article(s)" + (f"; more: --before {rows[-1]['id']}" if full else ""))


@cli.command()
@page_options(50)
@click.option("--errors", "error_count", default=10, show_default=True,
              type=click.IntRange(min=0), help="how many of the latest failures to show")
@click.option("--json", "as_json", is_flag=True, help="print the status as JSON")
@click.pass_obj
def status(app: AppContext, limit: int, offset: int, error_count: int, as_json: bool) -> None:
    """Sources with their state and due times, the queue, and the latest failures."""
    from postlink.listing import queue_totals, recent_errors, source_status
    from postlink.report.listing import status_lines

    store = app.existing_store
    sources = source_status(store, limit=limit, offset=offset)
    queue = queue_totals(store)
    errors = recent_errors(store, limit=error_count) if error_count else []
    if as_json:
        _echo_json({"sources": sources, "queue": queue, "errors": errors})
        return
    for line in status_lines(sources, queue, errors):
        click.echo(line)
    more = next_page(len(sources), limit, offset)
    if more:
        click.echo(more)


@cli.command()
@click.option("--vacuum", is_flag=True, help="also rewrite the file compactly (slow; needs "
              "free disk space as large as the archive)")
@click.pass_obj
def maintain(app: AppContext, vacuum: bool) -> None:
    """Keep a big archive fast: checkpoint the WAL, merge the full-text indexes, refresh the
    query planner's statistics; --vacuum also reclaims free pages.

    Readers keep working meanwhile. Exit code 1 if the checkpoint could not finish (another
    process was writing: run it again later).
    """
    import time

    store = app.existing_store
    started = time.perf_counter()
    steps = store.maintain(vacuum=vacuum)
    check = steps["checkpoint"]
    click.echo("full-text indexes merged; statistics refreshed (ANALYZE)")
    click.echo("vacuum: done" if vacuum else "vacuum: skipped (--vacuum)")
    click.echo(f"checkpoint: {check['wal_bytes'] / 1e6:.1f} MB of WAL "
               + ("not all written back (busy: another process was writing)" if check["busy"]
                  else "written back, WAL emptied"))
    size = store.path.stat().st_size if store.path.exists() else 0
    click.echo(f"{store.path}: {size / 1e6:.1f} MB; {time.perf_counter() - started:.1f}s")
    if check["busy"]:
        sys.exit(1)


# -- remove ------------------------------------------------------------------------------------

def _interactive() -> bool:
    """Whether a person can answer a question (a test sets this)."""
    return sys.stdin.isatty()


@cli.command()
@click.argument("article")
@click.option("--yes", "-y", is_flag=True, help="do not ask for confirmation")
@click.option("--dry-run", is_flag=True, help="print what would be removed; change nothing")
@click.option("--json", "as_json", is_flag=True, help="print the counts as JSON")
@click.pass_obj
def remove(app: AppContext, article: str, yes: bool, dry_run: bool, as_json: bool) -> None:
    """Delete ARTICLE (id, URL or the path given to add) and every row only it uses.

    Deleted, in one transaction: its versions, sentences (and their full-text rows),
    citations, unmatched quotes, embeds and links; its captures (raw bytes) unless another
    article's version holds the same bytes; the fetch_log rows of its URLs; the posts no
    other article embeds, links or cites, with their versions. Kept: every post another
    article still uses (with all its versions) and short-link resolutions (a cache shared
    with `resolve`). Queue items naming the article are marked `removed`, so a feed that
    still lists it does not bring it back on the next poll (`postlink add` does). On a
    terminal it asks first unless --yes. Exit code 1 if ARTICLE is not in the archive.
    """
    store = app.existing_store
    found = store.find_article(article)
    plan = store.remove_article(found["id"], dry_run=True)
    if not dry_run and not yes and _interactive():
        click.confirm(f"remove article {plan.article_id} ({plan.url}): {_counts_line(plan)}?",
                      abort=True, err=True)
    done = plan if dry_run else store.remove_article(found["id"])
    if as_json:
        _echo_json(asdict(done))
        return
    verb = "would remove" if dry_run else "removed"
    click.echo(f"{verb} article {done.article_id} ({done.url}): {_counts_line(done)}")


def _counts_line(r: RemovedArticle) -> str:
    keep = "would keep" if r.dry_run else "kept"
    return (f"{r.versions} versions, {r.sentences} sentences, {r.citations} citations, "
            f"{r.embeds} embeds; {keep} {r.posts_kept} shared posts")


# -- check-posts -------------------------------------------------------------------------------

@cli.command("check-posts")
@click.argument("posts_", metavar="[KEY|URL]...", nargs=-1)
@click.option("--all", "everything", is_flag=True, help="check every post, due or not")
@click.option("--json", "as_json", is_flag=True, help="print a JSON array, one object per post")
@click.pass_obj
def check_posts(app: AppContext, posts_: tuple[str, ...], everything: bool,
                as_json: bool) -> None:
    """Capture posts from their platforms now: live, deleted, gated or unavailable.

    Checks the posts named (keys like x:123, or post URLs), else those due ([capture]
    recheck_after), or every post with --all. A changed text becomes a new post version,
    and the article versions that embed or link the post without its text are cited again
    against it. Exit code 1 if any check failed (unavailable: retry later), 0 otherwise.
    """
    from postlink.capture import check_posts_sync, posts_to_check
    from postlink.errors import ConfigError
    from postlink.recite import recite_posts

    if posts_ and everything:
        raise click.UsageError("post keys and --all given together: --all checks every post; "
                               "give keys or --all, not both")
    config = app.config
    if not config.capture.enabled:
        raise ConfigError(f"{config.path or 'config'}: [capture] enabled = false; set it to "
                          "true to check posts")
    store = app.existing_store
    rows = posts_to_check(store, config.capture, posts_, everything=everything)
    result = check_posts_sync(store, config, rows)
    recited = recite_posts(store, [c.key for c in result.checked if c.brings_text])
    if as_json:
        _echo_json([{**c.as_json(), "recited": [
            r.as_json() for r in recited if c.key in r.post_keys]} for c in result.checked])
    elif not rows:
        click.echo("no posts due for a check (--all checks every post)")
    else:
        for c in result.checked:
            text = ("new version" if c.new_version else "unchanged") \
                if c.status == "live" else "none"
            line = f"{c.key}  {c.old_status} → {c.status}  text: {text}"
            if c.capture.error:
                line += f"  ({c.capture.error})"
            if c.gone_since:
                line += f"  gone since {c.gone_since}"
            click.echo(line)
        click.echo(result.summary())
        for r in recited:
            where = f"article {r.article_id} v{r.version}"
            if r.skipped:
                click.echo(f"{where} not cited again: {r.skipped}")
            else:
                click.echo(f"{where} cited again with the captured text of "
                           f"{', '.join(r.post_keys)}: {r.citations_before} → {r.citations} "
                           "citations")
        if result.failed:
            click.echo(f"{len(result.failed)} failed:")
            for c in result.failed:
                click.echo(f"  {c.key}: {c.capture.error}")
    sys.exit(result.exit_code)


@cli.command()
@click.argument("inputs", nargs=-1)
@click.option("--list", "lists", multiple=True, metavar="FILE",
              help="a file naming inputs, one per line (repeatable)")
@click.option("--scheduler", metavar="ADDRESS",
              help="a running Dask scheduler, tcp://HOST:PORT (default: [batch] scheduler, "
                   "else a local cluster)")
@click.option("--workers", type=click.IntRange(min=1),
              help="workers of the local cluster (default: [batch] workers, else one per core)")
@click.option("--output", type=click.Path(file_okay=False, path_type=Path), metavar="DIR",
              help="write Parquet shards to DIR instead of the archive")
@click.option("--merge", type=click.Path(file_okay=False, path_type=Path), metavar="DIR",
              help="store the Parquet shards in DIR into the archive")
@click.option("--progress/--no-progress", "bar", default=None,
              help="progress bar (default: when stderr is a terminal)")
@click.pass_obj
def batch(app: AppContext, inputs: tuple[str, ...], lists: tuple[str, ...],
          scheduler: str | None, workers: int | None, output: Path | None, merge: Path | None,
          bar: bool | None) -> None:
    """Extract and cite every page of WARC files and folders of pages on a Dask cluster.

    INPUT is a .warc/.warc.gz/.arc/.arc.gz file, an .html/.htm/.txt/.md file or a folder of
    them. Pages are stored into the archive as `add --offline` stores them (short links are
    recorded, not resolved); a rerun skips the pages already stored. Exit code 1 if a page
    failed or the run was interrupted.
    """
    from postlink.batch.run import batch_inputs, batch_merge
    from postlink.progress import make_batch_reporter

    if merge is not None and (inputs or lists or output or scheduler or workers):
        raise click.UsageError("--merge DIR stores shards already written; give it alone")
    if merge is None and not (inputs or lists):
        raise click.UsageError("give INPUT files or folders (or --list FILE), or --merge DIR")
    scheduler = scheduler or app.config.batch.scheduler or None
    if scheduler and workers:
        raise click.UsageError("--workers sizes the local cluster; a --scheduler's cluster "
                               "has its own workers")
    workers = None if scheduler else workers or app.config.batch.workers
    with make_batch_reporter(bar=bar) as progress:
        if merge is not None:
            summary = batch_merge(merge, store=app.store, progress=progress)
        else:
            summary = batch_inputs(inputs, lists, app.config, store=lambda: app.store,
                                   output=output, scheduler=scheduler, workers=workers,
                                   progress=progress)
    for line in summary.lines(output):
        click.echo(line)
    sys.exit(summary.exit_code)


# -- export ------------------------------------------------------------------------------------

@cli.command()
@click.option("--format", "fmt", type=click.Choice(["warc", "wacz", "jsonl", "csv"]),
              required=True, help="warc: WARC 1.1 (.warc.gz: gzipped per record); wacz: the "
              "WARC with index and pages (needs postlink[wacz]); jsonl: articles, posts, "
              "citations; csv: citations")
@click.option("--article", "articles", multiple=True, metavar="ARTICLE",
              help="only this article (id, URL or path given to add); repeatable")
@click.option("--since", metavar="DATE", help="only what was fetched on or after DATE")
@click.option("--output", "-o", default="-", show_default=True, metavar="PATH",
              help="file to write (- : stdout; not for wacz)")
@click.pass_obj
def export(app: AppContext, fmt: str, articles: tuple[str, ...], since: str | None,
           output: str) -> None:
    """Export the archive: raw captures as WARC/WACZ, or articles, posts, citations."""
    from postlink.export import export_archive

    done = export_archive(app.store, fmt, output, articles=articles, since=since)
    where = "stdout" if done.output == "-" else f"{done.output} ({done.bytes:,} bytes)"
    click.echo(f"{fmt} export to {where}: {done.summary}", err=True)


def main() -> None:
    cli(prog_name="postlink")

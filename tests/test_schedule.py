"""`postlink run --once` and `postlink schedule` against loopback sites.

Idempotent runs, conditional GET, robots.txt, Retry-After, failing sources, canonical
articles, the archive lock, SIGTERM, and a SIGKILL in the middle of a run.
"""

from __future__ import annotations

import gzip
import os
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

from postlink.cli import cli
from postlink.config import load_config
from postlink.progress import LogReporter
from postlink.runner import ArchiveLock
from postlink.schedule import Schedule
from postlink.store import Store
from tests.conftest import LoopbackSite, Route

POSTLINK = str(Path(sys.executable).parent / "postlink")

ARTICLE = """<!doctype html><html><head><meta charset="utf-8"><title>{title}</title>{head}
</head><body><article><h1>{title}</h1>
<p>The council met on Tuesday to debate the harbour bridge plan. {lead}</p>
<blockquote class="twitter-tweet"><p lang="en" dir="ltr">Bridge vote {n} delayed until spring
after the public outcry.</p>&mdash; City Desk (@citydesk)
<a href="https://twitter.com/citydesk/status/{status}">October 17, 2024</a></blockquote>
<p>The city desk wrote that the "bridge vote {n} delayed until spring" was final.</p>
</article></body></html>"""


def article(n: int, *, head: str = "", lead: str = "Residents filled the hall.") -> bytes:
    return ARTICLE.format(title=f"Story {n}", head=head, lead=lead, n=n,
                          status=1847000000000000000 + n).encode()


def rss(*items: str | tuple[str, str]) -> bytes:
    """An RSS 2.0 feed; an item is a link or (link, pubDate)."""
    entries = []
    for item in items:
        link, date = (item, None) if isinstance(item, str) else item
        when = f"<pubDate>{date}</pubDate>" if date else ""
        entries.append(f"<item><title>t</title><link>{link}</link>{when}</item>")
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>Feed</title>'
            f'{"".join(entries)}</channel></rss>').encode()


def write_config(tmp_path: Path, *sources: dict[str, Any], **network: Any) -> Path:
    settings: dict[str, Any] = {"timeout": 2, "retries": 0, "allow_hosts": ["127.0.0.1"],
                                "contact": "mailto:tests@postlink.example", **network}
    lines = ['[archive]\ndb = "archive.db"\n\n[network]']
    lines += [f"{key} = {_toml(value)}" for key, value in settings.items()]
    for source in sources:
        lines.append("\n[[sources]]")
        lines += [f"{key} = {_toml(value)}" for key, value in source.items()]
    path = tmp_path / "config.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | Path):
        return '"' + str(value).replace("\\", "\\\\") + '"'
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return str(value)


def run_once(config: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--config", str(config), "run", "--once", *args])


def rows(tmp_path: Path, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(tmp_path / "archive.db")
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def count(tmp_path: Path, table: str) -> int:
    return int(rows(tmp_path, f"SELECT count(*) FROM {table}")[0][0])


def conditional(body: bytes, etag: str, seen: list[dict[str, str]],
                content_type: str = "application/rss+xml") -> Callable[..., Route]:
    """A route honouring If-None-Match, recording each request's headers."""
    def route(handler: BaseHTTPRequestHandler) -> Route:
        seen.append(dict(handler.headers))
        if handler.headers.get("If-None-Match") == etag:
            return Route(304, b"", {"ETag": etag})
        return Route(200, body, {"ETag": etag, "Content-Type": content_type})
    return route


def articles_requested(site: LoopbackSite) -> list[str]:
    return [p for p in site.requests if p.startswith("/a/")]


# -- run --once: idempotent, conditional, canonical ---------------------------------------

def test_run_twice_is_idempotent_and_the_second_run_is_conditional(
        site: LoopbackSite, tmp_path: Path) -> None:
    feed_headers: list[dict[str, str]] = []
    site.routes["/feed.xml"] = conditional(
        rss(*(site.url(f"/a/{n}.html?utm_source=rss") for n in range(3))), '"feed-1"',
        feed_headers)
    for n in range(3):
        site.add(f"/a/{n}.html", article(n))
    config = write_config(tmp_path, {"kind": "feed", "url": site.url("/feed.xml")})

    first = run_once(config)
    assert first.exit_code == 0, first.output
    assert re.search(rf"^article url={re.escape(site.url('/a/0.html'))} status=new posts=1 "
                     r"links=\d+ ms=\d+$", first.stdout, re.M)
    assert "articles: 3 new, 0 changed, 0 unchanged, 0 failed" in first.stdout
    assert feed_headers[0]["User-Agent"].endswith("mailto:tests@postlink.example)")

    second = run_once(config, "--all")  # --all: the feed is not due again for an hour
    assert second.exit_code == 0, second.output
    assert feed_headers[1]["If-None-Match"] == '"feed-1"'
    assert "sources: 1 polled (1 not modified, 0 failed)" in second.stdout
    assert "articles: 0 new, 0 changed, 0 unchanged, 0 failed" in second.stdout
    assert sorted(articles_requested(site)) == [f"/a/{n}.html?utm_source=rss" for n in range(3)]
    assert [count(tmp_path, t) for t in ("articles", "article_versions", "captures", "embeds")] \
        == [3, 3, 3, 3]
    assert rows(tmp_path, "SELECT state, count(*) FROM source_items GROUP BY state") == \
        [("done", 3)]
    assert rows(tmp_path, "SELECT DISTINCT url LIKE '%utm%' FROM articles") == [(0,)]


def test_a_source_that_is_not_due_is_not_polled(site: LoopbackSite, tmp_path: Path) -> None:
    site.add("/feed.xml", rss(site.url("/a/1.html")), Content_Type="application/rss+xml")
    site.add("/a/1.html", article(1))
    config = write_config(tmp_path, {"kind": "feed", "url": site.url("/feed.xml")})
    assert run_once(config).exit_code == 0
    result = run_once(config)
    assert result.exit_code == 0
    assert "sources: 0 polled" in result.stdout
    assert site.requests.count("/feed.xml") == 1


def test_lying_validators_are_caught_by_the_content_hash(
        site: LoopbackSite, tmp_path: Path) -> None:
    links = [site.url("/a/1.html")]
    served: list[int] = []

    def feed(handler: BaseHTTPRequestHandler) -> Route:
        served.append(1)  # a new ETag every time, and no 304, whatever we send
        return Route(200, rss(*links), {"ETag": f'"{len(served)}"',
                                        "Content-Type": "application/rss+xml"})

    site.routes["/feed.xml"] = feed
    site.add("/a/1.html", article(1))
    site.add("/a/2.html", article(2))
    config = write_config(tmp_path, {"kind": "feed", "url": site.url("/feed.xml")})
    assert run_once(config).exit_code == 0
    second = run_once(config, "--all")
    assert "1 not modified" in second.stdout
    links.append(site.url("/a/2.html"))
    third = run_once(config, "--all")
    assert "articles: 1 new, 0 changed" in third.stdout
    assert articles_requested(site) == ["/a/1.html", "/a/2.html"]


def test_an_updated_item_is_fetched_again_conditionally(
        site: LoopbackSite, tmp_path: Path) -> None:
    stamp = ["Wed, 16 Oct 2024 10:00:00 GMT"]
    body = [article(1)]
    article_headers: list[dict[str, str]] = []
    site.routes["/feed.xml"] = lambda h: Route(
        200, rss((site.url("/a/1.html"), stamp[0])), {"Content-Type": "application/rss+xml"})
    site.routes["/a/1.html"] = lambda h: conditional(
        body[0], f'"{len(body[0])}"', article_headers, "text/html")(h)
    config = write_config(tmp_path, {"kind": "feed", "url": site.url("/feed.xml")})
    assert run_once(config).exit_code == 0

    stamp[0] = "Wed, 16 Oct 2024 12:00:00 GMT"  # the feed says updated; the page is not
    unchanged = run_once(config, "--all")
    assert article_headers[1]["If-None-Match"] == f'"{len(body[0])}"'
    assert "articles: 0 new, 0 changed, 1 unchanged" in unchanged.stdout

    stamp[0] = "Wed, 16 Oct 2024 14:00:00 GMT"  # now the page changed too
    body[0] = article(1, lead="Update: the vote was moved to March.")
    changed = run_once(config, "--all")
    assert "articles: 0 new, 1 changed, 0 unchanged" in changed.stdout
    assert rows(tmp_path, "SELECT version FROM article_versions ORDER BY version") == [(1,), (2,)]


def test_one_article_however_many_feeds_proxies_and_canonicals_lead_to_it(
        site: LoopbackSite, tmp_path: Path) -> None:
    story = site.url("/a/story")
    site.add("/a/story", article(1))
    site.add("/a/story-print", article(1, head='<link rel="canonical" href="/a/story">'))
    site.add("/a/other", article(2, head='<link rel="canonical" '
                                         'href="https://elsewhere.example/stolen">'))
    site.add("/one.xml", rss(f"{story}?utm_source=rss&utm_medium=feed"),
             Content_Type="application/rss+xml")
    proxied = (
        '<?xml version="1.0"?><rss version="2.0" xmlns:feedburner='
        '"http://rssnamespace.org/feedburner/ext/1.0"><channel><title>p</title><item>'
        f"<title>t</title><link>{site.url('/~r/p/~3/abc/')}</link>"
        f"<feedburner:origLink>{story}?utm_campaign=x</feedburner:origLink></item>"
        "</channel></rss>")
    site.add("/two.xml", proxied, Content_Type="application/rss+xml")
    (tmp_path / "urls.txt").write_text(f"{site.url('/a/story-print')}\n{site.url('/a/other')}\n")
    config = write_config(tmp_path, {"kind": "feed", "url": site.url("/one.xml")},
                          {"kind": "feed", "url": site.url("/two.xml")},
                          {"kind": "list", "path": "urls.txt"})
    result = run_once(config)
    assert result.exit_code == 0, result.output
    assert rows(tmp_path, "SELECT url FROM articles ORDER BY url") == [
        (site.url("/a/other"),), (story,)]
    assert count(tmp_path, "article_versions") == 2
    assert "/~r/p/~3/abc/" not in site.requests
    assert site.requests.count("/a/story?utm_source=rss&utm_medium=feed") + \
        site.requests.count("/a/story?utm_campaign=x") == 1


def test_folder_and_local_list_sources(site: LoopbackSite, tmp_path: Path) -> None:
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "one.html").write_bytes(article(1))
    (folder / "two.md").write_text("# Two\n\nThe council met on Tuesday to debate it.\n")
    (folder / "notes.pdf").write_bytes(b"%PDF")
    site.add("/a/3.html", article(3))
    (tmp_path / "urls.txt").write_text(f"# today\n{site.url('/a/3.html')}\n")
    config = write_config(tmp_path, {"kind": "folder", "path": "inbox"},
                          {"kind": "list", "path": "urls.txt"})
    first = run_once(config)
    assert first.exit_code == 0, first.output
    assert "articles: 3 new" in first.stdout

    (folder / "one.html").write_bytes(article(1, lead="Corrected: Wednesday."))
    os.utime(folder / "one.html", (time.time() + 5, time.time() + 5))
    second = run_once(config, "--all")
    assert "articles: 0 new, 1 changed, 0 unchanged" in second.stdout
    assert "sources: 2 polled (1 not modified, 0 failed)" in second.stdout


def test_sitemap_index_with_a_gzipped_child(site: LoopbackSite, tmp_path: Path) -> None:
    child = (f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>'
             f'{site.url("/a/1.html")}</loc><lastmod>2024-10-17</lastmod></url></urlset>')
    site.add("/sitemap.xml", f'<sitemapindex><sitemap><loc>{site.url("/s1.xml.gz")}</loc>'
             f'<lastmod>2024-10-17</lastmod></sitemap><sitemap><loc>{site.url("/s2.xml")}'
             "</loc></sitemap></sitemapindex>", Content_Type="application/xml")
    site.add("/s1.xml.gz", gzip.compress(child.encode()), Content_Type="application/gzip")
    site.add("/s2.xml", child.replace("/a/1.html", "/a/2.html"), Content_Type="text/xml")
    site.add("/a/1.html", article(1))
    site.add("/a/2.html", article(2))
    config = write_config(tmp_path, {"kind": "sitemap", "url": site.url("/sitemap.xml")})
    result = run_once(config)
    assert result.exit_code == 0, result.output
    assert "articles: 2 new" in result.stdout
    again = run_once(config, "--all")
    assert "1 not modified" in again.stdout
    # Under an unchanged index, the undated child (a news sitemap) can still change.
    site.add("/s2.xml", child.replace("/a/1.html", "/a/2.html").replace(
        "</urlset>", f"<url><loc>{site.url('/a/3.html')}</loc></url></urlset>"),
        Content_Type="text/xml")
    site.add("/a/3.html", article(3))
    third = run_once(config, "--all")
    assert "articles: 1 new, 0 changed" in third.stdout
    assert site.requests.count("/s1.xml.gz") == 1  # dated, lastmod unchanged: not re-read
    assert site.requests.count("/s2.xml") == 3


def test_adaptive_interval_stays_within_bounds(site: LoopbackSite, tmp_path: Path) -> None:
    site.add("/feed.xml", rss(site.url("/a/1.html")), Content_Type="application/rss+xml")
    site.add("/a/1.html", article(1))
    config = write_config(tmp_path, {"kind": "feed", "url": site.url("/feed.xml"),
                                     "interval": 600, "min_interval": 500, "max_interval": 800})
    run_once(config)  # news: 600 * 0.75 = 450, raised to the 500 floor
    assert rows(tmp_path, "SELECT interval FROM sources") == [(500.0,)]
    run_once(config, "--all")  # quiet: 500 * 1.5 = 750
    assert rows(tmp_path, "SELECT interval FROM sources") == [(750.0,)]
    run_once(config, "--all")  # quiet: 1125, capped at 800
    due = datetime.fromisoformat(rows(tmp_path, "SELECT next_due FROM sources")[0][0])
    assert rows(tmp_path, "SELECT interval FROM sources") == [(800.0,)]
    assert timedelta(seconds=790) < due - datetime.now(UTC) <= timedelta(seconds=800)


# -- politeness ---------------------------------------------------------------------------

def test_a_loopback_feed_without_allow_hosts_names_the_setting_not_robots_txt(
        site: LoopbackSite, tmp_path: Path) -> None:
    site.add("/feed.xml", rss(site.url("/a/1.html")), Content_Type="application/rss+xml")
    config = write_config(tmp_path, {"kind": "feed", "url": site.url("/feed.xml")},
                          allow_hosts=[])
    result = run_once(config)
    assert result.exit_code == 1
    assert site.requests == []  # the guard refused before any request, robots.txt included
    assert "robots.txt" not in result.stdout.replace("skipped (robots.txt)", "")
    assert result.stdout.splitlines()[-1] == (
        f"  source feed:{site.url('/feed.xml')}: blocked: 127.0.0.1 is the non-public address "
        '127.0.0.1; add "127.0.0.1" to [network] allow_hosts in config.toml if you trust it')


def test_robots_txt_disallow_skips_articles_and_blocks_feeds(
        site: LoopbackSite, tmp_path: Path) -> None:
    site.add("/robots.txt", "User-agent: *\nDisallow: /private/\n", Content_Type="text/plain")
    site.add("/feed.xml", rss(site.url("/private/1.html"), site.url("/a/2.html")),
             Content_Type="application/rss+xml")
    site.add("/private/feed.xml", rss(site.url("/a/3.html")), Content_Type="application/rss+xml")
    site.add("/private/1.html", article(1))
    site.add("/a/2.html", article(2))
    config = write_config(tmp_path, {"kind": "feed", "url": site.url("/feed.xml")},
                          {"kind": "feed", "url": site.url("/private/feed.xml")})
    result = run_once(config)
    assert result.exit_code == 1  # the blocked feed is a failed source
    assert "/private/1.html" not in site.requests
    assert "/private/feed.xml" not in site.requests
    assert site.requests.count("/robots.txt") == 1
    robots = f"robots.txt of {site.base} disallows this URL for postlink"
    assert f'article url={site.url("/private/1.html")} status=skipped' in result.stdout
    assert f"source feed:{site.url('/private/feed.xml')}: {robots}" in result.stdout
    assert "articles: 1 new, 0 changed, 0 unchanged, 0 failed, 1 skipped" in result.stdout


def test_short_retry_after_is_waited_for(site: LoopbackSite, tmp_path: Path) -> None:
    times: list[float] = []

    def feed(handler: BaseHTTPRequestHandler) -> Route:
        times.append(time.monotonic())
        if len(times) == 1:
            return Route(429, b"slow down", {"Retry-After": "1"})
        return Route(200, rss(site.url("/a/1.html")), {"Content-Type": "application/rss+xml"})

    site.routes["/feed.xml"] = feed
    site.add("/a/1.html", article(1))
    config = write_config(tmp_path, {"kind": "feed", "url": site.url("/feed.xml")}, retries=1)
    result = run_once(config)
    assert result.exit_code == 0, result.output
    assert len(times) == 2 and times[1] - times[0] >= 0.95
    assert "articles: 1 new" in result.stdout


def test_long_retry_after_defers_the_source(site: LoopbackSite, tmp_path: Path) -> None:
    site.add("/feed.xml", "busy", status=503, Retry_After="7200")
    config = write_config(tmp_path, {"kind": "feed", "url": site.url("/feed.xml"),
                                     "interval": 600}, retries=2)
    started = time.monotonic()
    result = run_once(config)
    assert time.monotonic() - started < 5  # not waited for: asked for two hours
    assert result.exit_code == 1
    assert "HTTP 503; asked to retry after 7200s" in result.stdout
    due = datetime.fromisoformat(rows(tmp_path, "SELECT next_due FROM sources")[0][0])
    assert due - datetime.now(UTC) > timedelta(seconds=7100)
    assert run_once(config).exit_code == 0  # not due: not asked again
    assert site.requests.count("/feed.xml") == 1


# -- faults -------------------------------------------------------------------------------

def test_failing_sources_are_listed_and_the_others_go_on(
        site: LoopbackSite, tmp_path: Path) -> None:
    site.add("/broken.xml", "<rss><channel><item><link>http://x/1</li",
             Content_Type="application/rss+xml")
    site.add("/html.xml", "<!doctype html><html><body>Subscribe!</body></html>")
    site.add("/error.xml", "oops", status=500)
    site.routes["/slow.xml"] = Route(200, rss(), {}, delay=2.5)
    site.add("/good.xml", rss(site.url("/a/1.html"), site.url("/a/gone.html")),
             Content_Type="application/rss+xml")
    site.add("/a/1.html", article(1))
    config = write_config(tmp_path, *({"kind": "feed", "url": site.url(p)} for p in (
        "/broken.xml", "/html.xml", "/error.xml", "/slow.xml", "/good.xml")), timeout=1)
    result = run_once(config)
    assert result.exit_code == 1
    out = result.stdout
    assert "articles: 1 new, 0 changed, 0 unchanged, 1 failed" in out
    assert "sources: 5 polled (0 not modified, 4 failed)" in out
    failures = out[out.index("5 failed:"):]
    assert f"source feed:{site.url('/broken.xml')}: not a readable feed" in failures
    assert (f"source feed:{site.url('/html.xml')}: returned an HTML page, not a feed; "
            "check the feed URL") in failures
    assert f"source feed:{site.url('/error.xml')}: HTTP 500" in failures
    assert f"source feed:{site.url('/slow.xml')}: timed out after 1s" in failures
    assert f"article {site.url('/a/gone.html')}: HTTP 404" in failures


def test_unwritable_database_exits_2(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("not a folder")
    config = write_config(tmp_path, {"kind": "feed", "url": "http://127.0.0.1:9/feed.xml"})
    result = CliRunner().invoke(cli, ["--config", str(config), "--db",
                                      str(tmp_path / "file" / "archive.db"), "run", "--once"])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: {tmp_path / 'file' / 'archive.db'}: cannot open "
                                    "the database")
    assert result.stderr.count("\n") == 1


def test_run_without_sources_or_without_once_is_a_usage_error(tmp_path: Path) -> None:
    config = write_config(tmp_path)
    assert run_once(config).exit_code == 2
    result = CliRunner().invoke(cli, ["--config", str(config), "run"])
    assert result.exit_code == 2 and "needs --once" in result.stderr


def test_a_held_lock_makes_a_second_run_exit(site: LoopbackSite, tmp_path: Path) -> None:
    config = write_config(tmp_path, {"kind": "feed", "url": site.url("/feed.xml")})
    lock = ArchiveLock(tmp_path / "archive.db")
    lock.acquire()
    try:
        result = run_once(config)
    finally:
        lock.release()
    assert result.exit_code == 2
    assert (f"another postlink run/schedule holds the archive lock on "
            f"{tmp_path / 'archive.db.lock'} (pid {os.getpid()}); exiting") in result.stderr
    assert site.requests == []


# -- processes: schedule, SIGTERM, SIGKILL ----------------------------------------------------

def slow_site(site: LoopbackSite, n: int, delay: float) -> None:
    site.add("/feed.xml", rss(*(site.url(f"/a/{i}.html") for i in range(n))),
             Content_Type="application/rss+xml")
    for i in range(n):
        site.routes[f"/a/{i}.html"] = Route(200, article(i), {}, delay=delay)


def wait_for(predicate: Callable[[], bool], timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.05)


def done_items(tmp_path: Path) -> int:
    if not (tmp_path / "archive.db").exists():
        return 0
    try:
        return int(rows(tmp_path, "SELECT count(*) FROM source_items WHERE state = 'done'")[0][0])
    except sqlite3.OperationalError:  # not created yet
        return 0


def start(config: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([POSTLINK, "--config", str(config), *args], text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def kill_mid_run(site: LoopbackSite, tmp_path: Path) -> Path:
    """A `run --once` over a slow feed of 24 articles, SIGKILLed once 4 are done; its config."""
    slow_site(site, 24, delay=0.15)
    config = write_config(tmp_path, {"kind": "feed", "url": site.url("/feed.xml")})
    proc = start(config, "run", "--once")
    wait_for(lambda: done_items(tmp_path) >= 4)
    proc.kill()
    proc.communicate()
    return config


def test_sigkill_mid_run_then_rerun_loses_and_repeats_nothing(
        site: LoopbackSite, tmp_path: Path) -> None:
    config = kill_mid_run(site, tmp_path)
    pending = {url for (url,) in rows(
        tmp_path, "SELECT fetch_url FROM source_items WHERE state != 'done'")}
    assert pending, "the kill landed after the run had finished; slow the site down"
    before = len(site.requests)

    result = run_once(config)
    assert result.exit_code == 0, result.output
    refetched = {site.url(p) for p in site.requests[before:] if p.startswith("/a/")}
    assert refetched == pending  # only what the killed run had not finished
    assert [count(tmp_path, t) for t in ("articles", "article_versions", "captures", "embeds",
                                         "posts", "sentences")] == \
        [24, 24, 24, 24, 24, 24 * count_sentences_per_article(tmp_path)]
    assert rows(tmp_path, "SELECT state, count(*) FROM source_items GROUP BY state") == \
        [("done", 24)]
    assert rows(tmp_path, "SELECT count(DISTINCT url) FROM articles") == [(24,)]


def count_sentences_per_article(tmp_path: Path) -> int:
    counts = {n for (n,) in rows(tmp_path, "SELECT count(*) FROM sentences GROUP BY version_id")}
    assert len(counts) == 1  # every article has the same shape
    return counts.pop()


def test_sigterm_finishes_the_articles_in_flight_and_exits(
        site: LoopbackSite, tmp_path: Path) -> None:
    slow_site(site, 24, delay=0.2)
    config = write_config(tmp_path, {"kind": "feed", "url": site.url("/feed.xml")})
    proc = start(config, "run", "--once")
    wait_for(lambda: done_items(tmp_path) >= 2)
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=10)
    assert proc.returncode == 1
    assert "SIGTERM: finishing the articles in flight, then exiting" in err
    assert "interrupted: unfinished articles stay queued for the next run" in out
    states = dict(rows(tmp_path, "SELECT state, count(*) FROM source_items GROUP BY state"))
    assert states.get("failed") is None and states["pending"] > 0
    assert count(tmp_path, "articles") == states["done"]  # in flight = finished, not lost
    assert run_once(config).exit_code == 0
    assert count(tmp_path, "articles") == 24


def test_schedule_polls_holds_the_lock_and_stops_on_sigterm(
        site: LoopbackSite, tmp_path: Path) -> None:
    slow_site(site, 3, delay=0)
    config = write_config(tmp_path, {"kind": "feed", "url": site.url("/feed.xml"),
                                     "interval": 3600})
    scheduler = start(config, "schedule")
    try:
        wait_for(lambda: done_items(tmp_path) == 3)
        second = subprocess.run([POSTLINK, "--config", str(config), "run", "--once"],
                                capture_output=True, text=True, timeout=30)
        assert second.returncode == 2
        assert f"holds the archive lock on {tmp_path / 'archive.db.lock'} " \
               f"(pid {scheduler.pid}); exiting" in second.stderr
    finally:
        scheduler.send_signal(signal.SIGTERM)
        out, err = scheduler.communicate(timeout=15)
    assert scheduler.returncode == 0, err
    assert f"article url={site.url('/a/0.html')} status=new posts=1" in out
    assert "scheduling 1 sources" in err and "stopping" in err
    assert count(tmp_path, "articles") == 3
    assert site.requests.count("/feed.xml") == 1


def test_source_option_polls_only_the_named_sources(site: LoopbackSite, tmp_path: Path) -> None:
    site.add("/one.xml", rss(site.url("/a/1.html")), Content_Type="application/rss+xml")
    site.add("/two.xml", rss(site.url("/a/2.html")), Content_Type="application/rss+xml")
    site.add("/a/1.html", article(1))
    config = write_config(tmp_path, {"kind": "feed", "url": site.url("/one.xml")},
                          {"kind": "feed", "url": site.url("/two.xml")})
    result = run_once(config, "--source", site.url("/one.xml"))
    assert result.exit_code == 0, result.output
    assert "/two.xml" not in site.requests
    unknown = run_once(config, "--source", site.url("/three.xml"))
    assert unknown.exit_code == 2
    assert (f"{site.url('/three.xml')}: no such source in the config; give a source's url, "
            "path or kind:url") in unknown.stderr


def test_progress_bar_mode_prints_the_summary_only(site: LoopbackSite, tmp_path: Path) -> None:
    site.add("/feed.xml", rss(site.url("/a/1.html")), Content_Type="application/rss+xml")
    site.add("/a/1.html", article(1))
    config = write_config(tmp_path, {"kind": "feed", "url": site.url("/feed.xml")})
    result = run_once(config, "--progress")
    assert result.exit_code == 0, result.output
    assert "article url=" not in result.stdout
    assert result.stdout.splitlines()[1].startswith("articles: 1 new")


def test_robots_crawl_delay_spaces_the_articles(site: LoopbackSite, tmp_path: Path) -> None:
    starts: dict[str, float] = {}

    def page(n: int) -> Callable[[BaseHTTPRequestHandler], Route]:
        def route(handler: BaseHTTPRequestHandler) -> Route:
            starts[handler.path] = time.monotonic()
            return Route(200, article(n))
        return route

    site.add("/robots.txt", "User-agent: postlink\nCrawl-delay: 0.5\n", Content_Type="text/plain")
    site.add("/feed.xml", rss(*(site.url(f"/a/{n}.html") for n in range(3))),
             Content_Type="application/rss+xml")
    for n in range(3):
        site.routes[f"/a/{n}.html"] = page(n)
    config = write_config(tmp_path, {"kind": "feed", "url": site.url("/feed.xml")})
    assert run_once(config).exit_code == 0
    times = sorted(starts.values())
    assert len(times) == 3
    assert all(b - a >= 0.45 for a, b in zip(times, times[1:], strict=False))


def test_schedule_rechecks_expired_short_links(site: LoopbackSite, tmp_path: Path) -> None:
    site.add("/s/abc", "", status=301, Location=site.url("/a/1.html"))
    site.add("/a/1.html", article(1))
    config = load_config(write_config(tmp_path, {"kind": "feed", "url": site.url("/feed.xml")}))
    store = Store(config.archive.db)
    store.save_short_link(url=site.url("/s/abc"), status="failed", final_url=None,
                          canonical_url=None, error="timed out", checked_at="2024-01-01T00:00:00",
                          expires_at="2024-01-02T00:00:00", hops=[])
    notes: list[str] = []
    Schedule(config, reporter=LogReporter(), stop=threading.Event(),
             notify=notes.append)._recheck_links()
    row = store.short_link(site.url("/s/abc"))
    store.close()
    assert row is not None and row["status"] == "resolved"
    assert row["final_url"] == site.url("/a/1.html")
    assert notes == ["job short-links: 1 re-checked, 1 resolved"]

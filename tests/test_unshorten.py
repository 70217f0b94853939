"""Short-link resolution: pure rules, MockTransport chains, and live loopback shorteners."""

from __future__ import annotations

import asyncio
import gzip
import json
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from postlink.cli import cli
from postlink.config import NetworkConfig
from postlink.net import retry
from postlink.store import Store
from postlink.unshorten import Resolution, is_shortener, page_target, resolve_many, unwrap
from tests import netns
from tests.servers import HostServer, Reply, host_server

BROWSER = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15"
# t.co's answer to a browser user agent (reference/platforms.md §13.1)
TCO_PAGE = (
    '<head><meta name="referrer" content="always"><noscript><META http-equiv="refresh" '
    'content="0;URL=http://bit.ly/3xYz"></noscript><title>http://bit.ly/3xYz</title></head>'
    '<script>window.opener = null; location.replace("http:\\/\\/bit.ly\\/3xYz")</script>'
)


def run(coro):  # noqa: ANN001, ANN201 (any coroutine)
    return asyncio.run(coro)


def mock(routes: dict[str, httpx.Response]) -> httpx.MockTransport:
    """Answer from ``routes`` keyed by full URL; anything else is a 404."""
    def handler(request: httpx.Request) -> httpx.Response:
        return routes.get(str(request.url), httpx.Response(404))
    return httpx.MockTransport(handler)


def moved(location: str, status: int = 301) -> httpx.Response:
    return httpx.Response(status, headers={"Location": location})


def page(html: str) -> httpx.Response:
    return httpx.Response(200, text=html, headers={"Content-Type": "text/html; charset=utf-8"})


# -- pure rules ---------------------------------------------------------------------------

@pytest.mark.parametrize(("url", "target"), [
    ("https://l.facebook.com/l.php?u=https%3A%2F%2Fnews.example%2Fa%3Fx%3D1&h=AT0",
     "https://news.example/a?x=1"),
    ("https://www.google.com/url?q=https://news.example/b&sa=D", "https://news.example/b"),
    ("https://www.google.co.uk/url?sa=t&url=https%3A%2F%2Fnews.example%2Fc",
     "https://news.example/c"),
    ("https://www.youtube.com/redirect?event=video&q=https%3A%2F%2Fnews.example%2Fd",
     "https://news.example/d"),
    ("https://out.reddit.com/t3_abc?url=https%3A%2F%2Fnews.example%2Fe&token=x",
     "https://news.example/e"),
    ("https://www.linkedin.com/safety/go?url=https%3A%2F%2Fnews.example%2Ff&trk=x",
     "https://news.example/f"),
    ("https://youtu.be/dQw4w9WgXcQ", "https://www.youtube.com/watch?v=dQw4w9WgXcQ"),
    ("https://redd.it/1abcde", "https://www.reddit.com/comments/1abcde/"),
    ("https://www.google.com/amp/s/news.example/amp/g", "https://news.example/amp/g"),
])
def test_unwrap_without_request(url: str, target: str) -> None:
    assert unwrap(url) == target


@pytest.mark.parametrize("url", [
    "https://news.example/l.php?u=https://x.example/",  # not facebook
    "https://l.facebook.com/l.php?u=javascript:alert(1)",  # not a web target
    "https://youtu.be/short",  # not an 11-character video id
    "https://t.co/abc",
])
def test_unwrap_leaves_other_urls(url: str) -> None:
    assert unwrap(url) is None


def test_tco_browser_page_gives_meta_refresh_target() -> None:
    assert page_target(TCO_PAGE, "https://t.co/abc") == ("http://bit.ly/3xYz", "meta")


@pytest.mark.parametrize(("html", "target", "via"), [
    # meta refresh with the attributes the other way round, quoted URL, inside the body
    ('<body><p>moved</p><meta content="1; url=\'/next?a=1&amp;b=2\'" http-equiv="Refresh">',
     "https://sho.rt/next?a=1&b=2", "meta"),
    ('<script>location.replace("https:\\/\\/news.example\\/a\\u0026b")</script>',
     "https://news.example/a&b", "js"),
    ("<script>window.location = 'https://news.example/w';</script>", "https://news.example/w",
     "js"),
    ('<script>location.href="https://news.example/h"</script>', "https://news.example/h", "js"),
    ("<title> https://news.example/t </title>", "https://news.example/t", "title"),
])
def test_page_target_variants(html: str, target: str, via: str) -> None:
    assert page_target(html, "https://sho.rt/x") == (target, via)


def test_article_page_scripts_are_not_redirects() -> None:
    # A real article: long, scripts that assign location on a click, a URL-ish title.
    html = ("<title>https://news.example/story</title><script>function go(){"
            "window.location = '/login'}</script>" + "<p>text</p>" * 800)
    assert page_target(html, "https://news.example/story") is None


def test_slow_meta_refresh_is_a_reload_not_a_redirect() -> None:
    html = '<meta http-equiv="refresh" content="300;url=https://news.example/home">'
    assert page_target(html, "https://news.example/home2") is None


def test_bitly_warning_interstitial_names_the_target() -> None:
    html = ('<a href="https://bitly.com/pages/privacy">Privacy</a><h1>Warning! This link may '
            'be unsafe</h1><a id="clickthrough" href="https://dodgy.example/p?id=7">Continue'
            '</a>' + "<p>filler</p>" * 500)
    assert page_target(html, "https://bitly.com/a/warning?hash=3xYz") == (
        "https://dodgy.example/p?id=7", "interstitial")


# -- chains through MockTransport ----------------------------------------------------------

def test_tco_bitly_chain_is_recorded_hop_by_hop_and_canonicalised() -> None:
    transport = mock({
        "https://t.co/abc": page(TCO_PAGE),
        "http://bit.ly/3xYz": moved("https://news.example/a?utm_source=tw&id=9"),
        "https://news.example/a?utm_source=tw&id=9": page("<p>the article</p>"),
    })
    [r] = run(resolve_many(["https://t.co/abc"], NetworkConfig(), transport=transport))
    assert r.status == "resolved"
    assert r.final_url == "https://news.example/a?utm_source=tw&id=9"
    assert r.canonical_url == "https://news.example/a?id=9"
    assert [(h.url, h.status, h.via) for h in r.hops] == [
        ("https://t.co/abc", 200, "meta"),
        ("http://bit.ly/3xYz", 301, "http"),
        ("https://news.example/a?utm_source=tw&id=9", 200, "http"),
    ]
    assert r.redirects == 2


@pytest.mark.parametrize("code", [301, 302, 303, 307, 308])
def test_every_redirect_code_and_relative_location(code: int) -> None:
    transport = mock({"https://sho.rt/a": moved("../b/c?x=1", code),
                      "https://sho.rt/b/c?x=1": page("<p>done</p>")})
    [r] = run(resolve_many(["https://sho.rt/a"], NetworkConfig(), transport=transport))
    assert (r.status, r.final_url, r.hops[0].status) == ("resolved", "https://sho.rt/b/c?x=1",
                                                          code)


def test_loop_is_detected() -> None:
    transport = mock({"https://a.example/1": moved("https://b.example/2"),
                      "https://b.example/2": moved("https://a.example/1")})
    [r] = run(resolve_many(["https://a.example/1"], NetworkConfig(), transport=transport))
    assert r.status == "loop"
    assert len(r.hops) == 2


def test_too_many_hops() -> None:
    routes = {
        f"https://s.example/{i}": moved(f"https://s.example/{i + 1}") for i in range(20)}
    transport = mock(routes)
    network = replace(NetworkConfig(), max_hops=3)
    [r] = run(resolve_many(["https://s.example/0"], network, transport=transport))
    assert r.status == "too_many_hops"
    assert [h.url for h in r.hops] == [f"https://s.example/{i}" for i in range(4)]


@pytest.mark.parametrize(("answer", "status"), [
    (httpx.Response(404), "dead"), (httpx.Response(410), "dead"),
    (httpx.Response(403), "failed"),  # the shortener itself refuses: we learnt nothing
])
def test_dead_and_refused_short_links(answer: httpx.Response, status: str) -> None:
    [r] = run(resolve_many(["https://bit.ly/x"], NetworkConfig(),
                           transport=mock({"https://bit.ly/x": answer})))
    assert r.status == status


def test_destination_refusing_robots_is_still_resolved() -> None:
    transport = mock({"https://bit.ly/x": moved("https://paywall.example/a"),
                      "https://paywall.example/a": httpx.Response(403)})
    [r] = run(resolve_many(["https://bit.ly/x"], NetworkConfig(), transport=transport))
    assert (r.status, r.final_url) == ("resolved", "https://paywall.example/a")


def test_redirect_to_obfuscated_loopback_is_blocked_before_any_request() -> None:
    asked: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        asked.append(str(request.url))
        return moved("http://2130706433/admin")

    network = replace(NetworkConfig(), allow_hosts=("127.0.0.1",))
    [r] = run(resolve_many(["https://bit.ly/x"], network,
                           transport=httpx.MockTransport(handler)))
    assert r.status == "blocked"
    assert r.final_url == "http://2130706433/admin"
    assert asked == ["https://bit.ly/x"]


def test_youtu_be_needs_no_request() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise AssertionError(f"unexpected request to {request.url}")

    [r] = run(resolve_many(["https://youtu.be/dQw4w9WgXcQ"], NetworkConfig(),
                           transport=httpx.MockTransport(handler)))
    assert (r.status, r.final_url) == ("resolved", "https://www.youtube.com/watch?v=dQw4w9WgXcQ")
    assert [h.via for h in r.hops] == ["wrapper"]


def test_wrapper_around_a_shortener_is_followed() -> None:
    transport = mock({"https://bit.ly/x": moved("https://news.example/z"),
                      "https://news.example/z": page("<p>z</p>")})
    url = "https://l.facebook.com/l.php?u=https%3A%2F%2Fbit.ly%2Fx"
    [r] = run(resolve_many([url], NetworkConfig(), transport=transport))
    assert [h.via for h in r.hops] == ["wrapper", "http", "http"]
    assert r.final_url == "https://news.example/z"


# -- cache ---------------------------------------------------------------------------------

def counting(routes: dict[str, httpx.Response]) -> tuple[httpx.MockTransport, list[str]]:
    asked: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        asked.append(str(request.url))
        return routes.get(str(request.url), httpx.Response(404))

    return httpx.MockTransport(handler), asked


def test_second_resolve_is_cached_and_refresh_bypasses(tmp_path: Path) -> None:
    store = Store(tmp_path / "a.db")
    transport, asked = counting({"https://bit.ly/x": moved("https://news.example/q"),
                                 "https://news.example/q": page("<p>q</p>")})
    first = run(resolve_many(["https://bit.ly/x"], NetworkConfig(), store=store,
                             transport=transport))
    second = run(resolve_many(["https://bit.ly/x"], NetworkConfig(), store=store,
                              transport=transport))
    assert len(asked) == 2
    assert (first[0].cached, second[0].cached) == (False, True)
    assert second[0].hops == first[0].hops
    run(resolve_many(["https://bit.ly/x"], NetworkConfig(), store=store, transport=transport,
                     refresh=True))
    assert len(asked) == 4
    row = store.query("SELECT status, hops, final_url FROM short_links")[0]
    assert row == {"status": "resolved", "hops": 1, "final_url": "https://news.example/q"}
    assert store.query("SELECT count(*) AS n FROM redirects")[0]["n"] == 2


def test_a_cached_block_is_retried_once_the_host_is_allowed(tmp_path: Path) -> None:
    """Putting the host in allow_hosts is the fix the block's message names: it must take
    effect at once, not a day later when the cached `blocked` expires (issue 14)."""
    store = Store(tmp_path / "a.db")
    transport, asked = counting({"http://127.0.0.1/a": page("<p>a</p>")})
    [first] = run(resolve_many(["http://127.0.0.1/a"], NetworkConfig(), store=store,
                               transport=transport))
    assert first.status == "blocked" and asked == []
    assert first.error == ('blocked: 127.0.0.1 is the non-public address 127.0.0.1; add '
                           '"127.0.0.1" to [network] allow_hosts in config.toml if you trust it')
    [again] = run(resolve_many(["http://127.0.0.1/a"], NetworkConfig(), store=store,
                               transport=transport))
    assert (again.status, again.cached) == ("blocked", True)  # nothing changed: cached
    allowed = replace(NetworkConfig(), allow_hosts=("127.0.0.1",))
    [now] = run(resolve_many(["http://127.0.0.1/a"], allowed, store=store,
                             transport=transport))
    assert (now.status, now.cached) == ("resolved", False)
    assert asked == ["http://127.0.0.1/a"]
    assert store.short_link("http://127.0.0.1/a")["status"] == "resolved"


def test_failures_expire_sooner_than_successes(tmp_path: Path) -> None:
    store = Store(tmp_path / "a.db")
    transport, _ = counting({"https://ok.example/": page("<p>ok</p>")})
    network = replace(NetworkConfig(), retries=0)
    run(resolve_many(["https://ok.example/", "https://gone.example/"], network, store=store,
                     transport=transport))
    rows = {r["url"]: r for r in store.query("SELECT * FROM short_links")}
    ok, gone = rows["https://ok.example/"], rows["https://gone.example/"]
    assert gone["status"] == "dead"
    assert ok["expires_at"][:10] > gone["expires_at"][:10]
    # Once expired, the dead link is asked again; the resolved one is not.
    store.conn.execute("UPDATE short_links SET expires_at = '2000-01-01T00:00:00+00:00'"
                       " WHERE url = 'https://gone.example/'")
    transport2, asked = counting({})
    run(resolve_many(["https://ok.example/", "https://gone.example/"], network, store=store,
                     transport=transport2))
    assert asked == ["https://gone.example/"]


# -- live: loopback servers in a loopback-only namespace ---------------------------------

def test_live_tests_in_loopback_namespace() -> None:
    netns.run_in_netns(__file__)


@pytest.fixture
def server() -> Iterator[HostServer]:
    netns.assert_isolated()
    with host_server() as s:
        yield s


@pytest.fixture(autouse=True)
def fast_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(retry, "BACKOFF_BASE", 0.05)


def live_network(**changes: object) -> NetworkConfig:
    return replace(NetworkConfig(timeout=2.0, retries=1), **changes)  # type: ignore[arg-type]


def live_resolve(server: HostServer, urls: list[str], **changes: object) -> list[Resolution]:
    """Resolve against ``server``: its hosts resolve to 127.0.0.1 and are allowed there."""
    network = live_network(**{"allow_hosts": server.hosts(), **changes})
    return run(resolve_many(urls, network, resolver=server.resolver()))


def tco(seen) -> Reply:  # noqa: ANN001 (servers.Seen)
    """t.co: a 301 for honest clients, the meta/title/JS page for browsers."""
    if "Mozilla" in seen.user_agent:
        return Reply(200, TCO_PAGE)
    return Reply(301, "", {"Location": "http://bit.ly/3xYz"})


@pytest.mark.parametrize(("agent", "first_via"), [
    ("postlink/0.1 (+https://github.com/postlink/postlink)", "http"), (BROWSER, "meta")])
@netns.live
def test_live_tco_for_both_user_agents(server: HostServer, agent: str, first_via: str) -> None:
    server.route("t.co", "/abc", tco)
    server.redirect("bit.ly", "/3xYz", "http://www.news.example/2024/story.html?utm_medium=s")
    server.page("www.news.example", "/2024/story.html?utm_medium=s")
    [r] = live_resolve(server, ["http://t.co/abc"], user_agent=agent)
    assert r.status == "resolved", r.error
    assert [h.via for h in r.hops] == [first_via, "http", "http"]
    assert r.canonical_url == "http://www.news.example/2024/story.html"
    assert server.hits("t.co")[0].user_agent == agent


@netns.live
def test_live_chain_of_five_hosts(server: HostServer) -> None:
    hosts = ["t.co", "bit.ly", "buff.ly", "ow.ly", "trib.al"]
    for here, there in zip(hosts, hosts[1:], strict=False):
        server.redirect(here, "/x", f"http://{there}/x", status=302)
    server.route("trib.al", "/x", Reply(200, '<meta http-equiv="refresh" content="0;url='
                                             'http://final.example/end">'))
    server.page("final.example", "/end")
    [r] = live_resolve(server, ["http://t.co/x"])
    assert r.status == "resolved"
    assert [h.url for h in r.hops] == [f"http://{h}/x" for h in hosts] + [
        "http://final.example/end"]
    assert all(h.ms >= 0 for h in r.hops)


@netns.live
def test_live_bitly_flagged_link_interstitial(server: HostServer) -> None:
    server.redirect("bit.ly", "/flag", "http://bitly.com/a/warning?hash=flag&url=x", 302)
    server.route("bitly.com", "/a/warning?hash=flag&url=x", Reply(200, (
        '<a href="http://bitly.com/pages/terms">Terms</a><p>This link has been flagged</p>'
        '<a class="btn" href="http://dodgy.example/landing">Continue anyway</a>')))
    server.page("dodgy.example", "/landing")
    [r] = live_resolve(server, ["http://bit.ly/flag"])
    assert r.final_url == "http://dodgy.example/landing"
    assert [h.via for h in r.hops] == ["http", "interstitial", "http"]


@netns.live
def test_live_lnkd_in_interstitial(server: HostServer) -> None:
    server.route("lnkd.in", "/eAbC", Reply(200, (
        '<main><p>This link will take you to a page that is not on LinkedIn</p>'
        '<a href="https://www.linkedin.com/help">Learn more</a>'
        '<a class="artdeco-button" data-tracking-control-name="external_url_click" '
        'href="http://blog.example/post?trk=x">http://blog.example/post</a></main>')))
    server.page("blog.example", "/post?trk=x")
    [r] = live_resolve(server, ["http://lnkd.in/eAbC"])
    assert (r.status, r.final_url) == ("resolved", "http://blog.example/post?trk=x")
    assert r.hops[0].via == "interstitial"


@netns.live
def test_live_slow_host_times_out(server: HostServer) -> None:
    server.route("slow.example", "/", Reply(200, "<p>late</p>", delay=1.5))
    started = time.monotonic()
    [r] = live_resolve(server, ["http://slow.example/"], timeout=0.3, retries=0)
    assert r.status == "failed"
    assert "timed out" in (r.error or "")
    assert time.monotonic() - started < 1.2


@netns.live
def test_live_trickling_body_hits_the_hop_deadline(server: HostServer) -> None:
    server.route("drip.example", "/", Reply(200, "<p>", chunks=(b"x",) * 20, chunk_delay=0.1))
    started = time.monotonic()
    [r] = live_resolve(server, ["http://drip.example/"], deadline=0.5, retries=0)
    assert r.status == "failed"
    assert time.monotonic() - started < 1.5


@netns.live
def test_live_429_retry_after_is_honoured(server: HostServer) -> None:
    answers = iter([Reply(429, "", {"Retry-After": "1"}), Reply(301, "", {
        "Location": "http://news.example/ok"})])
    server.route("bit.ly", "/busy", lambda seen: next(answers))
    server.page("news.example", "/ok")
    [r] = live_resolve(server, ["http://bit.ly/busy"], retries=2)
    assert r.status == "resolved"
    first, second = server.hits("bit.ly")
    assert second.at - first.at >= 0.95


@netns.live
def test_live_retry_after_beyond_cap_is_not_waited_for(server: HostServer) -> None:
    server.route("bit.ly", "/busy", Reply(429, "", {"Retry-After": "3600"}))
    started = time.monotonic()
    [r] = live_resolve(server, ["http://bit.ly/busy"], retries=3)
    assert (r.status, r.error) == ("failed", "HTTP 429")
    assert len(server.hits("bit.ly")) == 1
    assert time.monotonic() - started < 1


@netns.live
def test_live_5xx_is_retried_and_404_is_not(server: HostServer) -> None:
    server.route("flaky.example", "/", Reply(503))
    server.route("gone.example", "/", Reply(404))
    results = live_resolve(server, ["http://flaky.example/", "http://gone.example/"], retries=2)
    assert [r.status for r in results] == ["failed", "dead"]
    assert (len(server.hits("flaky.example")), len(server.hits("gone.example"))) == (3, 1)


@netns.live
def test_live_unknown_host_is_dead_without_retry(server: HostServer) -> None:
    [r] = live_resolve(server, ["http://nowhere.example/"], retries=3)
    assert (r.status, r.error) == ("dead", "no such host (nowhere.example); check the host "
                                   "name, and that this machine can look names up (DNS)")


@netns.live
def test_live_huge_and_gzip_bomb_bodies_read_only_the_head(server: HostServer) -> None:
    huge = b"<p>" + b"a" * 20_000_000
    bomb = gzip.compress(b"<p>" + b"\0" * 200_000_000, compresslevel=9)  # ~200 KB on the wire
    server.route("huge.example", "/", Reply(200, huge))
    server.route("bomb.example", "/", Reply(200, bomb, {"Content-Encoding": "gzip"}))
    started = time.monotonic()
    results = live_resolve(server, ["http://huge.example/", "http://bomb.example/"])
    assert [r.status for r in results] == ["resolved", "resolved"]
    assert time.monotonic() - started < 2


@netns.live
def test_live_redirects_to_private_addresses_are_blocked(server: HostServer) -> None:
    # allow_hosts lets the test reach its own server by name; nothing else is exempt
    targets = ["http://127.0.0.1/", "http://2130706433/", "http://0x7f.1/", "http://0177.0.0.1/",
               "http://127.1/", "http://169.254.169.254/latest/meta-data/", "http://[::1]/",
               "http://[::ffff:127.0.0.1]/", "http://[::ffff:a9fe:a9fe]/", "http://10.0.0.1/",
               "http://192.168.1.1/", "http://0.0.0.0/", "http://[fe80::1]/",
               "http://metadata.example/"]
    for i, target in enumerate(targets):
        server.redirect("bit.ly", f"/p{i}", target)
    resolver = server.resolver("metadata.example")  # a public-looking name -> 127.0.0.1
    network = live_network(allow_hosts=("bit.ly",))
    results = run(resolve_many([f"http://bit.ly/p{i}" for i in range(len(targets))], network,
                               resolver=resolver))
    assert [(r.final_url, r.status) for r in results] == [(t, "blocked") for t in targets]
    assert {s.host for s in server.seen} == {"bit.ly"}


@netns.live
def test_live_allow_hosts_exempts_only_the_canonical_literal(server: HostServer) -> None:
    server.redirect("bit.ly", "/a", f"http://127.0.0.1:{server.port}/x")
    server.redirect("bit.ly", "/b", f"http://2130706433:{server.port}/x")
    server.page("127.0.0.1", "/x")
    network = live_network(allow_hosts=("bit.ly", "127.0.0.1"))
    results = run(resolve_many(["http://bit.ly/a", "http://bit.ly/b"], network,
                               resolver=server.resolver()))
    assert [r.status for r in results] == ["resolved", "blocked"]


@netns.live
def test_live_per_host_concurrency_and_delay(server: HostServer) -> None:
    active = {"now": 0, "max": 0}

    def slow(seen) -> Reply:  # noqa: ANN001
        active["now"] += 1
        active["max"] = max(active["max"], active["now"])
        time.sleep(0.1)
        active["now"] -= 1
        return Reply(200, "<p>ok</p>")

    server.route("busy.example", "*", slow)
    live_resolve(server, [f"http://busy.example/{i}" for i in range(6)],
                 per_host_concurrency=2, concurrency=16)
    assert active["max"] == 2
    server.seen.clear()
    live_resolve(server, [f"http://busy.example/d{i}" for i in range(3)],
                 per_host_concurrency=4, per_host_delay=0.3)
    # Arrival times at the server, so connection set-up jitter is allowed for; the limiter's
    # own spacing is tested exactly in test_client.py.
    starts = sorted(s.at for s in server.seen)
    assert all(b - a >= 0.2 for a, b in zip(starts, starts[1:], strict=False))


def live_cli(server: HostServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """CLI arguments for an archive in ``tmp_path`` whose config lets the server's hosts
    through the guard; the CLI's system resolver is pointed at the server for their names."""
    from postlink.net import guard

    monkeypatch.setattr(guard, "system_resolver", server.resolver())
    config = tmp_path / "config.toml"
    allow = ", ".join(f'"{h}"' for h in server.hosts())
    config.write_text(f"[network]\ntimeout = 2\nallow_hosts = [{allow}]\n", encoding="utf-8")
    return ["--config", str(config), "--db", str(tmp_path / "a.db")]


@netns.live
def test_live_cli_resolve_json_and_cache(server: HostServer, tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    server.route("t.co", "/abc", tco)
    server.redirect("bit.ly", "/3xYz", "http://news.example/story?fbclid=zz")
    server.page("news.example", "/story?fbclid=zz")
    args = [*live_cli(server, tmp_path, monkeypatch), "resolve", "--json",
            "http://t.co/abc", "http://t.co/missing"]
    first = CliRunner().invoke(cli, args)
    assert first.exit_code == 1, first.output
    data = json.loads(first.output)
    assert [(d["status"], d["cached"]) for d in data] == [("resolved", False), ("dead", False)]
    assert data[0]["canonical_url"] == "http://news.example/story"
    assert [h["status"] for h in data[0]["hops"]] == [301, 301, 200]
    hits = len(server.seen)
    again = CliRunner().invoke(cli, args)
    assert [d["cached"] for d in json.loads(again.output)] == [True, True]
    assert len(server.seen) == hits
    table = CliRunner().invoke(cli, [*args[:4], "resolve", "http://t.co/abc"])
    assert table.exit_code == 0
    assert "resolved (cached)" in table.output


def test_cli_resolve_rejects_non_urls() -> None:
    result = CliRunner().invoke(cli, ["resolve", "t.co/abc"])
    assert result.exit_code == 2
    assert "not an http(s) URL" in result.output


@netns.live
def test_live_cli_resolve_pending_takes_the_links_add_offline_recorded(
        server: HostServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    server.route("t.co", "/abc", tco)
    server.redirect("bit.ly", "/3xYz", "http://news.example/story")
    server.page("news.example", "/story")
    base = live_cli(server, tmp_path, monkeypatch)
    article = tmp_path / "plan.txt"
    article.write_text("Council shares ferry plan\n\nThe council shared its plan at "
                       "http://t.co/abc on Monday; the full text is at "
                       "http://news.example/story too.\n", encoding="utf-8")
    added = CliRunner().invoke(cli, [*base, "add", str(article), "--offline"])
    assert added.exit_code == 0, added.output
    assert not server.seen  # offline: nothing fetched, the links only recorded
    first = CliRunner().invoke(cli, [*base, "resolve", "--pending", "--json"])
    assert first.exit_code == 0, first.output
    data = json.loads(first.output)
    # the shortener only: a link straight to an article is not a short link
    assert [(d["url"], d["status"]) for d in data] == [("http://t.co/abc", "resolved")]
    assert data[0]["final_url"] == "http://news.example/story"
    again = CliRunner().invoke(cli, [*base, "resolve", "--pending", "--json"])
    assert again.exit_code == 0 and "no short links are waiting" in again.output


def test_cli_resolve_without_links_or_pending_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["--db", str(tmp_path / "a.db"), "resolve"])
    assert result.exit_code == 2
    assert "--pending" in result.output


@pytest.mark.parametrize(("url", "short"), [
    ("https://www.tiktok.com/t/ZTRabc123/", True),  # TikTok's "copy link": a code, no video id
    ("https://www.facebook.com/share/p/1AbCdEfTram/", True),  # Facebook's, for a post
    ("https://m.facebook.com/share/v/1AbCdEfTram/", True),  # and for a video
    ("https://www.facebook.com/share/", False),  # no code
    ("https://www.facebook.com/HarbourFerry/posts/1015800000000010", False),  # a post's own address
    ("https://www.tiktok.com/@deckhand_jo/video/7357000000000000043", False),
])
def test_a_platform_s_share_link_is_resolved_like_a_short_link(url: str, short: bool) -> None:
    assert is_shortener(url) is short

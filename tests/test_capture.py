"""check-posts: capturing the authoritative post (oEmbed and public APIs) and recording it."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from click.testing import CliRunner

from postlink.capture import Capture, capture_post, check_posts_sync, endpoint_for
from postlink.cli import cli
from postlink.config import CaptureConfig, Config, parse_config
from postlink.errors import ConfigError
from postlink.net.client import build_client
from postlink.store import Store
from tests.conftest import LoopbackSite, Route

X_ID = "1846631010010116096"
X_URL = f"https://twitter.com/OmarFieldPC/status/{X_ID}"
X_TEXT = "The bridge toll would cost a commuter more than 900 dollars a year."
X_HTML = (
    '<blockquote class="twitter-tweet"><p lang="en" dir="ltr">{text}</p>&mdash; Omar Field '
    f'(@OmarFieldPC) <a href="{X_URL}?ref_src=twsrc%5Etfw">October 16, 2024</a></blockquote>\n'
)
BSKY_KEY = "bsky:alice.example.com/3kabc2defgh2x"
MASTODON_KEY = "mastodon:mastodon.social/113000000000000000"

Handler = Callable[[httpx.Request], httpx.Response]


def x_oembed(text: str = X_TEXT) -> dict[str, Any]:
    return {"url": X_URL, "author_name": "Omar Field",
            "author_url": "https://twitter.com/OmarFieldPC", "html": X_HTML.format(text=text),
            "provider_name": "X"}


def config(**capture: Any) -> Config:
    return parse_config({"network": {"retries": 0, "timeout": 2}, "capture": capture})


def ask(key: str, handler: Handler, *, permalink: str | None = None,
        cfg: Config | None = None) -> Capture:
    cfg = cfg or config()

    async def run() -> Capture:
        async with build_client(cfg.network, transport=httpx.MockTransport(handler)) as client:
            return await capture_post(client, key, permalink, cfg.network, cfg.capture)

    return asyncio.run(run())


def answer(status: int, body: Any = None, *, raw: bytes | None = None) -> Handler:
    def handler(request: httpx.Request) -> httpx.Response:
        if raw is not None:
            return httpx.Response(status, content=raw)
        return httpx.Response(status, json=body)
    return handler


# -- one post, each platform ----------------------------------------------------------------

def test_x_live_reads_the_oembed_blockquote() -> None:
    seen: list[httpx.URL] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.url)
        return httpx.Response(200, json=x_oembed())

    result = ask(f"x:{X_ID}", handler, permalink=X_URL)
    assert result == Capture(f"x:{X_ID}", "live", text=X_TEXT, author_name="Omar Field",
                             author_handle="OmarFieldPC", source="oembed",
                             endpoint=str(seen[0]))
    assert seen[0].host == "publish.twitter.com" and seen[0].path == "/oembed"
    assert parse_qs(seen[0].query.decode()) == {"url": [X_URL], "omit_script": ["1"],
                                                "dnt": ["1"]}


@pytest.mark.parametrize(
    ("handler", "status", "error"),
    [
        (answer(404, {"error": "not found"}), "deleted", "HTTP 404"),
        (answer(403, {"error": "Sorry, you are not authorized to see this status."}), "gated",
         "HTTP 403"),
        (answer(403, {"error": "User has been suspended."}), "deleted",
         "HTTP 403, account suspended"),
        (answer(429, {"errors": "rate limit"}), "unavailable",
         "HTTP 429, rate-limited: retry later"),
        (answer(500, raw=b"oops"), "unavailable", "HTTP 500"),
        (answer(200, raw=b"{not json"), "unavailable", "malformed answer (JSONDecodeError"),
        (answer(200, {"html": "<p>no blockquote</p>"}), "unavailable", "malformed answer"),
        (answer(200, ["a list"]), "unavailable", "malformed answer (TypeError"),
    ],
    ids=["deleted", "protected", "suspended", "rate-limited", "error", "bad-json", "no-post",
         "wrong-shape"],
)
def test_x_failures(handler: Handler, status: str, error: str) -> None:
    result = ask(f"x:{X_ID}", handler)
    assert (result.status, result.text) == (status, None)
    assert result.error is not None and result.error.startswith(error)


def test_a_transport_failure_is_unavailable_not_an_exception() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    result = ask(f"x:{X_ID}", handler)
    assert result.status == "unavailable" and "cannot connect" in (result.error or "")


@pytest.mark.parametrize(("code", "status"), [(404, "deleted"), (401, "gated"), (403, "gated"),
                                              (400, "unavailable")])
def test_youtube_statuses(code: int, status: str) -> None:
    assert ask("youtube:dQw4w9WgXcQ", answer(code, raw=b"Not Found")).status == status


def test_youtube_live_title_and_private_video() -> None:
    body = {"title": "Council meeting, 16 October ", "author_name": "Port City Council",
            "author_url": "https://www.youtube.com/@portcitycouncil"}
    result = ask("youtube:dQw4w9WgXcQ", answer(200, body))
    assert (result.status, result.text, result.author_handle, result.source) == (
        "live", "Council meeting, 16 October", "portcitycouncil", "oembed")
    assert result.endpoint is not None
    assert parse_qs(urlsplit(result.endpoint).query)["url"] == [
        "https://www.youtube.com/watch?v=dQw4w9WgXcQ"]
    assert ask("youtube:dQw4w9WgXcQ", answer(200, raw=b"Forbidden")).status == "gated"


def test_bluesky_live_deleted_and_opted_out() -> None:
    post = {"uri": "at://did:plc:abc/app.bsky.feed.post/3kabc2defgh2x",
            "author": {"did": "did:plc:abc", "handle": "alice.example.com",
                       "displayName": "Alice"},
            "record": {"text": "Ferry crews are out today.", "createdAt": "2024-03-04T06:00:00Z"}}
    seen: list[str] = []

    def live(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return httpx.Response(200, json={"posts": [post]})

    result = ask(BSKY_KEY, live)
    assert (result.status, result.text, result.author_name, result.source) == (
        "live", "Ferry crews are out today.", "Alice", "api")
    assert parse_qs(urlsplit(seen[0]).query)["uris"] == [
        "at://alice.example.com/app.bsky.feed.post/3kabc2defgh2x"]
    assert ask(BSKY_KEY, answer(200, {"posts": []})).status == "deleted"
    hidden = {**post, "author": {**post["author"],  # type: ignore[dict-item]
                                 "labels": [{"val": "!no-unauthenticated"}]}}
    gated = ask(BSKY_KEY, answer(200, {"posts": [hidden]}))
    assert (gated.status, gated.text) == ("gated", None)
    assert ask(BSKY_KEY, answer(200, {"cursor": "x"})).status == "unavailable"


def test_mastodon_content_html_becomes_text() -> None:
    content = ('<p>Harbour vote delayed.<br>More at <a href="https://news.example/a">'
               '<span class="invisible">https://</span><span>news.example/a</span></a></p>'
               '<p>Second paragraph &amp; more.</p>')
    body = {"id": "113000000000000000", "content": content,
            "account": {"acct": "harbourwatch", "display_name": "Harbour Watch"}}
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return httpx.Response(200, json=body)

    result = ask(MASTODON_KEY, handler)
    assert seen == ["https://mastodon.social/api/v1/statuses/113000000000000000"]
    assert result.text == ("Harbour vote delayed.\nMore at https://news.example/a\n"
                           "Second paragraph & more.")
    assert (result.author_handle, result.author_name) == ("harbourwatch@mastodon.social",
                                                          "Harbour Watch")
    assert ask(MASTODON_KEY, answer(404, {"error": "Record not found"})).status == "deleted"
    assert ask(MASTODON_KEY, answer(401, {"error": "auth"})).status == "gated"


def test_platforms_without_an_endpoint_are_not_checked() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise AssertionError("no request expected")

    insta = ask("instagram:C1a2B3c4D5e", handler)
    assert (insta.status, insta.error) == ("not_checked",
                                           "no public endpoint configured for instagram")
    off = ask(f"x:{X_ID}", handler, cfg=config(x_oembed=""))
    assert off.error == "no public endpoint configured for x"
    flattened = ask("x:@priyanandunion/95ab9d576aec593b", handler)
    assert flattened.status == "not_checked" and "no permalink" in (flattened.error or "")


def test_endpoints_come_from_config() -> None:
    settings = CaptureConfig(mastodon_api="http://127.0.0.1:9/m/{host}/statuses/{id}",
                             bluesky_api="http://127.0.0.1:9/xrpc/app.bsky.feed.getPosts")
    assert endpoint_for(MASTODON_KEY, None, settings) == (
        "http://127.0.0.1:9/m/mastodon.social/statuses/113000000000000000")
    assert endpoint_for(BSKY_KEY, None, settings) == (
        "http://127.0.0.1:9/xrpc/app.bsky.feed.getPosts?uris=at%3A%2F%2Falice.example.com"
        "%2Fapp.bsky.feed.post%2F3kabc2defgh2x")


# -- recording in the archive ---------------------------------------------------------------

def archive(tmp_path: Path, *keys: str) -> Store:
    store = Store(tmp_path / "archive.db")
    with store.transaction() as conn:
        for key in keys:
            store.upsert_post(conn, key=key, platform=key.partition(":")[0], permalink=None,
                              author_handle=None, author_name=None, created_at=None,
                              provisional=False)
            store.add_post_version(conn, post_key=key, text="Embedded copy of the post.",
                                   truncated=False, source="embed")
    return store


def versions(store: Store, key: str) -> list[tuple[str, str]]:
    return [(r["source"], r["text"]) for r in store.query(
        "SELECT source, text FROM post_versions WHERE post_key = ? ORDER BY id", (key,))]


def test_changed_text_adds_a_version_and_a_post_comes_back(tmp_path: Path) -> None:
    key = f"x:{X_ID}"
    store = archive(tmp_path, key)
    replies = [x_oembed(), x_oembed(), x_oembed("Edited: the toll costs 950 dollars."), None,
               None, x_oembed("Edited: the toll costs 950 dollars.")]

    def handler(request: httpx.Request) -> httpx.Response:
        body = replies.pop(0)
        return httpx.Response(200, json=body) if body else httpx.Response(404)

    def check() -> tuple[str, str, bool, str | None]:
        run = check_posts_sync(store, config(), [store.post(key) or {}],
                               transport=httpx.MockTransport(handler))
        c = run.checked[0]
        return c.old_status, c.status, c.new_version, c.gone_since

    assert check() == ("not_checked", "live", True, None)
    assert check() == ("live", "live", False, None)  # same text: no new version
    assert check() == ("live", "live", True, None)
    assert versions(store, key) == [("embed", "Embedded copy of the post."),
                                    ("oembed", X_TEXT),
                                    ("oembed", "Edited: the toll costs 950 dollars.")]
    old, new, changed, gone = check()
    assert (old, new, changed) == ("live", "deleted", False) and gone is not None
    assert check()[3] == gone  # first time seen gone is kept
    assert check() == ("deleted", "live", False, None)  # it came back
    row = store.post(key) or {}
    assert (row["status"], row["gone_since"], row["author_handle"]) == ("live", None,
                                                                        "OmarFieldPC")


def test_unavailable_keeps_the_post_due(tmp_path: Path) -> None:
    store = archive(tmp_path, f"x:{X_ID}", "youtube:dQw4w9WgXcQ")
    assert len(store.posts_due_for_check(3600)) == 2

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.host == "publish.twitter.com":
            return httpx.Response(429, headers={"Retry-After": "120"})
        return httpx.Response(404)

    run = check_posts_sync(store, config(), store.posts_due_for_check(3600),
                           transport=httpx.MockTransport(handler))
    assert {c.key: c.status for c in run.checked} == {f"x:{X_ID}": "unavailable",
                                                      "youtube:dQw4w9WgXcQ": "deleted"}
    assert run.exit_code == 1 and [c.key for c in run.failed] == [f"x:{X_ID}"]
    assert [r["key"] for r in store.posts_due_for_check(3600)] == [f"x:{X_ID}"]
    assert len(store.posts_due_for_check(None)) == 2
    assert store.query("SELECT count(*) AS n FROM fetch_log")[0]["n"] == 2


# -- config ---------------------------------------------------------------------------------

def test_capture_config_defaults_and_overrides() -> None:
    assert parse_config({}).capture == CaptureConfig()
    cfg = parse_config({"capture": {"recheck_after": 600, "enabled": False, "x_oembed": ""}})
    assert (cfg.capture.recheck_after, cfg.capture.enabled, cfg.capture.x_oembed) == (600, False,
                                                                                      "")


@pytest.mark.parametrize(
    ("capture", "fragment"),
    [
        ({"x_oembd": "https://a/"}, "[capture] has unknown key 'x_oembd'"),
        ({"recheck_after": 0}, "[capture] recheck_after must be greater than 0"),
        ({"recheck_after": "daily"}, "[capture] recheck_after must be a number"),
        ({"enabled": "yes"}, "[capture] enabled must be true or false"),
        ({"youtube_oembed": "ftp://a/"}, "[capture] youtube_oembed must be an http(s) URL"),
        ({"mastodon_api": "https://{host}/api/v1/statuses/"}, "mastodon_api must contain {id}"),
        ({"mastodon_api": "https://{server}/s/{id}"}, "unknown placeholder {server}"),
        ({"bluesky_api": "https://a/{id}"}, "bluesky_api has unknown placeholder {id}"),
    ],
)
def test_capture_config_errors_name_the_key(capture: dict[str, Any], fragment: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse_config({"capture": capture})
    assert fragment in str(info.value)


# -- the command, end to end on loopback ------------------------------------------------------

ARTICLE = f"""<html><head><title>Harbour toll plan</title></head><body><article>
<h1>Harbour toll plan</h1>
<p>The council postponed Tuesday's vote on the harbour bridge after residents filled the chamber.</p>
{X_HTML.format(text=X_TEXT)}
<p>"That is not a plan," Field wrote on X an hour before the session.</p>
<blockquote class="twitter-tweet"><p lang="en" dir="ltr">Nobody is rushing this.</p>&mdash; Lena Ortiz (@MayorOrtizPC) <a href="https://x.com/MayorOrtizPC/status/1846702222333444555">October 16, 2024</a></blockquote>
<p>The mayor answered within the hour: “Nobody is rushing this.”</p>
</article></body></html>"""


@pytest.fixture
def capture_config(site: LoopbackSite, loopback_config: Path) -> Path:
    with loopback_config.open("a", encoding="utf-8") as f:
        f.write(f'\n[capture]\nx_oembed = "{site.url("/oembed")}"\n'
                f'mastodon_api = "{site.url("/mastodon/{host}/api/v1/statuses/{id}")}"\n')
    return loopback_config


def cli_run(config_path: Path, *args: str) -> Any:
    return CliRunner().invoke(cli, ["--config", str(config_path), *args])


def test_check_posts_end_to_end(site: LoopbackSite, capture_config: Path,
                                tmp_path: Path) -> None:
    page = tmp_path / "toll.html"
    page.write_text(ARTICLE, encoding="utf-8")
    added = cli_run(capture_config, "add", "--offline", str(page), "--url",
                    "https://news.example/toll")
    assert added.exit_code == 0, added.output
    store = Store(tmp_path / "archive.db")
    with store.transaction() as conn:
        store.upsert_post(conn, key=MASTODON_KEY, platform="mastodon", permalink=None,
                          author_handle=None, author_name=None, created_at=None,
                          provisional=False)
    texts = {X_ID: X_TEXT}

    def oembed(handler: Any) -> Route:
        url = parse_qs(urlsplit(handler.path).query)["url"][0]
        status_id = url.rsplit("/", 1)[-1]
        if status_id not in texts:
            return Route(404, b'{"error":"not found"}')
        return Route(200, json.dumps(x_oembed(texts[status_id])).encode(),
                     {"Content-Type": "application/json"})

    site.routes["/oembed"] = oembed
    site.add("/mastodon/mastodon.social/api/v1/statuses/113000000000000000",
             '{"error": "too many requests"}', status=429)

    result = cli_run(capture_config, "check-posts")
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    assert lines[:3] == [  # never-checked posts by key
        f"{MASTODON_KEY}  not_checked → unavailable  text: none  (HTTP 429, rate-limited: "
        "retry later)",
        f"x:{X_ID}  not_checked → live  text: unchanged",
        "x:1846702222333444555  not_checked → deleted  text: none  (HTTP 404)  gone since "
        + lines[2].rsplit(" ", 1)[-1],
    ]
    assert lines[3].startswith("checked 3 posts in ")
    assert lines[3].endswith("1 live, 1 deleted, 0 gated, 1 unavailable, 0 not checked; "
                             "0 new text version(s)")
    assert lines[4:] == ["1 failed:", f"  {MASTODON_KEY}: HTTP 429, rate-limited: retry later"]

    audit = json.loads(cli_run(capture_config, "audit", "https://news.example/toll",
                               "--format", "json").output)
    assert {p["key"]: p["status"] for p in audit["posts"]} == {
        f"x:{X_ID}": "live", "x:1846702222333444555": "deleted"}

    # only the unavailable post is due again; a named post is checked even when not due
    site.add("/mastodon/mastodon.social/api/v1/statuses/113000000000000000", json.dumps(
        {"content": "<p>Back online.</p>", "account": {"acct": "harbour"}}))
    again = cli_run(capture_config, "check-posts", "--json")
    assert again.exit_code == 0, again.output
    assert [(r["key"], r["old_status"], r["status"], r["new_version"], r["text"])
            for r in json.loads(again.output)] == [
        (MASTODON_KEY, "unavailable", "live", True, "Back online.")]

    texts[X_ID] = "Edited: the toll costs 950 dollars."
    named = cli_run(capture_config, "check-posts", X_URL)
    assert named.exit_code == 0, named.output
    assert named.output.splitlines()[0] == f"x:{X_ID}  live → live  text: new version"
    assert cli_run(capture_config, "check-posts").output == (
        "no posts due for a check (--all checks every post)\n")
    assert len(json.loads(cli_run(capture_config, "check-posts", "--all", "--json").output)) == 3


def test_check_posts_usage_and_config_errors(capture_config: Path, tmp_path: Path) -> None:
    Store(capture_config.parent / "archive.db").close()  # an empty archive
    unknown = cli_run(capture_config, "check-posts", "x:1")
    assert unknown.exit_code == 1
    assert unknown.output == ("Error: post 'x:1': not in the archive; add an article that "
                              "embeds or links it (postlink add URL)\n")
    both = cli_run(capture_config, "check-posts", "--all", "x:1")
    assert both.exit_code == 2 and "not both" in both.output
    off = tmp_path / "off.toml"
    off.write_text('[archive]\ndb = "archive.db"\n[capture]\nenabled = false\n', encoding="utf-8")
    disabled = cli_run(off, "check-posts")
    assert disabled.exit_code == 2 and "[capture] enabled = false" in disabled.output

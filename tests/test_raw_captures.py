"""Raw captures (issue 13 point 1): every HTTP exchange is kept whole, bodies once by sha256.

Articles and their redirect hops (`add URL`, `run --once`), short-link hops (`resolve`) and
post captures (`check-posts`) against loopback servers; a SIGKILL in the middle of a run.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import sqlite3
import zlib
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from postlink.cli import cli
from tests.conftest import LoopbackSite
from tests.test_schedule import kill_mid_run, rows, write_config

PAGE = b"""<!doctype html><html><head><meta charset="utf-8"><title>Ferry fares rise</title>
</head><body><article><h1>Ferry fares rise</h1>
<p>The island ferry will cost more from May, the operator said on Monday.</p>
<blockquote class="twitter-tweet"><p lang="en" dir="ltr">Fares go up by a fifth in May and
nobody asked the islanders.</p>&mdash; Island Voice (@islandvoice)
<a href="https://twitter.com/islandvoice/status/1849000000000000001">October 20, 2024</a>
</blockquote>
<p>Island Voice wrote that "nobody asked the islanders" before the decision.</p>
</article></body></html>"""


def invoke(config: Path, *args: str) -> Any:
    return CliRunner().invoke(cli, ["--config", str(config), *args], catch_exceptions=False)


def exchanges(db: Path) -> list[dict[str, Any]]:
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute("SELECT * FROM fetch_log ORDER BY id")]
    finally:
        conn.close()


def body_of(db: Path, digest: str) -> bytes:
    conn = sqlite3.connect(db)
    try:
        (blob,) = conn.execute("SELECT body FROM bodies WHERE sha256 = ?", (digest,)).fetchone()
        return zlib.decompress(blob)
    finally:
        conn.close()


def test_an_article_and_its_redirect_hop_are_kept_whole(
        site: LoopbackSite, loopback_config: Path) -> None:
    site.add("/old", status=301, Location="/story")
    site.add("/story", gzip.compress(PAGE), Content_Encoding="gzip", X_Desk="metro")
    result = invoke(loopback_config, "add", site.url("/old"))
    assert result.exit_code == 0, result.output
    db = loopback_config.parent / "archive.db"

    hop, page = exchanges(db)
    assert (hop["url"], hop["status"], hop["method"]) == (site.url("/old"), 301, "GET")
    assert ["Location", "/story"] in json.loads(hop["response_headers"])
    sent = dict(json.loads(page["request_headers"]))
    assert sent["User-Agent"].startswith("postlink/") and sent["Accept-Encoding"] == "gzip, deflate"
    assert (page["url"], page["status"], page["reason"], page["http_version"]) == \
        (site.url("/story"), 200, "OK", "HTTP/1.0")  # what http.server answers with
    received = dict(json.loads(page["response_headers"]))
    assert received["X-Desk"] == "metro" and received["Content-Encoding"] == "gzip"
    # the body as read (gzip undone), addressed by its sha256
    assert page["body_sha256"] == hashlib.sha256(PAGE).hexdigest()
    assert body_of(db, page["body_sha256"]) == PAGE
    assert page["truncated"] == 0 and hop["at"] <= page["at"]
    version = rows(loopback_config.parent, "SELECT id FROM article_versions")[0][0]
    assert hop["article_version_id"] == page["article_version_id"] == version


def test_a_refetch_of_the_same_page_keeps_one_body_and_links_the_same_version(
        site: LoopbackSite, loopback_config: Path) -> None:
    site.add("/story", PAGE)
    for _ in range(2):
        assert invoke(loopback_config, "add", site.url("/story")).exit_code == 0
    db = loopback_config.parent / "archive.db"
    first, second = exchanges(db)
    assert first["body_sha256"] == second["body_sha256"]
    assert first["article_version_id"] == second["article_version_id"] == 1
    assert rows(loopback_config.parent, "SELECT count(*) FROM bodies") == [(1,)]


def test_a_failed_request_is_kept_with_its_reason_and_no_body(loopback_config: Path) -> None:
    result = invoke(loopback_config, "add", "http://127.0.0.1:9/nothing-listens-here")
    assert result.exit_code == 1
    (row,) = exchanges(loopback_config.parent / "archive.db")
    assert row["status"] is None and row["body_sha256"] is None
    assert row["error"] == "ConnectError" and json.loads(row["request_headers"])


def test_every_short_link_hop_is_kept(site: LoopbackSite, loopback_config: Path) -> None:
    site.add("/s/abc", status=302, Location="/s/next")
    site.add("/s/next", b'<meta http-equiv="refresh" content="0;url=/story">')
    site.add("/story", PAGE)
    assert invoke(loopback_config, "resolve", site.url("/s/abc")).exit_code == 0
    rows_ = exchanges(loopback_config.parent / "archive.db")
    assert [(r["url"].removeprefix(site.base), r["status"]) for r in rows_] == \
        [("/s/abc", 302), ("/s/next", 200), ("/story", 200)]
    assert body_of(loopback_config.parent / "archive.db", rows_[1]["body_sha256"]) == \
        b'<meta http-equiv="refresh" content="0;url=/story">'


def test_a_post_capture_names_the_post_it_checked(site: LoopbackSite, tmp_path: Path) -> None:
    site.add("/story", PAGE)
    oembed = {"html": '<blockquote class="twitter-tweet"><p>Fares go up by a fifth in May and '
                      'nobody asked the islanders.</p>&mdash; Island Voice (@islandvoice) <a href='
                      '"https://twitter.com/islandvoice/status/1849000000000000001">Oct 20</a>'
                      '</blockquote>', "author_name": "Island Voice"}
    site.add("/oembed", json.dumps(oembed), Content_Type="application/json")
    config = write_config(tmp_path)
    config.write_text(config.read_text() + f'\n[capture]\nx_oembed = "{site.url("/oembed")}"\n')
    assert invoke(config, "add", site.url("/story")).exit_code == 0
    assert invoke(config, "check-posts").exit_code == 0
    post = [r for r in exchanges(tmp_path / "archive.db") if r["url"].startswith(site.url("/oembed"))]
    assert [(r["post_key"], r["status"]) for r in post] == [("x:1849000000000000001", 200)]
    assert json.loads(body_of(tmp_path / "archive.db", post[0]["body_sha256"])) == oembed


def test_sigkill_mid_run_loses_no_exchange_of_an_archived_article(
        site: LoopbackSite, tmp_path: Path) -> None:
    kill_mid_run(site, tmp_path)
    # every archived version has the exchange that brought it, with its body
    assert rows(tmp_path, "SELECT count(*) FROM article_versions v WHERE NOT EXISTS (SELECT 1"
                          " FROM fetch_log f JOIN bodies b ON b.sha256 = f.body_sha256"
                          " JOIN captures c ON c.id = v.capture_id"
                          " WHERE f.article_version_id = v.id AND b.sha256 = c.sha256)") == [(0,)]
    # and no answered exchange lacks its body
    assert rows(tmp_path, "SELECT count(*) FROM fetch_log f WHERE f.status IS NOT NULL AND"
                          " NOT EXISTS (SELECT 1 FROM bodies b WHERE b.sha256 = f.body_sha256)"
                ) == [(0,)]
    assert rows(tmp_path, "SELECT count(*) FROM article_versions")[0][0] >= 4

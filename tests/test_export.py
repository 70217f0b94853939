"""`postlink export` (issue 13 point 2): WARC read back with warcio, WACZ validated with py-wacz,
JSONL and CSV, selections, errors, the offline demo's archive, and round trips (an exported
page through `add`, the whole WARC through `batch`).

Replay is checked with warcio's own reader (ArchiveIterator), not pywb: pywb 2.10 installs, but
brings gevent, redis 2.10, fakeredis 0.16, brotlipy and pyOpenSSL/cryptography into the test
environment, too heavy and too old for a test dependency.
"""

from __future__ import annotations

import base64
import csv
import gzip
import hashlib
import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from warcio.archiveiterator import ArchiveIterator

from postlink.cli import cli
from postlink.store import Store
from tests.conftest import LoopbackSite
from tests.test_raw_captures import PAGE, body_of, exchanges

NOTE = b"""<!doctype html><html><head><title>Library hours</title></head><body><article>
<h1>Library hours</h1><p>The central library opens an hour later on Sundays from June.</p>
<p>The change saves the city a small sum, the librarian said.</p></article></body></html>"""


def wacz_validate(path: Path) -> str:
    """``wacz validate -f PATH``, the console script (``python -m wacz`` drops the exit code)."""
    done = subprocess.run([str(Path(sys.executable).parent / "wacz"), "validate", "-f", str(path)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def invoke(config: Path, *args: str) -> Any:
    return CliRunner().invoke(cli, ["--config", str(config), *args], catch_exceptions=False)


@pytest.fixture
def archive(site: LoopbackSite, loopback_config: Path, tmp_path: Path) -> Path:
    """An archive of: a page reached through a redirect (gzip on the wire), a file input, a
    request that got no answer, an unchanged re-fetch of the page, and a short link to it."""
    site.add("/old", status=301, Location="/story")
    site.add("/story", gzip.compress(PAGE), Content_Encoding="gzip")
    site.add("/s/abc", status=302, Location="/story")
    note = tmp_path / "note.html"
    note.write_bytes(NOTE)
    for args in (("add", site.url("/old")), ("add", str(note), "--url", "https://news.example/note"),
                 ("add", "http://127.0.0.1:9/nothing-listens"), ("add", site.url("/story")),
                 ("resolve", site.url("/s/abc"))):
        invoke(loopback_config, *args)
    return loopback_config


def export(config: Path, *args: str) -> Any:
    return invoke(config, "export", *args)


def read(path: Path) -> list[Any]:
    """Each record of a WARC with its payload read (warcio undoes no encoding: there is none)."""
    out = []
    with path.open("rb") as f:
        for record in ArchiveIterator(f):
            record.payload = record.content_stream().read()
            out.append(record)
    return out


def digest(hex_sha256: str) -> str:
    return "sha256:" + base64.b32encode(bytes.fromhex(hex_sha256)).decode()


def header(record: Any, name: str) -> str | None:
    return record.rec_headers.get_header(name)


def test_the_warc_holds_every_exchange_in_order_with_revisits_and_audits(
        archive: Path, site: LoopbackSite) -> None:
    out = archive.parent / "all.warc.gz"
    result = export(archive, "--format", "warc", "--output", str(out))
    assert result.exit_code == 0, result.output
    records = read(out)
    story = site.url("/story")
    assert [(r.rec_type, header(r, "WARC-Target-URI")) for r in records] == [
        ("warcinfo", None),
        ("response", site.url("/old")), ("request", site.url("/old")),
        ("response", story), ("request", story), ("metadata", "urn:postlink:audit:1:1"),
        ("request", "http://127.0.0.1:9/nothing-listens"),
        ("metadata", "http://127.0.0.1:9/nothing-listens"),
        ("revisit", story), ("request", story),  # `add` again: the same body
        ("response", site.url("/s/abc")), ("request", site.url("/s/abc")),
        ("revisit", story), ("request", story),  # the short link's destination
        ("resource", "https://news.example/note"), ("metadata", "urn:postlink:audit:2:1"),
    ]
    assert all(header(r, "WARC-Type") and r.rec_headers.protocol == "WARC/1.1" for r in records)
    assert b"postlink/" in records[0].payload

    page = records[3]
    assert page.payload == PAGE  # decoded, as postlink read it
    assert header(page, "WARC-Payload-Digest") == digest(hashlib.sha256(PAGE).hexdigest())
    http = page.http_headers
    assert http.get_statuscode() == "200" and http.get_header("Content-Length") == str(len(PAGE))
    assert http.get_header("Content-Encoding") is None
    assert http.get_header("X-Postlink-Original-Content-Encoding") == "gzip"
    request = records[4]
    assert (request.http_headers.protocol, request.http_headers.statusline) == \
        ("GET", "/story HTTP/1.1")
    assert request.http_headers.get_header("User-Agent").startswith("postlink/")
    assert header(request, "WARC-Concurrent-To") == header(page, "WARC-Record-ID")

    for revisit in (records[8], records[12]):
        assert header(revisit, "WARC-Refers-To-Target-URI") == story
        assert header(revisit, "WARC-Refers-To-Date") == header(page, "WARC-Date")
        assert header(revisit, "WARC-Payload-Digest") == header(page, "WARC-Payload-Digest")
        assert header(revisit, "WARC-Profile").endswith("/warc/1.1/revisit/identical-payload-digest")
    assert b"postlink-error: ConnectError" in records[7].payload

    audit = json.loads(records[5].payload)
    assert audit == json.loads(invoke(archive, "audit", "1", "--format", "json").output)
    assert header(records[5], "WARC-Refers-To") == header(page, "WARC-Record-ID")
    assert records[14].payload == NOTE
    assert json.loads(records[15].payload)["article"]["url"] == "https://news.example/note"


def test_every_digest_matches_the_payload_and_the_archive(archive: Path) -> None:
    out = archive.parent / "all.warc"
    assert export(archive, "--format", "warc", "-o", str(out)).exit_code == 0
    db = archive.parent / "archive.db"
    stored = {r["url"]: r["body_sha256"] for r in exchanges(db) if r["body_sha256"]}
    checked = 0
    for record in read(out):
        if record.rec_type in ("response", "resource"):
            assert header(record, "WARC-Payload-Digest") == digest(
                hashlib.sha256(record.payload).hexdigest())
        if record.rec_type == "response":
            url = header(record, "WARC-Target-URI")
            assert record.payload == body_of(db, stored[url])
            checked += 1
    assert checked == 3
    with pytest.raises(SystemExit) as done:  # warcio's own check: block and payload digests
        from warcio.cli import main as warcio_main

        warcio_main(["check", str(out)])
    assert done.value.code == 0


def test_an_exported_page_added_again_gives_the_same_citations(
        archive: Path, site: LoopbackSite, tmp_path: Path) -> None:
    out = tmp_path / "story.warc.gz"
    assert export(archive, "--format", "warc", "--article", "1", "-o", str(out)).exit_code == 0
    page = next(r for r in read(out) if r.rec_type == "response" and r.http_headers.get_statuscode() == "200")
    replayed = tmp_path / "replayed.html"
    replayed.write_bytes(page.payload)
    fresh = tmp_path / "fresh.db"
    added = CliRunner().invoke(cli, ["--db", str(fresh), "add", "--offline", str(replayed),
                                     "--url", header(page, "WARC-Target-URI")])
    assert added.exit_code == 0, added.output

    def cited(db_args: list[str]) -> list[tuple[Any, ...]]:
        audit = json.loads(CliRunner().invoke(cli, [*db_args, "audit", "1", "--format", "json"]).output)
        return [(c["post_key"], c["kind"], c["sentence_index"], c["quote"]) for c in audit["citations"]]

    original = cited(["--config", str(archive)])
    assert original and cited(["--db", str(fresh)]) == original


def test_an_exported_warc_batched_into_a_fresh_archive_gives_the_same_citations(
        archive: Path, site: LoopbackSite, tmp_path: Path) -> None:
    from postlink.batch.cluster import open_client
    from tests.test_batch import batch_into

    out = tmp_path / "all.warc.gz"
    assert export(archive, "--format", "warc", "-o", str(out)).exit_code == 0
    with open_client(None, 1, processes=False) as client:
        summary = batch_into(tmp_path / "batch.db", [out], client)
    # the fetched page and the note read from a file (a resource record); revisits and hops
    # are skipped
    assert summary.new == 2 and not summary.failed

    def cited(db_args: list[str]) -> list[tuple[Any, ...]]:
        audit = json.loads(CliRunner().invoke(
            cli, [*db_args, "audit", site.url("/story"), "--format", "json"]).output)
        return [(c["post_key"], c["kind"], c["sentence_index"], c["quote"])
                for c in audit["citations"]]

    original = cited(["--config", str(archive)])
    assert original and cited(["--db", str(tmp_path / "batch.db")]) == original


def test_one_article_exports_only_its_own_exchanges(archive: Path, site: LoopbackSite) -> None:
    out = archive.parent / "one.warc"
    assert export(archive, "--format", "warc", "--article", site.url("/story"), "-o", str(out)
                  ).exit_code == 0
    assert [(r.rec_type, header(r, "WARC-Target-URI")) for r in read(out)] == [
        ("warcinfo", None), ("response", site.url("/old")), ("request", site.url("/old")),
        ("response", site.url("/story")), ("request", site.url("/story")),
        ("metadata", "urn:postlink:audit:1:1"), ("revisit", site.url("/story")),
        ("request", site.url("/story"))]
    note = archive.parent / "note.warc"
    assert export(archive, "--format", "warc", "--article", "https://news.example/note",
                  "-o", str(note)).exit_code == 0
    assert [r.rec_type for r in read(note)] == ["warcinfo", "resource", "metadata"]


def test_since_leaves_out_what_was_fetched_before(archive: Path) -> None:
    out = archive.parent / "later.warc"
    assert export(archive, "--format", "warc", "--since", "2999-01-01", "-o", str(out)
                  ).exit_code == 0
    assert [r.rec_type for r in read(out)] == ["warcinfo"]


def test_jsonl_has_articles_posts_and_citations(archive: Path) -> None:
    result = CliRunner().invoke(cli, ["--config", str(archive), "export", "--format", "jsonl"])
    assert result.exit_code == 0
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    audit = json.loads(invoke(archive, "audit", "1", "--format", "json").output)
    assert [line["type"] for line in lines] == \
        ["article", "article", "post"] + ["citation"] * len(audit["citations"])
    assert lines[0]["text"].startswith("Ferry fares rise") and lines[0]["version"] == 1
    assert lines[2]["key"] == "x:1849000000000000001"
    assert lines[2]["versions"][0]["text"].startswith("Fares go up by a fifth")
    assert [(c["post_key"], c["kind"], c["quote"]) for c in lines[3:]] == \
        [(c["post_key"], c["kind"], c["quote"]) for c in audit["citations"]]
    assert "jsonl export to stdout: 2 articles, 1 posts" in result.stderr


def test_csv_has_one_row_per_citation(archive: Path) -> None:
    out = archive.parent / "citations.csv"
    assert export(archive, "--format", "csv", "-o", str(out)).exit_code == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    audit = json.loads(invoke(archive, "audit", "1", "--format", "json").output)
    assert [(r["post_key"], r["kind"], r["sentence"]) for r in rows] == \
        [(c["post_key"], c["kind"], c["sentence"]) for c in audit["citations"]]
    assert {r["article_url"] for r in rows} == {audit["article"]["url"]}


def test_the_wacz_validates_and_lists_the_article_pages(archive: Path, site: LoopbackSite) -> None:
    out = archive.parent / "all.wacz"
    result = export(archive, "--format", "wacz", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert "Validation succeeded, the passed WACZ is valid" in wacz_validate(out)
    with zipfile.ZipFile(out) as z:
        assert {"datapackage.json", "archive/postlink.warc.gz", "pages/pages.jsonl",
                "indexes/index.cdx.gz"} <= set(z.namelist())
        pages = [json.loads(line) for line in z.read("pages/pages.jsonl").splitlines()]
    assert [p["url"] for p in pages[1:]] == [site.url("/story")]


def test_the_demo_archive_exports_and_validates(tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    assert CliRunner().invoke(cli, ["--db", str(db), "demo"]).exit_code == 0
    warc, wacz = tmp_path / "demo.warc.gz", tmp_path / "demo.wacz"
    for fmt, out in (("warc", warc), ("wacz", wacz)):
        result = CliRunner().invoke(cli, ["--db", str(db), "export", "--format", fmt, "-o", str(out)])
        assert result.exit_code == 0, result.output
    records = read(warc)
    urls = [a["url"] for a in Store(db).query("SELECT url FROM articles ORDER BY id")]
    audits = [json.loads(r.payload)["article"]["url"] for r in records if r.rec_type == "metadata"]
    assert audits == urls
    fetched = {header(r, "WARC-Target-URI").split("?")[0] for r in records
               if r.rec_type in ("response", "revisit")}
    assert set(urls) <= fetched and "https://t.co/dEmO1bRdg" in fetched
    with pytest.raises(SystemExit) as done:
        from warcio.cli import main as warcio_main

        warcio_main(["check", str(warc)])
    assert done.value.code == 0
    assert "Validation succeeded, the passed WACZ is valid" in wacz_validate(wacz)


@pytest.mark.parametrize(("args", "code", "message"), [
    (["--format", "wacz"], 2, "a WACZ is a zip file and cannot go to stdout"),
    (["--format", "warc", "--since", "last week"], 2, "--since 'last week': not a date"),
    (["--format", "jsonl", "--article", "99"], 1, "article '99': not in the archive"),
])
def test_bad_arguments_are_one_clear_line(archive: Path, args: list[str], code: int,
                                          message: str) -> None:
    result = export(archive, *args)
    assert result.exit_code == code and message in result.output, result.output


def test_an_unwritable_output_leaves_no_file(archive: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = export(archive, "--format", "warc", "-o", str(blocker / "out.warc"))
    assert result.exit_code == 2 and "cannot write the export" in result.output
    assert blocker.read_text() == "x"


def test_a_304_to_a_conditional_refetch_is_a_not_modified_revisit(
        site: LoopbackSite, tmp_path: Path) -> None:
    from tests.test_schedule import conditional, rss, run_once, write_config

    seen: list[dict[str, str]] = []
    site.routes["/a/1.html"] = conditional(PAGE, '"page-1"', seen, "text/html")
    link = site.url("/a/1.html")
    site.add("/feed.xml", rss((link, "Mon, 21 Oct 2024 09:00:00 GMT")),
             Content_Type="application/rss+xml")
    config = write_config(tmp_path, {"kind": "feed", "url": site.url("/feed.xml")})
    assert run_once(config).exit_code == 0
    site.add("/feed.xml", rss((link, "Tue, 22 Oct 2024 09:00:00 GMT")),  # says: updated
             Content_Type="application/rss+xml")
    assert run_once(config, "--all").exit_code == 0
    assert seen[-1]["If-None-Match"] == '"page-1"'  # and the page answered 304

    out = tmp_path / "run.warc"
    assert invoke(config, "export", "--format", "warc", "--article", "1", "-o", str(out)
                  ).exit_code == 0
    records = [r for r in read(out) if r.rec_type in ("response", "revisit")]
    assert [(r.rec_type, r.http_headers.get_statuscode()) for r in records] == \
        [("response", "200"), ("revisit", "304")]
    page, revisit = records
    assert header(revisit, "WARC-Profile") == \
        "http://netpreserve.org/warc/1.1/revisit/server-not-modified"
    assert header(revisit, "WARC-Refers-To-Target-URI") == link
    assert header(revisit, "WARC-Refers-To-Date") == header(page, "WARC-Date")

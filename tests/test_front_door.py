"""What a newcomer meets first (issue 14, point 5): read commands refuse an archive that does
not exist, JSON says true/false, and a reader that stops reading ends the command quietly."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from postlink.cli import cli
from postlink.config import SourceConfig
from postlink.store import Store
from tests.conftest import DATA, LoopbackSite

OUTAGE = DATA / "citations" / "05-outage.html"
POSTLINK = [sys.executable, "-m", "postlink"]


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args))


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    """An archive holding one article, added offline."""
    db = tmp_path / "archive.db"
    result = invoke("--db", str(db), "add", "--offline", str(OUTAGE),
                    "--url", "https://news.example/outage")
    assert result.exit_code == 0, result.output
    return db


# -- a mistyped --db ---------------------------------------------------------------------------

@pytest.mark.parametrize("args", [
    ["audit", "1"], ["audit", "1", "--format", "json"], ["posts", "x:1"], ["search", "word"],
    ["list"], ["status"], ["remove", "1", "--yes"], ["maintain"], ["check-posts", "--all"],
    ["audit", "1", "--format", "html"], ["diff", "1"], ["datasette-metadata"],
], ids=" ".join)
def test_a_read_command_on_a_missing_archive_fails_and_creates_nothing(
        tmp_path: Path, args: list[str]) -> None:
    db = tmp_path / "typo" / "archvie.db"
    result = invoke("--db", str(db), *args)
    assert result.exit_code == 2
    assert result.output == (
        f"Error: archive {db} does not exist: nothing has been archived at that path; run "
        "`postlink add` or `postlink run --once` first, or pass --db with the path of an "
        "existing archive\n")
    assert not db.parent.exists()


def test_a_read_command_on_an_existing_archive_still_works(archive: Path) -> None:
    result = invoke("--db", str(archive), "list")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == "1 article(s)"


def test_add_still_creates_a_new_archive(tmp_path: Path) -> None:
    db = tmp_path / "new" / "archive.db"
    result = invoke("--db", str(db), "add", "--offline", str(OUTAGE))
    assert result.exit_code == 0, result.output
    assert db.is_file()


def test_add_of_a_missing_file_creates_no_archive(tmp_path: Path) -> None:
    db = tmp_path / "new" / "archive.db"
    result = invoke("--db", str(db), "add", str(tmp_path / "no-such-page.html"))
    assert result.exit_code == 2
    assert "no-such-page.html" in result.output
    assert not db.parent.exists()


# -- JSON booleans ------------------------------------------------------------------------------

def test_posts_json_writes_true_and_false(archive: Path) -> None:
    result = invoke("--db", str(archive), "posts", "x:1791000000000000002", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["post"]["provisional"] is False
    assert report["citations"]
    assert all(c["beyond_truncation"] is False for c in report["citations"])
    assert report["total_citations"] == len(report["citations"])
    assert report["total_articles"] == 1
    assert '"beyond_truncation": 0' not in result.output


def test_status_json_writes_true_and_false(tmp_path: Path) -> None:
    store = Store(tmp_path / "a.db")
    store.sync_sources([SourceConfig("feed", url="https://one.example/rss"),
                        SourceConfig("feed", url="https://two.example/rss", enabled=False)])
    store.close()
    result = invoke("--db", str(tmp_path / "a.db"), "status", "--json")
    assert result.exit_code == 0, result.output
    enabled = {s["name"]: s["enabled"] for s in json.loads(result.output)["sources"]}
    assert enabled == {"feed:https://one.example/rss": True,
                       "feed:https://two.example/rss": False}


# -- a closed pipe -----------------------------------------------------------------------------

def _into_closed_pipe(args: list[str]) -> subprocess.CompletedProcess[bytes]:
    """Run postlink with stdout a pipe whose reader has already gone: the first write fails
    with EPIPE, as when `head` has read what it wanted."""
    read, write = os.pipe()
    os.close(read)
    try:
        return subprocess.run([*POSTLINK, *args], stdout=write, stderr=subprocess.PIPE,
                              timeout=120, check=False)
    finally:
        os.close(write)


@pytest.mark.parametrize("args", [
    ["list"], ["audit", "1"], ["audit", "1", "--format", "json"], ["search", "outage"],
    ["posts", "x:1791000000000000002"], ["--help"],
], ids=" ".join)
def test_a_closed_pipe_ends_the_command_quietly(archive: Path, args: list[str]) -> None:
    done = _into_closed_pipe(["--db", str(archive), *args])
    assert done.stderr.decode() == ""
    assert done.returncode == 0


def test_piping_a_long_listing_into_head(tmp_path: Path) -> None:
    """A real pipeline: more output than the pipe holds, and a reader that leaves after one
    line. pipefail makes the shell report postlink's own exit code."""
    page = tmp_path / "long.txt"
    page.write_text("Long read\n\n" + "\n\n".join(
        f"The harbour committee met for session number {i} on the bridge." for i in range(1500)),
        encoding="utf-8")
    db = tmp_path / "archive.db"
    assert invoke("--db", str(db), "add", "--offline", str(page)).exit_code == 0
    command = " ".join([*POSTLINK, "--db", str(db), "search", "harbour", "--limit", "1500"])
    done = subprocess.run(["bash", "-c", f"set -o pipefail; {command} | head -n 1"],
                          capture_output=True, timeout=120, check=False)
    assert done.stdout.decode() == "sentences: 1500\n"
    assert done.stderr.decode() == ""
    assert done.returncode == 0


# -- error messages: what: why; what to do -----------------------------------------------------

def _file(tmp_path: Path, name: str, data: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


ERRORS = [  # (name, files to write, arguments, exit code, the message after "Error: ")
    ("config value", {"bad.toml": b'[network]\ntimeout = "ten"\n'},
     ["--config", "{bad.toml}", "add", "x.html"], 2,
     "{bad.toml}: [network] timeout must be a number, got 'ten'; e.g. timeout = 10"),
    ("config key", {"bad.toml": b'[archive]\npath = "a.db"\n'},
     ["--config", "{bad.toml}", "list"], 2,
     "{bad.toml}: [archive] has unknown key 'path'; check its spelling: the keys are db"),
    ("source kind", {"bad.toml": b'[[sources]]\nkind = "rss"\nurl = "https://a.example/f"\n'},
     ["--config", "{bad.toml}", "run", "--once"], 2,
     "{bad.toml}: [[sources]] #1 kind must be one of feed, sitemap, list, folder, got 'rss'; "
     'e.g. kind = "feed"'),
    ("binary HTML file", {"photo.html": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20},
     ["add", "{photo.html}"], 2,
     "{photo.html}: binary data, not HTML or text; give the page's HTML or the article's text "
     "(a PDF, image or archive cannot be read)"),
    ("empty HTML file", {"empty.html": b"  \n"}, ["add", "{empty.html}"], 2,
     "{empty.html}: empty, nothing to read; give a file or page that holds the article"),
    ("HTML file without text", {"blank.html": b"<html><head><title>t</title></head></html>"},
     ["add", "{blank.html}"], 2,
     "{blank.html}: the page has no body text; save the page from a browser once it has "
     "loaded, or add the article's text as a .txt file"),
    ("missing file", {}, ["add", "no-such-page.html"], 2,
     "no-such-page.html: cannot read (No such file or directory); check the file name and "
     "its permissions"),
    ("file type", {"a.pdf": b"%PDF-1.4"}, ["add", "{a.pdf}"], 2,
     "{a.pdf}: unsupported file type '.pdf'; give an .html, .htm, .txt or .md file, a URL, "
     "or - for stdin"),
    ("offline URL", {}, ["add", "--offline", "https://news.example/a"], 2,
     "https://news.example/a: --offline given, so a URL cannot be fetched; save the page and "
     "pass the file with --url"),
    ("loopback URL", {}, ["add", "http://127.0.0.1:9/a"], 1,
     'http://127.0.0.1:9/a: blocked: 127.0.0.1 is the non-public address 127.0.0.1; add '
     '"127.0.0.1" to [network] allow_hosts in config.toml if you trust it'),
    ("obfuscated loopback URL", {}, ["add", "http://2130706433/a"], 1,
     "http://2130706433/a: blocked: 2130706433 is the non-public address 127.0.0.1; write it "
     'as 127.0.0.1, and add "127.0.0.1" to [network] allow_hosts in config.toml if you '
     "trust it"),
]


@pytest.mark.parametrize(("files", "args", "code", "message"),
                         [e[1:] for e in ERRORS], ids=[e[0] for e in ERRORS])
def test_errors_say_what_why_and_what_to_do(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                            files: dict[str, bytes], args: list[str],
                                            code: int, message: str) -> None:
    monkeypatch.chdir(tmp_path)  # no config.toml here: the defaults, an archive in tmp_path
    # files are named by their resolved path, as `add` records them
    paths = {name: str(Path(_file(tmp_path, name, data)).resolve())
             for name, data in files.items()}
    def fill(text: str) -> str:
        for name, path in paths.items():
            text = text.replace("{" + name + "}", path)
        return text

    result = invoke(*map(fill, args))
    assert result.exit_code == code
    assert result.output == f"Error: {fill(message)}\n"


def test_an_http_error_names_the_url_and_what_to_do(site: LoopbackSite,
                                                    loopback_config: Path) -> None:
    missing = site.url("/gone.html")
    result = invoke("--config", str(loopback_config), "add", missing)
    assert result.exit_code == 1
    assert result.output == f"Error: {missing}: HTTP 404; check the URL\n"
    site.add("/private.html", "<p>members only</p>", status=403)
    refused = site.url("/private.html")
    result = invoke("--config", str(loopback_config), "add", refused)
    assert result.output == (f"Error: {refused}: HTTP 403 (refused); the site does not serve "
                             "postlink: save the page in a browser and add the file with --url\n")

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
from tests.conftest import DATA

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


# -- JSON booleans -----------------------------------------------------------------------------

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

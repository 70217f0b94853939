"""The read commands start without the extraction stack (issue 15): trafilatura, blingfire,
numpy and lxml cost half a second to import and only `add`, `run` and friends need them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from postlink.pipeline import ArticleInput, add_article
from postlink.store import Store
from tests.conftest import DATA

HEAVY = ("trafilatura", "blingfire", "numpy", "lxml", "justext", "courlan", "sqlite_utils")

# Runs one command in a fresh interpreter, then prints its exit code and which of the heavy
# packages it had imported, on the last two lines of stderr.
DRIVER = f"""
import sys
from postlink.cli import cli
code = 0
try:
    cli(sys.argv[1:], prog_name="postlink")
except SystemExit as exc:
    code = exc.code or 0
print("EXIT", code, file=sys.stderr)
print("HEAVY", *sorted({{m.split(".")[0] for m in sys.modules}} & set({HEAVY!r})),
      file=sys.stderr)
"""


def _run(*argv: str) -> tuple[str, str]:
    done = subprocess.run([sys.executable, "-c", DRIVER, *argv], capture_output=True,
                          text=True, timeout=60)
    exit_line, heavy_line = done.stderr.strip().splitlines()[-2:]
    return exit_line, heavy_line


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("startup") / "archive.db"
    store = Store(path)
    page = DATA / "citations" / "05-outage.html"
    add_article(store, ArticleInput("https://news.example/outage", page.read_bytes(), "html"))
    store.close()
    return path


@pytest.mark.parametrize("args", [
    ["--version"],
    ["audit", "1", "--format", "json"],
    ["audit", "1", "--format", "html"],
    ["audit", "1"],
    ["posts", "x:1791000000000000002"],
    ["search", "outage"],
    ["list"],
    ["status"],
], ids=" ".join)
def test_read_command_imports_no_extraction_stack(db: Path, args: list[str]) -> None:
    exit_line, heavy = _run(*(args if args == ["--version"] else ["--db", str(db), *args]))
    assert exit_line == "EXIT 0"
    assert heavy == "HEAVY", f"postlink {' '.join(args)} imported {heavy[6:]}"


def test_the_check_sees_the_stack_when_it_is_imported(db: Path) -> None:
    """`add` needs the stack, and the same check reports it."""
    page = DATA / "citations" / "05-outage.html"
    exit_line, heavy = _run("--db", str(db), "add", "--offline", str(page))
    assert exit_line == "EXIT 0"
    assert {"trafilatura", "blingfire", "numpy", "lxml"} <= set(heavy.split()[1:])

"""The README tells the truth (issue 14, point 5): its configuration table names every key
config.py accepts, and the outputs it shows are what the commands print.
"""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from postlink.cli import cli
from postlink.config import _SCHEMA

README = Path(__file__).resolve().parents[1] / "README.md"


def _section(title: str) -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index(f"\n{title}\n")
    end = text.find("\n## ", start + 1)
    return text[start:end if end != -1 else None]


def _table_keys() -> set[tuple[str, str]]:
    """(section, key) for every key named in the Configuration table. A row's first cell
    is `[section] key`, with further keys of that section in backticks; the `[[sources]]`
    row names its keys in the last cell."""
    keys = set()
    for row in _section("## Configuration").splitlines():
        first = re.match(r"\| `\[{1,2}(\w+)\]{1,2}", row)
        if not first:
            continue
        section = first.group(1)
        cells = row.split("|")
        named = cells[-2] if cells[1].strip() == "`[[sources]]`" else cells[1]
        for token in re.findall(r"`([^`]+)`", named):
            name = re.sub(r"^\[{1,2}\w+\]{1,2}\s*", "", token)
            if re.fullmatch(r"[a-z_]+", name):
                keys.add((section, name))
    return keys


def test_the_configuration_table_lists_every_key() -> None:
    accepted = {(section, key) for section, keys in _SCHEMA.items() for key in keys}
    listed = _table_keys()
    assert listed <= accepted, f"the README lists keys config.py does not know: {listed - accepted}"
    assert not accepted - listed, f"the README's table lacks {sorted(accepted - listed)}"


def _demo_lines(text: str) -> list[str]:
    lines = [line for line in text.splitlines() if re.match(r"  article \d+: ", line)]
    return [re.sub(r"127\.0\.0\.1:\d+", "127.0.0.1:PORT", line) for line in lines]


def test_the_demo_block_shows_what_the_demo_prints(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["--db", str(tmp_path / "demo.db"), "demo"])
    assert result.exit_code == 0, result.output
    printed = _demo_lines(result.output)
    shown = _demo_lines(_section("### `postlink demo`"))
    assert len(printed) == 3
    assert shown == printed


def test_the_config_error_example_is_what_postlink_prints(tmp_path: Path) -> None:
    example = re.search(r"\$ postlink --config bad.toml (.+)\n(Error: .+)\n",
                        _section("## Configuration"))
    assert example, "the README's Configuration section shows no config error"
    value = re.search(r"timeout must be a number, got '(\w+)'", example.group(2))
    assert value
    (tmp_path / "bad.toml").write_text(f'[network]\ntimeout = "{value.group(1)}"\n',
                                       encoding="utf-8")
    result = CliRunner().invoke(cli, ["--config", str(tmp_path / "bad.toml"),
                                      *example.group(1).split()])
    assert result.exit_code == 2
    printed = result.output.strip().replace(str(tmp_path / "bad.toml"), "bad.toml")
    assert example.group(2) == printed

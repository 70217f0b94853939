import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from postlink.cli import cli
from postlink.config import _SCHEMA, load_config, parse_config
from postlink.errors import ConfigError


def test_defaults_without_a_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    config = load_config()
    assert config.path is None
    assert config.archive.db == Path("archive/postlink.db")
    assert config.network.max_hops == 10


def test_repository_config_is_valid() -> None:
    config = load_config(Path(__file__).resolve().parents[1] / "config.toml")
    assert (config.network.timeout, config.network.deadline) == (10, 30)
    assert config.archive.db.name == "postlink.db"


def test_db_override_wins(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text('[archive]\ndb = "a.db"\n')
    assert load_config(path).archive.db == tmp_path / "a.db"
    assert load_config(path, db=Path("/x/b.db")).archive.db == Path("/x/b.db")


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        ({"network": {"timeout": "fast"}}, "[network] timeout must be a number"),
        ({"network": {"tiemout": 3}}, "unknown key 'tiemout'"),
        ({"netwerk": {}}, "unknown section [netwerk]"),
        ({"network": {"max_hops": 0}}, "max_hops must be greater than 0"),
        ({"network": {"deadline": 0}}, "[network] deadline must be greater than 0"),
        ({"network": {"deadline": "1m"}}, "[network] deadline must be a number"),
        ({"network": {"retries": True}}, "retries must be a whole number"),
        ({"network": {"allow_hosts": "localhost"}}, "allow_hosts must be a list of strings"),
        ({"sources": [{"kind": "podcast", "url": "http://a"}]}, "kind must be one of"),
        ({"sources": [{"kind": "feed"}]}, 'needs url = "..."'),
        ({"sources": [{"kind": "folder", "path": "nowhere"}]}, "is not a folder"),
    ],
)
def test_bad_values_name_the_key(data: dict, fragment: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse_config(data, Path("/tmp/config.toml"))
    assert fragment in str(info.value)


def test_sources_only_config_is_valid(tmp_path: Path) -> None:
    (tmp_path / "inbox").mkdir()
    path = tmp_path / "c.toml"
    path.write_text('[network]\ntimeout = 5\n\n[[sources]]\nkind = "feed"\nurl = "https://example.org/rss"\n'
                    '\n[[sources]]\nkind = "folder"\npath = "inbox"\ntags = ["local"]\n')
    config = load_config(path)
    assert [s.kind for s in config.sources] == ["feed", "folder"]
    assert config.sources[1].path == tmp_path / "inbox"
    assert config.sources[1].tags == ("local",)


def test_malformed_toml_exits_2_with_one_line(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text("[network\ntimeout = 3\n")
    result = CliRunner().invoke(cli, ["--config", str(path), "audit", "1"])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and "not valid TOML" in lines[0]


def test_missing_config_file_exits_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["--config", str(tmp_path / "none.toml"), "audit", "1"])
    assert result.exit_code == 2
    assert "no such config file" in result.output


def _toml_with(section: str, line: str) -> str:
    if section == "sources":  # a source needs its kind and address beside the key tried
        base = {"kind": 'kind = "feed"', "url": 'url = "https://a.example/f"'}
        key = line.split(" =", 1)[0]
        rest = [v for k, v in base.items() if k != key and not (key == "path" and k == "url")]
        return "\n".join(["[[sources]]", *rest, line]) + "\n"
    return f"[{section}]\n{line}\n"


@pytest.mark.parametrize(("section", "key"), [
    (section, key) for section, keys in _SCHEMA.items() for key in keys])
def test_a_wrong_value_names_the_key_and_an_example_that_works(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, section: str, key: str) -> None:
    """Every key's error says what to write instead (issue 14), and what it says is valid."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "inbox").mkdir()  # the example folder of a folder source's path
    with pytest.raises(ConfigError) as wrong:
        parse_config(tomllib.loads(_toml_with(section, f"{key} = {{ nested = 1 }}")))
    message = str(wrong.value)
    assert f" {key} must be " in message and "got {'nested': 1}" in message
    example = message.rsplit("; e.g. ", 1)[1]
    assert example.startswith(f"{key} = ")
    parse_config(tomllib.loads(_toml_with(section, example)))  # does not raise

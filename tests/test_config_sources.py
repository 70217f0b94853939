"""Config keys of issue 5: [network] contact, per-source min_interval / max_interval."""

from __future__ import annotations

from pathlib import Path

import pytest

from postlink.config import SourceConfig, load_config, parse_config
from postlink.errors import ConfigError


def test_network_and_sources_alone_are_a_valid_config(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[network]\nper_host_delay = 1.5\n\n[[sources]]\nkind = "feed"\n'
                    'url = "https://news.example/feed.xml"\ninterval = 600\n\n'
                    '[[sources]]\nkind = "list"\npath = "urls.txt"\n')
    config = load_config(path)
    assert config.network.per_host_delay == 1.5
    assert [s.name for s in config.sources] == [
        "feed:https://news.example/feed.xml", f"list:{tmp_path / 'urls.txt'}"]


@pytest.mark.parametrize(("network", "agent"), [
    ({"contact": "mailto:ops@paper.example"},
     "postlink/0.1 (+https://github.com/postlink/postlink; mailto:ops@paper.example)"),
    ({"user_agent": "PaperArchive/2", "contact": "https://paper.example/bot"},
     "PaperArchive/2 (https://paper.example/bot)"),
    ({"user_agent": "A/1 (https://paper.example/bot)", "contact": "https://paper.example/bot"},
     "A/1 (https://paper.example/bot)"),
])
def test_contact_goes_into_the_user_agent(network: dict[str, str], agent: str) -> None:
    config = parse_config({"network": network})
    assert config.network.user_agent == agent
    assert config.network.contact == network["contact"]


def test_interval_bounds_default_relative_to_the_interval() -> None:
    assert SourceConfig(kind="feed", url="u", interval=3600).interval_bounds == (900, 86400)
    assert SourceConfig(kind="feed", url="u", interval=60, min_interval=30,
                        max_interval=120).interval_bounds == (30, 120)


@pytest.mark.parametrize(("source", "fragment"), [
    ({"min_interval": 0}, "[[sources]] #1 min_interval must be greater than 0"),
    ({"max_interval": "daily"}, "[[sources]] #1 max_interval must be a number"),
    ({"interval": 600, "min_interval": 900},
     "[[sources]] #1 interval 600 must lie between min_interval 900 and max_interval 14400"),
    ({"interval": 600, "max_interval": 300}, "must lie between min_interval 150 and max_interval 300"),
    ({"kind": "rss"}, "kind must be one of feed, sitemap, list, folder, got 'rss'"),
    ({"kind": "sitemap", "url": None}, "(sitemap) needs url"),
])
def test_bad_source_keys_name_the_key(source: dict[str, object], fragment: str) -> None:
    raw: dict[str, object] = {"kind": "feed", "url": "https://news.example/feed.xml"}
    raw.update(source)
    raw = {k: v for k, v in raw.items() if v is not None}
    with pytest.raises(ConfigError) as info:
        parse_config({"sources": [raw]})
    assert fragment in str(info.value)


def test_contact_must_be_a_string() -> None:
    with pytest.raises(ConfigError, match=r"\[network\] contact must be a string"):
        parse_config({"network": {"contact": 42}})

"""Load and validate config.toml into frozen dataclasses.

Defaults live here; config.toml overrides only the keys it sets. Every problem is reported as a
ConfigError naming the file, the key and the fix, before any network or database work starts.
"""

from __future__ import annotations

import string
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from postlink.errors import ConfigError

DEFAULT_CONFIG_NAME = "config.toml"
SOURCE_KINDS = ("feed", "sitemap", "list", "folder")


@dataclass(frozen=True)
class ArchiveConfig:
    db: Path = Path("archive/postlink.db")


@dataclass(frozen=True)
class NetworkConfig:
    user_agent: str = "postlink/0.1 (+https://github.com/postlink/postlink)"
    timeout: float = 10.0  # to connect, and between two reads
    # The most one request may take, headers and body: a server trickling its answer a byte
    # at a time never trips the read timeout.
    deadline: float = 30.0
    max_bytes: int = 5_000_000
    max_hops: int = 10
    concurrency: int = 16
    per_host_concurrency: int = 2
    per_host_delay: float = 0.0
    retries: int = 2
    allow_hosts: tuple[str, ...] = ()
    # Where a site owner can reach whoever runs this archive (URL or mailto:); added to the
    # user agent so every request says who is asking.
    contact: str = ""


@dataclass(frozen=True)
class SourceConfig:
    kind: str
    url: str | None = None
    path: Path | None = None
    interval: float = 3600.0
    enabled: bool = True
    tags: tuple[str, ...] = ()
    # Bounds of the adaptive interval: a quiet source is polled less often, down to
    # max_interval, a busy one more often, up to min_interval. Unset: interval/4 and interval*24.
    min_interval: float | None = None
    max_interval: float | None = None

    @property
    def name(self) -> str:
        """Stable identity in the archive's sources table: kind and address."""
        return f"{self.kind}:{self.url or self.path}"

    @property
    def interval_bounds(self) -> tuple[float, float]:
        low = self.min_interval if self.min_interval is not None else self.interval / 4
        high = self.max_interval if self.max_interval is not None else self.interval * 24
        return low, high


@dataclass(frozen=True)
class CaptureConfig:
    """Where `check-posts` asks each platform for the authoritative post (no login needed).

    An empty endpoint turns that platform's checks off. ``mastodon_api`` is a template:
    ``{host}`` is the post's server and ``{id}`` its status id on that server.
    """

    enabled: bool = True
    recheck_after: float = 86400.0  # seconds before a checked post is due again
    x_oembed: str = "https://publish.twitter.com/oembed"
    youtube_oembed: str = "https://www.youtube.com/oembed"
    bluesky_api: str = "https://public.api.bsky.app/xrpc/app.bsky.feed.getPosts"
    mastodon_api: str = "https://{host}/api/v1/statuses/{id}"


@dataclass(frozen=True)
class BatchConfig:
    """`postlink batch`: the Dask scheduler to use ("" starts a local cluster) and how many
    workers a local cluster gets (None: one per core)."""

    scheduler: str = ""
    workers: int | None = None


@dataclass(frozen=True)
class Config:
    path: Path | None = None
    archive: ArchiveConfig = field(default_factory=ArchiveConfig)
    network: NetworkConfig = field(default_factory=NetworkConfig)
    sources: tuple[SourceConfig, ...] = ()
    capture: CaptureConfig = field(default_factory=CaptureConfig)
    batch: BatchConfig = field(default_factory=BatchConfig)


# key -> (accepted python types, human description of the type)
_NUMBER = ((int, float), "a number")
_INT = ((int,), "a whole number")
_STR = ((str,), "a string")
_BOOL = ((bool,), "true or false")
_STRLIST = ((list,), "a list of strings")

_SCHEMA: dict[str, dict[str, tuple[tuple[type, ...], str]]] = {
    "archive": {"db": _STR},
    "network": {
        "user_agent": _STR,
        "timeout": _NUMBER,
        "deadline": _NUMBER,
        "max_bytes": _INT,
        "max_hops": _INT,
        "concurrency": _INT,
        "per_host_concurrency": _INT,
        "per_host_delay": _NUMBER,
        "retries": _INT,
        "allow_hosts": _STRLIST,
        "contact": _STR,
    },
    "sources": {
        "kind": _STR,
        "url": _STR,
        "path": _STR,
        "interval": _NUMBER,
        "enabled": _BOOL,
        "tags": _STRLIST,
        "min_interval": _NUMBER,
        "max_interval": _NUMBER,
    },
    "capture": {
        "enabled": _BOOL,
        "recheck_after": _NUMBER,
        "x_oembed": _STR,
        "youtube_oembed": _STR,
        "bluesky_api": _STR,
        "mastodon_api": _STR,
    },
    "batch": {"scheduler": _STR, "workers": _INT},
}
# A value to show in "e.g. key = value" when a key is wrong: its default, else one of its type.
_TYPE_EXAMPLES = {"a number": "60", "a whole number": "1", "a string": '"..."',
                  "true or false": "true", "a list of strings": '["..."]'}
_DEFAULTS: dict[str, dict[str, Any]] = {
    "archive": {"db": "archive/postlink.db"},
    "network": {f.name: getattr(NetworkConfig(), f.name) for f in fields(NetworkConfig)},
    "sources": {"kind": "feed", "url": "https://example.org/feed.xml", "path": "inbox",
                "interval": SourceConfig.interval, "enabled": True, "tags": ["politics"],
                "min_interval": 900, "max_interval": 86400},
    "capture": {f.name: getattr(CaptureConfig(), f.name) for f in fields(CaptureConfig)},
    "batch": {"scheduler": "tcp://127.0.0.1:8786", "workers": 2},
}
# defaults that would make a poor example: (), ""
_DEFAULTS["network"].update(allow_hosts=["intranet.example"], contact="mailto:archive@example.org")


def _example(section: str, key: str, description: str) -> str:
    """``key = value`` in TOML, with a value that passes validation."""
    value = _DEFAULTS.get(section, {}).get(key)  # a section without examples: by type
    if value in (None, ""):
        return f"{key} = {_TYPE_EXAMPLES[description]}"
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, float) and value.is_integer():
        text = str(int(value))
    elif isinstance(value, (list, tuple)):
        text = "[" + ", ".join(f'"{v}"' for v in value) + "]"
    elif isinstance(value, str):
        text = f'"{value}"'
    else:
        text = str(value)
    return f"{key} = {text}"


# Values that must be strictly positive; zero would stall or disable the tool silently.
_POSITIVE = {"timeout", "deadline", "max_bytes", "max_hops", "concurrency", "per_host_concurrency", "interval",
             "min_interval", "max_interval", "recheck_after", "workers"}
# [capture] endpoints, and the placeholders each may contain.
_ENDPOINT_FIELDS: dict[str, set[str]] = {
    "x_oembed": set(), "youtube_oembed": set(), "bluesky_api": set(), "mastodon_api": {"host", "id"},
}


def load_config(path: Path | None = None, *, db: Path | None = None) -> Config:
    """Read ``path`` (or ./config.toml if it exists, else defaults) and apply ``--db``."""
    if path is None:
        candidate = Path(DEFAULT_CONFIG_NAME)
        path = candidate if candidate.is_file() else None
    elif not path.is_file():
        raise ConfigError(f"{path}: no such config file; pass an existing file to --config")
    data: dict[str, Any] = {}
    if path is not None:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path}: not valid TOML ({exc}); fix the syntax") from exc
        except OSError as exc:
            raise ConfigError(f"{path}: cannot read ({exc.strerror}); check the file's "
                              "permissions, or pass another file to --config") from exc
    config = parse_config(data, path)
    if db is not None:
        config = Config(path=config.path, archive=ArchiveConfig(db=db), network=config.network,
                        sources=config.sources, capture=config.capture, batch=config.batch)
    return config


def parse_config(data: dict[str, Any], path: Path | None = None) -> Config:
    """Validate a parsed TOML mapping in one pass; raise ConfigError on the first bad key."""
    where = str(path) if path else "config"
    base = path.parent if path else Path(".")
    for section in data:
        if section not in _SCHEMA:
            raise ConfigError(
                f"{where}: unknown section [{section}]; use one of "
                f"{', '.join(f'[[{s}]]' if s == 'sources' else f'[{s}]' for s in _SCHEMA)}"
            )
    archive_raw = _table(data, "archive", where)
    network_raw = _table(data, "network", where)
    sources_raw = data.get("sources", [])
    if not isinstance(sources_raw, list):
        raise ConfigError(f"{where}: sources is not a list of tables; write each source as a "
                          "[[sources]] table")

    archive_values = _check(archive_raw, "archive", where)
    if "db" in archive_values:
        archive_values["db"] = _resolve(base, archive_values["db"])
    network_values = _check(network_raw, "network", where)
    if "allow_hosts" in network_values:
        network_values["allow_hosts"] = tuple(h.lower() for h in network_values["allow_hosts"])
    if network_values.get("contact"):
        network_values["user_agent"] = _with_contact(
            network_values.get("user_agent", NetworkConfig.user_agent), network_values["contact"])

    sources = []
    for i, raw in enumerate(sources_raw):
        label = f"[[sources]] #{i + 1}"
        if not isinstance(raw, dict):
            raise ConfigError(f"{where}: {label} is not a table; write it as [[sources]] "
                              "followed by key = value lines")
        values = _check(raw, "sources", where, label=label)
        kind = values.get("kind")
        if kind not in SOURCE_KINDS:
            raise ConfigError(
                f"{where}: {label} kind must be one of {', '.join(SOURCE_KINDS)}, got {kind!r}; "
                'e.g. kind = "feed"'
            )
        if kind == "folder":
            if "path" not in values:
                raise ConfigError(f"{where}: {label} (folder) needs path = \"...\"")
        elif "url" not in values and "path" not in values:
            raise ConfigError(f"{where}: {label} ({kind}) needs url = \"...\" or path = \"...\"")
        if "path" in values:
            values["path"] = _resolve(base, values["path"])
            if kind == "folder" and not values["path"].is_dir():
                raise ConfigError(f"{where}: {label} path {values['path']} is not a folder; "
                                  "create it, or fix the path")
        if "tags" in values:
            values["tags"] = tuple(values["tags"])
        source = SourceConfig(**values)
        low, high = source.interval_bounds
        if not low <= source.interval <= high:
            raise ConfigError(
                f"{where}: {label} interval {source.interval:g} must lie between min_interval "
                f"{low:g} and max_interval {high:g}; change one of them"
            )
        sources.append(source)

    return Config(
        path=path,
        archive=ArchiveConfig(**archive_values),
        network=NetworkConfig(**network_values),
        sources=tuple(sources),
        capture=_capture(_table(data, "capture", where), where),
        batch=_batch(_table(data, "batch", where), where),
    )


def _batch(raw: dict[str, Any], where: str) -> BatchConfig:
    values = _check(raw, "batch", where)
    scheduler = values.get("scheduler", "")
    if scheduler and "://" not in scheduler:
        raise ConfigError(f"{where}: [batch] scheduler must be a Dask address such as "
                          f"tcp://HOST:8786, or \"\" for a local cluster, got {scheduler!r}")
    return BatchConfig(**values)


def _capture(raw: dict[str, Any], where: str) -> CaptureConfig:
    """The [capture] section: endpoints must be http(s) URLs (or empty: platform off)."""
    values = _check(raw, "capture", where)
    for key, allowed in _ENDPOINT_FIELDS.items():
        url = values.get(key)
        if not url:
            continue
        if not url.startswith(("http://", "https://")):
            raise ConfigError(f"{where}: [capture] {key} must be an http(s) URL or \"\" to turn "
                              f"it off, got {url!r}")
        try:
            names = {name for _, name, _, _ in string.Formatter().parse(url) if name is not None}
        except ValueError as exc:
            raise ConfigError(f"{where}: [capture] {key} is not a valid template ({exc}), "
                              f"got {url!r}; write placeholders as {{name}} and a literal "
                              "brace as {{ or }}") from exc
        if names - allowed:
            raise ConfigError(f"{where}: [capture] {key} has unknown placeholder "
                              f"{{{sorted(names - allowed)[0]}}}; allowed: "
                              f"{', '.join('{' + n + '}' for n in sorted(allowed)) or 'none'}")
        if key == "mastodon_api" and "id" not in names:
            raise ConfigError(f"{where}: [capture] mastodon_api must contain {{id}} (the status "
                              f"id), got {url!r}; e.g. {_example('capture', key, 'a string')}")
    return CaptureConfig(**values)


def _table(data: dict[str, Any], name: str, where: str) -> dict[str, Any]:
    value = data.get(name, {})
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: [{name}] is not a table; write [{name}] on a line of its "
                          "own, followed by key = value lines")
    return value


def _check(raw: dict[str, Any], section: str, where: str, *, label: str = "") -> dict[str, Any]:
    schema = _SCHEMA[section]
    label = label or f"[{section}]"
    out: dict[str, Any] = {}
    for key, value in raw.items():
        if key not in schema:
            raise ConfigError(
                f"{where}: {label} has unknown key {key!r}; check its spelling: the keys are "
                f"{', '.join(schema)}")
        types, description = schema[key]
        # bool is an int in Python; a number field given `true` is still a mistake
        if not isinstance(value, types) or (isinstance(value, bool) and bool not in types):
            raise ConfigError(f"{where}: {label} {key} must be {description}, got {value!r}; "
                              f"e.g. {_example(section, key, description)}")
        checked: Any = value  # of one of the schema's types from here on
        if types == (list,) and not all(isinstance(v, str) for v in checked):
            raise ConfigError(f"{where}: {label} {key} must be {description}, got {value!r}; "
                              f"e.g. {_example(section, key, description)}")
        if key in _POSITIVE and checked <= 0:
            raise ConfigError(f"{where}: {label} {key} must be greater than 0, got {value!r}; "
                              f"e.g. {_example(section, key, description)}")
        if key == "per_host_delay" and checked < 0:
            raise ConfigError(f"{where}: {label} {key} must be 0 or more, got {value!r}; "
                              f"e.g. {_example(section, key, description)}")
        out[key] = value
    return out


def _with_contact(user_agent: str, contact: str) -> str:
    """``postlink/0.1 (+https://…)`` + contact → ``postlink/0.1 (+https://…; contact)``."""
    if contact in user_agent:
        return user_agent
    if user_agent.endswith(")"):
        return f"{user_agent[:-1]}; {contact})"
    return f"{user_agent} ({contact})"


def _resolve(base: Path, value: str) -> Path:
    path = Path(value).expanduser()
    return path if path.is_absolute() else base / path

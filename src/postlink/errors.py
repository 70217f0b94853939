"""Every error postlink raises on purpose.

Messages are one line: what, why, and what to do, as ``what: why; what to do``, naming the
file, URL or config key involved (issue 14).

    PostlinkError                 exit 1: something failed; the message says what and where
    ├── ConfigError               exit 2: config.toml or a command-line option is wrong
    ├── InputError                exit 2: a file or argument given to a command is unusable
    ├── StoreError                exit 2: the database cannot be opened or written
    │   └── ArchiveLocked         exit 2: another run/schedule holds the archive lock
    ├── NotFound                  exit 1: an article or post asked for is not in the archive
    └── FetchError                exit 1: a URL could not be fetched (network, HTTP status, size)
        ├── BlockedAddress        exit 1: the address guard refused a private/loopback target
        └── Busy                  exit 1: the server answered 429/503 (with Retry-After)

The CLI catches PostlinkError once, prints ``Error: <message>`` and exits with ``exit_code``.
"""

from __future__ import annotations

from collections.abc import Mapping


class PostlinkError(Exception):
    """Base for every error postlink raises on purpose."""

    exit_code = 1


class ConfigError(PostlinkError):
    """config.toml is missing, unreadable, or has a bad value."""

    exit_code = 2


class InputError(PostlinkError):
    """An input file or argument cannot be used (empty, binary, wrong type)."""

    exit_code = 2


class StoreError(PostlinkError):
    """The database cannot be opened, migrated or written."""

    exit_code = 2


class ArchiveLocked(StoreError):
    """Another `postlink run` or `postlink schedule` is working on this archive."""


class NotFound(PostlinkError):
    """An article or post is not in the archive."""

    exit_code = 1

    @classmethod
    def article(cls, ref: object) -> NotFound:
        """The one wording for an article asked for by id, URL or path that is not there."""
        return cls(f"article {ref!r}: not in the archive; `postlink list` shows the archived "
                   "articles, `postlink add` adds one")

    @classmethod
    def post(cls, key: str) -> NotFound:
        """The one wording for a post asked for by key or URL that is not there."""
        return cls(f"post {key!r}: not in the archive; add an article that embeds or links it "
                   "(postlink add URL)")


class FetchError(PostlinkError):
    """A URL could not be fetched; ``reason`` is short and stable (``timeout``, ``http 404``).

    When the server did answer (an error status), ``status`` and ``headers`` (lower-case
    names) are that last answer's, e.g. for its Retry-After; otherwise None and empty.
    """

    def __init__(self, url: str, reason: str, *, status: int | None = None,
                 headers: Mapping[str, str] | None = None) -> None:
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason
        self.status = status
        self.headers: Mapping[str, str] = headers or {}


class BlockedAddress(FetchError):
    """The address guard refused to connect: the host resolves to a non-public address."""


class Busy(FetchError):
    """The server answered 429/503; ``retry_after`` is how long it asked us to stay away."""

    def __init__(self, url: str, reason: str, retry_after: float | None, *,
                 status: int | None = None, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(url, reason, status=status, headers=headers)
        self.retry_after = retry_after

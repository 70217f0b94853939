"""Where articles come from: feeds, sitemaps, URL lists, folders.

Each kind has one module that turns a document (or a folder) into ``Item``s. They never open
sockets or the database; ``runner.py`` fetches the documents and queues the items.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Item:
    """One article a source lists.

    ``url`` is what to fetch (an http(s) URL or a file path); ``stamp`` is whatever the
    source says about its freshness (feed ``updated``, sitemap ``lastmod``, file mtime and
    size): when it changes, the article is fetched again.

    >>> Item("https://example.org/a", stamp="2024-10-17T08:00:00Z")
    """

    url: str
    stamp: str | None = None
    title: str | None = None

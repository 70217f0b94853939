"""Plain files of URLs, one a line, to article items."""

from __future__ import annotations

from postlink.errors import FetchError
from postlink.sources import Item


def parse_list(body: bytes, *, url: str) -> list[Item]:
    """Every http(s) URL in a text file, in order; blank lines and ``#`` comments ignored.

    A line may carry text after the URL (``https://a.example/x  # note``); only the first
    word counts. FetchError when the file is not text or lists no URL at all.
    """
    if b"\x00" in body[:4096]:
        raise FetchError(url, "not a text file of URLs (binary content); point the source at "
                              "a plain-text file with one URL per line")
    text = body.decode("utf-8", errors="replace").lstrip("\ufeff")
    items: list[Item] = []
    seen: set[str] = set()
    other_lines = 0
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        word = line.split()[0]
        if not word.startswith(("http://", "https://")):
            other_lines += 1
        elif word not in seen:
            seen.add(word)
            items.append(Item(word))
    # An empty list is fine (nothing to do yet); a page of prose or HTML is a wrong address.
    if not items and other_lines:
        raise FetchError(url, "lists no http(s) URLs; write one URL per line")
    return items

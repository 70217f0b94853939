"""Local folders of .html/.htm/.txt/.md files to article items."""

from __future__ import annotations

from pathlib import Path

from postlink.errors import FetchError
from postlink.sources import Item

SUFFIXES = (".html", ".htm", ".txt", ".md")


def scan_folder(folder: Path) -> list[Item]:
    """Every article file under ``folder`` (recursively), sorted by path.

    The stamp is the file's modification time and size, so an edited file is read again.
    Hidden files and folders (``.git``, editor swap files) are skipped.
    """
    if not folder.is_dir():
        raise FetchError(str(folder), "is not a folder (moved or deleted?); fix the path in "
                                      "config.toml")
    items = []
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if any(part.startswith(".") for part in relative.parts):
            continue
        if path.suffix.lower() not in SUFFIXES or not path.is_file():
            continue
        stat = path.stat()
        items.append(Item(str(path.resolve()), stamp=f"{stat.st_mtime_ns}:{stat.st_size}"))
    return items

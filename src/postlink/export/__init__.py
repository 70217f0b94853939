"""`postlink export`: the archive in the formats archivists' tools read.

    warc    WARC 1.1 (warcio): every HTTP exchange, revisits, file inputs, audits (warc.py)
    wacz    that WARC packed with its index and pages (py-wacz, optional extra; wacz.py)
    jsonl   articles, posts and citations, one JSON object a line (jsonl.py)
    csv     citations, one row each (citations_csv.py)

A file is written beside its final name and moved there when complete, so a failed export
never leaves half a file under the name asked for.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from postlink.errors import InputError
from postlink.export.citations_csv import write_citations_csv
from postlink.export.jsonl import write_jsonl
from postlink.export.selection import Selection
from postlink.export.warc import write_warc
from postlink.store import Store

FORMATS = ("warc", "wacz", "jsonl", "csv")


@dataclass(frozen=True)
class Exported:
    """What one export wrote: where, how many bytes, and a line saying what was in it."""

    output: str  # a path, or "-" for stdout
    format: str
    bytes: int
    summary: str


def export_archive(store: Store, fmt: str, output: str = "-", *, articles: Sequence[str] = (),
                   since: str | None = None) -> Exported:
    """Export the articles named (all when none) fetched since ``since`` to ``output``."""
    if fmt not in FORMATS:
        raise InputError(f"--format {fmt!r}: not an export format; use one of {', '.join(FORMATS)}")
    sel = Selection.build(store, articles=articles, since=since)
    if fmt == "wacz":
        if output == "-":
            raise InputError("--format wacz: a WACZ is a zip file and cannot go to stdout; "
                             "give --output FILE.wacz")
        from postlink.export.wacz import write_wacz

        with _replacing(Path(output)) as part:
            summary = write_wacz(store, sel, part).line()
        return Exported(output, fmt, Path(output).stat().st_size, summary)
    with _opened(output) as out:
        if fmt == "warc":
            summary = write_warc(store, sel, out, gzip=output.endswith(".gz"),
                                 filename=Path(output).name if output != "-" else "").line()
        else:
            text = io.TextIOWrapper(out, encoding="utf-8", newline="")
            if fmt == "jsonl":
                counts = write_jsonl(store, sel, text)
                summary = ", ".join(f"{n} {kind}s" for kind, n in counts.items())
            else:
                summary = f"{write_citations_csv(store, sel, text)} citations"
            text.flush()
            text.detach()
        size = out.tell() if out.seekable() else 0
    return Exported(output, fmt, size, summary)


@contextlib.contextmanager
def _opened(output: str) -> Iterator[IO[bytes]]:
    if output == "-":
        yield sys.stdout.buffer
        sys.stdout.buffer.flush()
        return
    with _replacing(Path(output)) as part, part.open("wb") as out:
        yield out


@contextlib.contextmanager
def _replacing(path: Path) -> Iterator[Path]:
    """A temporary name beside ``path``, moved onto it if the block succeeds."""
    part = path.with_name(f".{path.name}.part")
    try:
        part.parent.mkdir(parents=True, exist_ok=True)
        yield part
    except OSError as exc:
        _discard(part)
        raise InputError(f"{path}: cannot write the export ({exc.strerror or exc}); check the "
                         "folder and its permissions, or give another --output") from exc
    except BaseException:
        _discard(part)
        raise
    os.replace(part, path)


def _discard(part: Path) -> None:
    with contextlib.suppress(OSError):  # never made, or its folder cannot be: nothing to remove
        part.unlink(missing_ok=True)

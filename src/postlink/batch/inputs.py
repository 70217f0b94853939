"""What ``postlink batch`` reads: the pages inside WARC files, and HTML/text files.

An INPUT is a WARC or ARC file (``.warc``, ``.warc.gz``, ``.arc``, ``.arc.gz``: our own
export, whose pages read from files are ``resource`` records, a crawler's, Common Crawl's), an ``.html/.htm/.txt/.md`` file, a folder of such files
and WARCs (recursively, hidden entries skipped), or, with ``--list``, a file naming inputs one
per line. Each page is a ``Page``; every WARC record that is not a page (requests, metadata,
revisits, images and scripts, non-2xx responses) is a ``Skip`` with its reason, counted in the
summary; a record or file that cannot be read is a ``Broken`` with the error, and reading
goes on with the next one.

A page is named by (file, offset, digest): its input file, the byte offset of its WARC record
(0 for a plain file) and the sha256 of its bytes. That is how a resumed batch knows what it
has done.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from postlink.analysis import ArticleInput
from postlink.config import Config
from postlink.errors import InputError, PostlinkError
from postlink.extract.links import canonical_url
from postlink.net.client import HTML_TYPES, Response
from postlink.pipeline import HTML_SUFFIXES, TEXT_SUFFIXES, read_input

if TYPE_CHECKING:
    from warcio.recordloader import ArcWarcRecord

WARC_SUFFIXES = (".warc", ".warc.gz", ".arc", ".arc.gz")
PAGE_SUFFIXES = HTML_SUFFIXES + TEXT_SUFFIXES


@dataclass(frozen=True)
class RecordKey:
    """Where a page came from: input file (resolved path), record offset, sha256 of its bytes."""

    file: str
    offset: int
    digest: str

    def __str__(self) -> str:
        return f"{self.file}@{self.offset}"


@dataclass(frozen=True)
class Page:
    key: RecordKey
    article: ArticleInput
    size: int = 0  # bytes of input this page stands for (progress)


@dataclass(frozen=True)
class Skip:
    file: str
    offset: int
    reason: str  # short and stable, counted in the summary: "request record", "image/png"
    size: int = 0


@dataclass(frozen=True)
class Broken:
    file: str
    offset: int
    error: str
    size: int = 0


Item = Page | Skip | Broken


def expand_inputs(inputs: Iterable[str], lists: Iterable[str] = ()) -> list[Path]:
    """The input files named by INPUTs and ``--list`` files, in order, each once.

    Raises InputError before any work when an input is missing or of an unknown kind.
    """
    named = list(inputs)
    for listing in lists:
        named += _read_list(Path(listing))
    files: dict[Path, None] = {}
    for name in named:
        path = Path(name)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                relative = child.relative_to(path)
                if child.is_file() and _kind(child) and not any(
                        part.startswith(".") for part in relative.parts):
                    files[child.resolve()] = None
        elif path.is_file():
            if not _kind(path):
                raise InputError(f"{name}: not a WARC/ARC (.warc, .warc.gz, .arc, .arc.gz) or "
                                 ".html/.htm/.txt/.md file; give one of those, a folder of "
                                 "them, or a list of them with --list")
            files[path.resolve()] = None
        else:
            raise InputError(f"{name}: no such file or folder; check the path")
    return list(files)


def _read_list(path: Path) -> list[str]:
    """Lines of a list file, relative paths taken from the list's folder; # starts a comment."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read the list ({exc}); give a text file with one "
                         "path per line") from exc
    out = []
    for line in lines:
        line = line.split("#", 1)[0].strip()
        if line:
            out.append(str(path.parent / line) if not Path(line).is_absolute() else line)
    return out


def _kind(path: Path) -> str | None:
    name = path.name.lower()
    if name.endswith(WARC_SUFFIXES):
        return "warc"
    if path.suffix.lower() in PAGE_SUFFIXES:
        return "page"
    return None


def read_items(files: Iterable[Path], config: Config) -> Iterator[Item]:
    """Every page, skipped record and unreadable record of ``files``, in order."""
    for path in files:
        if _kind(path) == "warc":
            yield from _warc_items(path, config.network.max_bytes)
        else:
            yield _file_item(path, config)


def _file_item(path: Path, config: Config) -> Page | Broken:
    """A page file, read exactly as ``postlink add FILE`` reads it."""
    size = path.stat().st_size if path.exists() else 0
    try:
        article = read_input(str(path), url=None, offline=True, config=config)
    except PostlinkError as exc:
        return Broken(str(path), 0, str(exc), size)
    return Page(RecordKey(str(path), 0, _digest(article.body)), article, size)


def _warc_items(path: Path, max_bytes: int) -> Iterator[Item]:
    from warcio.archiveiterator import ArchiveIterator

    file = str(path)
    start = 0  # where the next record begins: a damaged file is reported from there
    with path.open("rb") as stream:
        records = ArchiveIterator(stream, arc2warc=True)
        entries = iter(records)
        while True:
            try:
                record = next(entries, None)
                if record is None:
                    return
                read = _read_record(record, max_bytes)
                # asked after the body is read: warcio reads to the record's end to tell
                offset, length = records.get_record_offset(), records.get_record_length()
            except Exception as exc:  # warcio and gzip raise many kinds; the file is what failed
                yield Broken(file, start, f"{path}: unreadable WARC data at offset {start}"
                             f" ({type(exc).__name__}: {exc}); the records before it were read",
                             max(0, path.stat().st_size - start))
                return
            start = offset + length
            missing = getattr(record.raw_stream, "limit", 0)  # warcio's LimitReader
            if missing:  # warcio hands back a cut-short record as if it were whole
                read = _Unreadable(f"{path}: WARC record cut short at offset {offset} "
                                   f"({missing} bytes missing); the file is incomplete")
            if isinstance(read, ArticleInput):
                yield Page(RecordKey(file, offset, _digest(read.body)), read, length)
            elif isinstance(read, _Unreadable):
                yield Broken(file, offset, read.error, length)
            else:
                yield Skip(file, offset, read, length)


def _read_resource(record: ArcWarcRecord, max_bytes: int) -> ArticleInput | _Unreadable | str:
    """A resource record: page bytes no HTTP exchange brought, as `postlink export` writes
    articles read from files; named by its target URI as the archive named them."""
    uri = record.rec_headers.get_header("WARC-Target-URI") or ""
    content_type = record.rec_headers.get_header("Content-Type") or ""
    response = Response(uri, uri, 0, {"content-type": content_type}, b"", 0.0)
    kind = "html" if response.content_type in HTML_TYPES \
        else "text" if response.content_type == "text/plain" else None
    if kind is None or not uri:
        return f"resource record of {response.content_type or 'no type'}"
    body = _body(record, uri, max_bytes)
    if isinstance(body, _Unreadable):
        return body
    name = canonical_url(uri) if uri.startswith(("http://", "https://")) else uri
    return ArticleInput(name, body, kind, charset=response.charset)


def _body(record: ArcWarcRecord, uri: str, max_bytes: int) -> bytes | _Unreadable:
    try:
        body: bytes = record.content_stream().read(max_bytes + 1)
    except Exception as exc:  # a bad chunked or gzip body is this record's fault, not the file's
        return _Unreadable(f"{uri}: cannot decode the record's body ({type(exc).__name__}: {exc})")
    if len(body) > max_bytes:
        return _Unreadable(f"{uri}: larger than [network] max_bytes ({max_bytes} bytes); "
                           "raise it in config.toml to read this page")
    return body


@dataclass(frozen=True)
class _Unreadable:
    error: str


def _read_record(record: ArcWarcRecord, max_bytes: int) -> ArticleInput | _Unreadable | str:
    """One WARC record as a page, or why it cannot be read, or why it is no page (a str)."""
    if record.rec_type == "resource":
        return _read_resource(record, max_bytes)
    if record.rec_type != "response":
        return f"{record.rec_type} record"
    uri = record.rec_headers.get_header("WARC-Target-URI") or ""
    if not uri.startswith(("http://", "https://")) or record.http_headers is None:
        return "response without HTTP headers"
    status = int(record.http_headers.get_statuscode() or 0)
    if not 200 <= status < 300:
        return f"HTTP {status}"
    headers = {name.lower(): value for name, value in record.http_headers.headers}
    # the same reading of Content-Type that a page fetched by `postlink add URL` gets
    response = Response(uri, uri, status, headers, b"", 0.0)
    kind = "html" if response.content_type in HTML_TYPES \
        else "text" if response.content_type == "text/plain" else None
    if kind is None:
        return response.content_type
    body = _body(record, uri, max_bytes)
    if isinstance(body, _Unreadable):
        return body
    # Named by the crawled address, as `postlink add FILE --url URI` names it (rel=canonical
    # is not followed: the record says what was fetched, and one page keeps one name).
    return ArticleInput(canonical_url(uri), body, kind, original_url=uri, status=status,
                        headers=headers, charset=response.charset)


def _digest(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()

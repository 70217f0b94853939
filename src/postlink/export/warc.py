"""The archive as WARC 1.1 (warcio): what was fetched, as it was fetched, and what we made of it.

Records, in order:
- ``warcinfo``: postlink's version and how the records below are made;
- every exchange in the order it was made (articles and their redirect hops, feeds,
  robots.txt, short-link hops, post captures): a ``request`` record and a ``response``
  record, or a ``revisit`` when an earlier exported response had the same body (an unchanged
  re-fetch) or, with the ``server-not-modified`` profile, for a 304 to a conditional re-fetch
  of an archived page; a request that got no answer has a ``metadata`` record with the reason;
- after the first page of each article version, a ``metadata`` record with the version's
  audit (the JSON of ``postlink audit --format json``), referring to that page;
- last, each version no exchange brought (a file, stdin, a page archived before raw
  captures): a ``resource`` record with its input bytes, then its audit.

Bodies are stored as postlink read them, with any gzip/deflate undone, so a response record
carries the decoded body, a Content-Length of its size and no Content-Encoding or
Transfer-Encoding; the server's values are kept as ``X-Postlink-Original-Content-Encoding`` /
``-Transfer-Encoding`` / ``-Content-Length``. ``WARC-Payload-Digest`` is the body's sha256 (its
address in the archive), in base32 as WARC 1.1 writes digests; warcio adds a sha1 block digest.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from dataclasses import dataclass
from io import BytesIO
from typing import IO, Any
from urllib.parse import urlsplit

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

import postlink.export.selection as selection  # not `from postlink.export`: the package imports us
from postlink import __version__
from postlink.export.selection import Selection
from postlink.report.audit import build_audit
from postlink.store import Store, sha256

# Headers that describe the wire encoding of a body we store decoded.
RECODED = ("content-encoding", "transfer-encoding", "content-length")
RENAMED_PREFIX = "X-Postlink-Original-"
NOT_MODIFIED = "http://netpreserve.org/warc/1.1/revisit/server-not-modified"
AUDIT_TYPE = "application/json; profile=\"postlink-audit\""


@dataclass
class WarcSummary:
    """How many records of each kind one export wrote."""

    responses: int = 0
    revisits: int = 0
    requests: int = 0
    resources: int = 0
    metadata: int = 0
    versions: int = 0

    def line(self) -> str:
        return (f"{self.versions} article versions: {self.responses} responses, "
                f"{self.revisits} revisits, {self.requests} requests, {self.resources} "
                f"resources, {self.metadata} metadata records")


def warc_date(at: str) -> str:
    """An archive time (ISO 8601, UTC offset) as a WARC-Date (``…Z``)."""
    return at.replace("+00:00", "Z") if at.endswith("+00:00") else at


def payload_digest(sha256_hex: str) -> str:
    """A sha256 hex digest as a WARC digest: ``sha256:`` and base32."""
    return "sha256:" + base64.b32encode(bytes.fromhex(sha256_hex)).decode("ascii")


# Told of each article page written as a response: (URL, WARC-Date, title); the WACZ's pages.
PageListener = Callable[[str, str, str | None], None]


def write_warc(store: Store, sel: Selection, out: IO[bytes], *, gzip: bool,
               filename: str = "", on_page: PageListener | None = None) -> WarcSummary:
    """Write the selected part of the archive to ``out``; streams, one record at a time."""
    writer = WARCWriter(out, gzip=gzip, warc_version="1.1")
    summary = WarcSummary()
    writer.write_record(writer.create_warcinfo_record(filename, {
        "software": f"postlink/{__version__}",
        "format": "WARC File Format 1.1",
        "conformsTo": "https://iipc.github.io/warc-specifications/specifications/"
                      "warc-format/warc-1.1/",
        "description": "postlink archive export: raw HTTP exchanges with decoded bodies "
                       f"(wire encodings kept as {RENAMED_PREFIX}* headers), and each article "
                       "version's citation audit as a metadata record",
    }))
    for exchange in selection.exchanges(store, sel):
        record_id = _write_exchange(writer, store, sel, exchange, summary)
        version = selection.first_page(store, sel, exchange)
        if version is not None:  # the audit follows the page it was made from
            summary.versions += 1
            _write_audit(writer, store, version, record_id, summary)
            if on_page is not None:
                on_page(exchange["url"], warc_date(exchange["at"]), version["title"])
    for version in selection.unfetched_versions(store, sel):
        summary.versions += 1
        _write_audit(writer, store, version, _write_resource(writer, store, version, summary),
                     summary)
    return summary


def _write_exchange(writer: WARCWriter, store: Store, sel: Selection,
                    exchange: dict[str, Any], summary: WarcSummary) -> str | None:
    """A request and its response (or revisit); the response's record id, if any."""
    uri, date = exchange["url"], warc_date(exchange["at"])
    request = _request_record(writer, exchange, uri, date)
    summary.requests += 1
    if exchange["status"] is None:  # nothing came back: say why, beside the request
        request_id = request.rec_headers.get_header("WARC-Record-ID")
        writer.write_record(request)
        writer.write_record(_fields_record(writer, uri, date, {
            "postlink-error": exchange["error"] or "no response",
            "postlink-ms": exchange["ms"]}, refers_to=request_id))
        summary.metadata += 1
        return None
    http = _response_headers(exchange)
    common = {"WARC-Date": date, "WARC-Truncated": "length" if exchange["truncated"] else None}
    confirmed = selection.version_page(store, sel, exchange["article_version_id"]) \
        if exchange["status"] == 304 and exchange["article_version_id"] else None
    if confirmed is not None:  # a conditional re-fetch: the page it confirmed is earlier
        response = writer.create_revisit_record(
            uri, payload_digest(confirmed["body_sha256"]), confirmed["url"],
            warc_date(confirmed["at"]), http_headers=http, warc_headers_dict=_present(common))
        response.rec_headers.replace_header("WARC-Profile", NOT_MODIFIED)
        writer.write_request_response_pair(request, response)
        summary.revisits += 1
        return str(response.rec_headers.get_header("WARC-Record-ID"))
    original = selection.earlier_copy(store, sel, exchange)
    if original is not None:
        http.replace_header("Content-Length", str(_size(store, exchange)))
        response = writer.create_revisit_record(
            uri, payload_digest(exchange["body_sha256"]), original["url"],
            warc_date(original["at"]), http_headers=http,
            warc_headers_dict=_present(common))
        summary.revisits += 1
    else:
        data = selection.body(store, exchange["body_sha256"])
        http.replace_header("Content-Length", str(len(data)))
        response = writer.create_warc_record(
            uri, "response", payload=BytesIO(data), length=len(data), http_headers=http,
            warc_headers_dict=_present({**common,
                                        "WARC-Payload-Digest": payload_digest(
                                            exchange["body_sha256"])}))
        summary.responses += 1
    writer.write_request_response_pair(request, response)
    return str(response.rec_headers.get_header("WARC-Record-ID"))


def _size(store: Store, exchange: dict[str, Any]) -> int:
    rows = store.query("SELECT size FROM bodies WHERE sha256 = ?", (exchange["body_sha256"],))
    return int(rows[0]["size"]) if rows else 0


def _request_record(writer: WARCWriter, exchange: dict[str, Any], uri: str, date: str) -> Any:
    parts = urlsplit(uri)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    # the client speaks HTTP/1.1 (h11) unless the answer came over HTTP/2
    version = "HTTP/2" if exchange["http_version"] == "HTTP/2" else "HTTP/1.1"
    http = StatusAndHeaders(f"{exchange['method']} {target} {version}",
                            selection.headers(exchange["request_headers"]),
                            is_http_request=True)
    return writer.create_warc_record(uri, "request", payload=BytesIO(b""), length=0,
                                     http_headers=http, warc_headers_dict={"WARC-Date": date})


def _response_headers(exchange: dict[str, Any]) -> StatusAndHeaders:
    kept: list[tuple[str, str]] = []
    for name, value in selection.headers(exchange["response_headers"]):
        if name.lower() in RECODED:
            kept.append((RENAMED_PREFIX + name.title(), value))
        else:
            kept.append((name, value))
    kept.append(("Content-Length", "0"))  # set to the stored body's size by the caller
    status = f"{exchange['status']} {exchange['reason'] or ''}".strip()
    return StatusAndHeaders(status, kept, protocol=exchange["http_version"] or "HTTP/1.1")


def _write_resource(writer: WARCWriter, store: Store, version: dict[str, Any],
                    summary: WarcSummary) -> str:
    """The bytes a version was read from when no HTTP exchange brought it (a file, stdin)."""
    data, content_type = selection.capture_body(store, version["capture_id"])
    record = writer.create_warc_record(
        version["url"], "resource", payload=BytesIO(data), length=len(data),
        warc_content_type=content_type or "text/html",
        warc_headers_dict=_present({"WARC-Date": warc_date(version["fetched_at"]),
                                    "WARC-Payload-Digest": payload_digest(
                                        sha256(data)),
                                    "WARC-Source-URI": version["input_path"]}))
    writer.write_record(record)
    summary.resources += 1
    return str(record.rec_headers.get_header("WARC-Record-ID"))


def _write_audit(writer: WARCWriter, store: Store, version: dict[str, Any],
                 page_id: str | None, summary: WarcSummary) -> None:
    audit = build_audit(store, str(version["article_id"]), version["version"])
    data = json.dumps(audit, ensure_ascii=False).encode("utf-8")  # no indent: the C encoder
    record = writer.create_warc_record(
        f"urn:postlink:audit:{version['article_id']}:{version['version']}", "metadata",
        payload=BytesIO(data), length=len(data), warc_content_type=AUDIT_TYPE,
        warc_headers_dict=_present({"WARC-Date": warc_date(version["fetched_at"]),
                                    "WARC-Refers-To": page_id}))
    writer.write_record(record)
    summary.metadata += 1


def _fields_record(writer: WARCWriter, uri: str, date: str, fields: dict[str, Any], *,
                   refers_to: str) -> Any:
    data = "".join(f"{k}: {v}\r\n" for k, v in fields.items() if v is not None).encode()
    return writer.create_warc_record(uri, "metadata", payload=BytesIO(data), length=len(data),
                                     warc_content_type="application/warc-fields",
                                     warc_headers_dict={"WARC-Date": date,
                                                        "WARC-Concurrent-To": refers_to})


def _present(headers: dict[str, Any]) -> dict[str, str]:
    return {k: str(v) for k, v in headers.items() if v is not None}

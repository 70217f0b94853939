"""Bytes to text: charset detection, and refusal of binary input."""

from __future__ import annotations

import codecs
import re

from postlink.errors import InputError

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.I)
# Control bytes never found in real text; many of them mean an image, PDF or archive.
EMPTY = "empty, nothing to read; give a file or page that holds the article"
_BINARY = ("binary data, not HTML or text; give the page's HTML or the article's text "
           "(a PDF, image or archive cannot be read)")
_BINARY_BYTES = set(range(0, 9)) | {11, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31}


def decode_bytes(data: bytes, *, declared: str | None = None, what: str = "input") -> str:
    """Decode ``data`` using the BOM, the declared charset, a meta charset, then UTF-8, cp1252."""
    if not data.strip():
        raise InputError(f"{what}: {EMPTY}")
    head = data[:4096]
    if b"\x00" in head and not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise InputError(f"{what}: {_BINARY}")
    if sum(b in _BINARY_BYTES for b in head) > len(head) * 0.05:
        raise InputError(f"{what}: {_BINARY}")
    for bom, codec in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                       (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return data.decode(codec, errors="replace")
    candidates = []
    if declared:
        candidates.append(declared)
    m = _META_CHARSET.search(data[:8192])
    if m:
        candidates.append(m.group(1).decode("ascii", "ignore"))
    candidates += ["utf-8", "cp1252"]
    for name in candidates:
        try:
            codec = codecs.lookup(name).name
        except LookupError:
            continue
        # A declared charset can lie (a UTF-8 page labelled latin-1 is common); prefer UTF-8
        # when the bytes are valid UTF-8 and the declaration is a single-byte Western codec.
        if codec in ("latin-1", "iso8859-1", "cp1252", "ascii"):
            try:
                return data.decode("utf-8")
            except UnicodeDecodeError:
                return data.decode("cp1252", errors="replace")
        try:
            return data.decode(codec)
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", errors="replace")

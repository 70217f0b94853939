"""Read a response body up to a limit of *decoded* bytes, decompressing in bounded steps.

httpx's own decoder inflates each network chunk in one go, so a 64 KB chunk of a gzip bomb can
become tens of megabytes in memory before any cap is checked. Here zlib is asked for at most
the remaining room (``max_length``), so memory stays near the limit whatever the ratio.
"""

from __future__ import annotations

import zlib

import httpx


class TooLarge(Exception):
    """The decoded body is larger than the limit."""


class UnsupportedEncoding(Exception):
    """A Content-Encoding we did not ask for and cannot decode."""


class _Inflater:
    def __init__(self, encoding: str) -> None:
        # gzip: wbits 16+15; deflate: zlib-wrapped by the spec, raw in practice (auto: 32+15
        # accepts gzip and zlib headers; raw deflate is tried when the header is missing).
        self._raw_fallback = encoding == "deflate"
        self._z = zlib.decompressobj(31 if encoding in ("gzip", "x-gzip") else 47)
        self._started = False

    def feed(self, data: bytes, room: int) -> bytes:
        """Up to ``room + 1`` decoded bytes from ``data`` (one more than room means too large)."""
        if not self._started and self._raw_fallback and data and data[0] & 0x0F != 8:
            self._z = zlib.decompressobj(-15)
        self._started = True
        out = self._z.decompress(data, room + 1)
        # The unconsumed tail only matters while there is room left to fill.
        while self._z.unconsumed_tail and len(out) <= room:
            out += self._z.decompress(self._z.unconsumed_tail, room + 1 - len(out))
        return out


async def read_limited(response: httpx.Response, limit: int) -> tuple[bytes, bool]:
    """The decoded body, at most ``limit`` bytes, and whether it was cut short.

    Raises UnsupportedEncoding for encodings other than identity, gzip and deflate, and
    zlib.error for corrupt compressed data.
    """
    encoding = response.headers.get("content-encoding", "identity").strip().lower()
    if encoding in ("", "identity"):
        inflater = None
    elif encoding in ("gzip", "x-gzip", "deflate"):
        inflater = _Inflater(encoding)
    else:
        raise UnsupportedEncoding(encoding)
    chunks: list[bytes] = []
    size = 0
    async for raw in response.aiter_raw():
        data = inflater.feed(raw, limit - size) if inflater else raw
        if size + len(data) > limit:
            chunks.append(data[: limit - size])
            return b"".join(chunks), True
        chunks.append(data)
        size += len(data)
    return b"".join(chunks), False

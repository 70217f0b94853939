"""An overall deadline for each request: from sending it to the last byte of its body.

httpx's timeouts bound each read, so a server that sends one byte of its headers (or body)
every two seconds never trips a ten-second read timeout and can hold a request forever.
``DeadlineTransport`` bounds the whole exchange instead. It sits below the politeness limiter
(net/limits.py), so the clock starts when the request is sent, not while it waits its turn
for a host slot.

    transport = DeadlineTransport(inner, seconds=30)
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx


class DeadlineExceeded(httpx.TimeoutException):
    """The response (headers and body) did not arrive within the overall deadline."""


class _DeadlineStream(httpx.AsyncByteStream):
    """A response body whose every chunk must arrive before the request's deadline."""

    def __init__(self, inner: httpx.AsyncByteStream, when: float, request: httpx.Request,
                 seconds: float) -> None:
        self._inner = inner
        self._when = when
        self._request = request
        self._seconds = seconds

    async def __aiter__(self) -> AsyncIterator[bytes]:
        chunks = self._inner.__aiter__()
        while True:
            # The timeout wraps the wait for one chunk, never the yield: a timeout open
            # across a yield would cancel whatever the consumer awaits meanwhile.
            bound = asyncio.timeout_at(self._when)
            try:
                async with bound:
                    chunk = await chunks.__anext__()
            except StopAsyncIteration:
                return
            except TimeoutError:
                if not bound.expired():  # a timeout of the layers below, not ours
                    raise
                raise _expired(self._request, self._seconds, "body") from None
            yield chunk

    async def aclose(self) -> None:
        await self._inner.aclose()


def _expired(request: httpx.Request, seconds: float, part: str) -> DeadlineExceeded:
    return DeadlineExceeded(f"the {part} did not arrive within {seconds:g}s", request=request)


class DeadlineTransport(httpx.AsyncBaseTransport):
    """Fail a request with DeadlineExceeded when its headers and body take over ``seconds``."""

    def __init__(self, inner: httpx.AsyncBaseTransport, seconds: float) -> None:
        self.inner = inner
        self.seconds = seconds

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        when = asyncio.get_running_loop().time() + self.seconds
        bound = asyncio.timeout_at(when)
        try:
            async with bound:
                response = await self.inner.handle_async_request(request)
        except TimeoutError:
            if not bound.expired():
                raise
            raise _expired(request, self.seconds, "response headers") from None
        assert isinstance(response.stream, httpx.AsyncByteStream)
        return httpx.Response(
            response.status_code, headers=response.headers,
            stream=_DeadlineStream(response.stream, when, request, self.seconds),
            extensions=response.extensions,
        )

    async def aclose(self) -> None:
        await self.inner.aclose()

"""The one HTTP client: honest user agent, timeouts, size caps, retries, politeness limits.

``build_client`` makes the httpx.AsyncClient every network call uses. Its transport stack is

    LimitedTransport (net/limits: global + per-host concurrency, per-host delay)
      └── DeadlineTransport (net/deadline: headers and body within [network] deadline)
            └── guarded transport (net/transport: resolve once, refuse non-public, dial checked IP)

Tests pass ``transport=`` (e.g. httpx.MockTransport) to replace the bottom layer and
``resolver=`` to make test host names resolve to loopback. ``get`` sends one GET without
following redirects and retries transient failures; ``follow`` follows redirects itself so
that every hop goes through the guard, and ``fetch`` also fails on an error status. Every
httpx failure becomes a FetchError here, nowhere else.
"""

from __future__ import annotations

import asyncio
import time
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urljoin

import httpx

from postlink.config import NetworkConfig
from postlink.errors import FetchError
from postlink.net import guard, retry
from postlink.net.body import TooLarge, UnsupportedEncoding, read_limited
from postlink.net.deadline import DeadlineExceeded, DeadlineTransport
from postlink.net.exchange import Exchange, Headers, RequestLogger
from postlink.net.limits import HostLimiter, LimitedTransport
from postlink.net.transport import guarded_transport

REDIRECT_CODES = (301, 302, 303, 307, 308)
HTML_TYPES = ("", "text/html", "application/xhtml+xml")


def content_type_of(value: str) -> str:
    """The media type of a Content-Type value, lower case, without parameters."""
    return value.split(";")[0].strip().lower()


def charset_of(value: str) -> str | None:
    """The charset parameter of a Content-Type value, if any."""
    for part in value.split(";")[1:]:
        name, _, charset = part.strip().partition("=")
        if name.lower() == "charset":
            return charset.strip("\"' ") or None
    return None


def _content_type(headers: dict[str, str]) -> str:
    return content_type_of(headers.get("content-type", ""))


@dataclass(frozen=True)
class Response:
    url: str  # the URL asked for
    final_url: str  # after redirects
    status: int
    headers: dict[str, str]
    body: bytes
    elapsed_ms: float  # the requests' own time, without waiting for a politeness slot
    redirects: tuple[str, ...] = field(default=())

    @property
    def content_type(self) -> str:
        return _content_type(self.headers)

    @property
    def charset(self) -> str | None:
        return charset_of(self.headers.get("content-type", ""))


@dataclass(frozen=True)
class Answer:
    """One GET without redirects: whatever status the server gave (after retries)."""

    url: str
    status: int
    headers: dict[str, str]  # lower-case names
    body: bytes
    truncated: bool  # the body was cut at the read limit
    ms: float  # the last attempt, without time spent queueing for a politeness slot
    attempts: int = 1

    @property
    def content_type(self) -> str:
        return _content_type(self.headers)

    @property
    def location(self) -> str | None:
        """The absolute redirect target, if this is a redirect with a Location."""
        value = self.headers.get("location", "").strip()
        if self.status in REDIRECT_CODES and value:
            return urljoin(self.url, value)
        return None


# httpx parses every Location, even with redirects off, and raises on one it cannot parse
# (http://0177.0.0.1/), losing the response. We follow redirects ourselves, so a response hook
# puts the header aside and ``_attempt`` puts it back.
_LOCATION_ASIDE = "x-postlink-location"


async def _location_aside(response: httpx.Response) -> None:
    if "location" in response.headers:
        response.headers[_LOCATION_ASIDE] = response.headers.pop("location")


def build_client(network: NetworkConfig, *, transport: httpx.AsyncBaseTransport | None = None,
                 resolver: guard.Resolver | None = None) -> httpx.AsyncClient:
    """The client for all network work; share one per run so the limits are shared too."""
    inner = transport if transport is not None else guarded_transport(network, resolver)
    return httpx.AsyncClient(
        # gzip/deflate are decoded by us in bounded steps (net/body.py), never by httpx
        headers={"User-Agent": network.user_agent, "Accept-Encoding": "gzip, deflate"},
        timeout=httpx.Timeout(network.timeout),
        follow_redirects=False,
        trust_env=False,  # no proxies from the environment: they would bypass the guard
        transport=LimitedTransport(DeadlineTransport(inner, network.deadline),
                                   HostLimiter.from_config(network)),
        event_hooks={"response": [_location_aside]},
    )


class _Transient(Exception):
    """An attempt failed in a way worth retrying; ``reason`` is the FetchError reason."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def http_failure(status: int) -> str:
    """The reason a fetch failed on an HTTP error status, with what to do about it."""
    if status in (401, 403):
        return (f"HTTP {status} (refused); the site does not serve postlink: save the page in "
                "a browser and add the file with --url")
    if status == 429 or status >= 500:
        return f"HTTP {status} (server busy or failing); try again later"
    return f"HTTP {status}; check the URL"


def too_many_redirects(max_hops: int) -> str:
    return f"more than {max_hops} redirects; open the URL in a browser, or raise [network] max_hops"


def redirect_loop(at: str) -> str:
    return f"redirect loop at {at}; the site sends requests in a circle: open the URL in a browser"


async def get(client: httpx.AsyncClient, url: str, network: NetworkConfig, *,
              headers: dict[str, str] | None = None, log: RequestLogger | None = None,
              limit: int | None = None, truncate: bool = False, html_only: bool = False
              ) -> Answer:
    """GET ``url`` once (no redirects), retrying connection errors, timeouts, 5xx and 429.

    Returns the answer for any HTTP status. Reads at most ``limit`` decoded bytes (default
    ``max_bytes``): beyond it, ``truncate=True`` keeps the head, otherwise FetchError.
    ``html_only`` skips the body of non-HTML answers. Raises BlockedAddress when the guard
    refuses, FetchError for failures that persist after ``[network] retries``.
    """
    guard.check_literal(url, network.allow_hosts)
    limit = network.max_bytes if limit is None else limit
    failure = "no attempt"
    asked: float | None = None
    answer: Answer | None = None
    for attempt in range(1, network.retries + 2):
        if attempt > 1:
            wait = retry.backoff(attempt - 1, asked)
            if wait is None:  # Retry-After longer than we are willing to wait
                break
            await asyncio.sleep(wait)
        try:
            answer = await _attempt(client, url, network, headers, log, limit, truncate,
                                    html_only, attempt)
        except _Transient as exc:
            failure, asked, answer = exc.reason, None, None
            continue
        if answer.status not in retry.RETRY_STATUSES:
            return answer
        asked = retry.retry_after(answer.headers.get("retry-after"))
    if answer is not None:
        return answer
    raise FetchError(url, failure)


async def _attempt(client: httpx.AsyncClient, url: str, network: NetworkConfig,
                   headers: dict[str, str] | None, log: RequestLogger | None, limit: int,
                   truncate: bool, html_only: bool, attempt: int) -> Answer:
    at = datetime.now(UTC).isoformat(timespec="microseconds")
    started = time.monotonic()
    queued_ms = 0.0
    status: int | None = None
    body = b""
    error: str | None = None
    sent: Headers = ()
    received: Headers = ()
    version = reason = None
    truncated = False
    try:
        request = client.build_request("GET", url, headers=headers)
        sent = _pairs(request.headers.raw)
        async with client.stream("GET", request.url, headers=request.headers) as resp:
            status = resp.status_code
            version, reason = resp.http_version, resp.reason_phrase
            received = _pairs(resp.headers.raw)
            queued_ms = float(resp.extensions.get("queued_ms", 0.0))
            names = {k.lower(): v for k, v in resp.headers.items()}
            if _LOCATION_ASIDE in names:
                names["location"] = names.pop(_LOCATION_ASIDE)
            if not html_only or _content_type(names) in HTML_TYPES:
                declared = names.get("content-length", "")
                if not truncate and declared.isdigit() and int(declared) > limit:
                    raise TooLarge
                body, truncated = await read_limited(resp, limit)
                if truncated and not truncate:
                    raise TooLarge
            else:  # not read: the archive records the body as cut short
                truncated = names.get("content-length", "") != "0"
        ms = (time.monotonic() - started) * 1000 - queued_ms
        return Answer(url, status, names, body, truncated, ms, attempt)
    except TooLarge:
        error = "too large"
        raise FetchError(url, f"response too large (over {limit} bytes; raise [network] "
                              "max_bytes)") from None
    except FetchError as exc:  # from the guard, inside the connection: name the URL
        error = exc.reason
        raise type(exc)(url, exc.reason) from exc
    except DeadlineExceeded as exc:
        # Not retried: a server that trickles its answer will trickle it again, and the
        # deadline is how long the user lets one URL take.
        error = "deadline"
        raise FetchError(url, f"timed out: {exc} ([network] deadline); raise it for slow "
                              "servers") from None
    except (TimeoutError, httpx.TimeoutException):
        error = "timeout"
        raise _Transient(f"timed out after {network.timeout:g}s; try again later, or raise "
                         "[network] timeout") from None
    except httpx.TransportError as exc:
        error = type(exc).__name__
        raise _Transient(f"cannot connect ({type(exc).__name__}: {exc}); check the URL and "
                         "this machine's network, then try again") from None
    except (httpx.InvalidURL, httpx.UnsupportedProtocol, ValueError) as exc:
        error = "invalid URL"
        raise FetchError(url, f"invalid URL ({exc}); check the URL") from exc
    except (UnsupportedEncoding, zlib.error) as exc:
        error = "bad encoding"
        raise FetchError(url, f"cannot decode the body ({type(exc).__name__}: {exc}); save the "
                              "page in a browser and add the file with --url") from exc
    finally:
        if log is not None:
            log(Exchange(url, at, "GET", sent, status, reason, version, received, body,
                         truncated or error is not None and status is not None,
                         (time.monotonic() - started) * 1000 - queued_ms, error))


def _pairs(raw: list[tuple[bytes, bytes]]) -> Headers:
    """Header pairs as sent or received (latin-1, as HTTP/1.1 puts them on the wire)."""
    out = []
    for name, value in raw:
        text = name.decode("latin-1")
        out.append(("Location" if text == _LOCATION_ASIDE else text, value.decode("latin-1")))
    return tuple(out)


async def follow(client: httpx.AsyncClient, url: str, network: NetworkConfig, *,
                 headers: dict[str, str] | None = None, log: RequestLogger | None = None
                 ) -> Response:
    """GET ``url`` following up to ``max_hops`` redirects, each hop through ``get`` (and so
    through the guard); the last answer whatever its status."""
    current = url
    seen: list[str] = []
    spent = 0.0
    for _ in range(network.max_hops + 1):
        if current in seen:
            raise FetchError(url, redirect_loop(current))
        seen.append(current)
        answer = await get(client, current, network, headers=headers, log=log)
        spent += answer.ms
        if answer.location is None:
            return Response(url, current, answer.status, answer.headers, answer.body, spent,
                            tuple(seen[1:]))
        current = answer.location
    raise FetchError(url, too_many_redirects(network.max_hops))


async def fetch(client: httpx.AsyncClient, url: str, network: NetworkConfig, *,
                headers: dict[str, str] | None = None, log: RequestLogger | None = None
                ) -> Response:
    """GET ``url`` (following up to ``max_hops`` redirects); raise FetchError on any failure.

    An error status (400 and up) raises FetchError carrying that answer's status and headers
    (Retry-After, validators), so callers can still act on them.
    """
    response = await follow(client, url, network, headers=headers, log=log)
    if response.status >= 400:
        raise FetchError(url, http_failure(response.status), status=response.status,
                         headers=response.headers)
    return response


def fetch_sync(url: str, network: NetworkConfig, *,
               transport: httpx.AsyncBaseTransport | None = None,
               log: RequestLogger | None = None,
               resolver: guard.Resolver | None = None) -> Response:
    """Fetch one URL from synchronous code (the ``add`` command)."""

    async def run() -> Response:
        async with build_client(network, transport=transport, resolver=resolver) as client:
            return await fetch(client, url, network, log=log)

    return asyncio.run(run())

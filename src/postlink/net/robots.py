"""robots.txt: fetched once per origin and kept for a day, read with protego (RFC 9309).

What a robots.txt answer means, per RFC 9309 §2.3.1:
- 200: the rules apply to our product token (``postlink``, the user agent's first word);
- 4xx (404 and friends): there are no rules, everything is allowed;
- 5xx, a timeout or no connection: the site may be overloaded, so nothing is fetched from it
  until robots.txt can be read (re-tried after ``ERROR_TTL``).
A ``Crawl-delay`` longer than ``[network] per_host_delay`` spaces that host's articles.

    robots = RobotsCache(network)
    if not await robots.allowed(client, "https://example.org/news/1"):
        ...  # skip it, saying robots.txt disallows it
"""

from __future__ import annotations

import asyncio
import re
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx
from protego import Protego

from postlink.config import NetworkConfig
from postlink.errors import BlockedAddress, FetchError
from postlink.net.client import fetch
from postlink.net.exchange import RequestLogger

TTL = 24 * 3600.0  # RFC 9309 §2.4: caching longer than 24 hours is discouraged
ERROR_TTL = 600.0  # an unreachable robots.txt is asked again after ten minutes
MAX_BYTES = 500 * 1024  # RFC 9309 §2.5: parse at least the first 500 KiB
# Crawl-delay is not in RFC 9309 but widely set; a value of hours would stall a run, so it is
# honoured up to a minute between requests.
MAX_CRAWL_DELAY = 60.0


@dataclass(frozen=True)
class RobotsRules:
    """The verdict for one origin: parsed rules, or allow/deny everything with a reason."""

    parser: Protego | None
    allow_all: bool
    reason: str  # why there are no rules ("no robots.txt (HTTP 404)", "timed out after 10s")
    expires: float


class RobotsCache:
    """robots.txt rules per origin (scheme, host, port), shared by every fetch of a run.

    Kept in memory: a ``postlink schedule`` process keeps it across jobs; each ``run --once``
    asks once per host, which costs one small request per host per run.
    """

    def __init__(self, network: NetworkConfig) -> None:
        self.network = network
        self.token = network.user_agent.split("/", 1)[0].split()[0] or "postlink"
        self._rules: dict[str, RobotsRules] = {}
        self._pending: dict[str, asyncio.Task[RobotsRules]] = {}

    async def allowed(self, client: httpx.AsyncClient, url: str, *,
                      log: RequestLogger | None = None) -> bool:
        """May ``url`` be fetched? Fetches the origin's robots.txt the first time."""
        rules = await self.rules(client, url, log=log)
        if rules.parser is None:
            return rules.allow_all
        return bool(rules.parser.can_fetch(url, self.token))

    async def rules(self, client: httpx.AsyncClient, url: str, *,
                    log: RequestLogger | None = None) -> RobotsRules:
        origin = _origin(url)
        cached = self._rules.get(origin)
        if cached is not None and cached.expires > time.monotonic():
            return cached
        # Many articles of one host ask at once: one request, everybody awaits its answer.
        task = self._pending.get(origin)
        if task is None:
            task = asyncio.ensure_future(self._fetch(client, origin, log))
            self._pending[origin] = task
            task.add_done_callback(lambda _: self._pending.pop(origin, None))
        rules = await task
        self._rules[origin] = rules
        return rules

    def crawl_delay(self, url: str) -> float | None:
        """The origin's Crawl-delay for us in seconds (capped), once its rules are known."""
        rules = self._rules.get(_origin(url))
        if rules is None or rules.parser is None:
            return None
        delay = rules.parser.crawl_delay(self.token)
        return min(float(delay), MAX_CRAWL_DELAY) if delay else None

    def refusal(self, url: str) -> str:
        """Why ``url`` is refused, in one line, for the run's failure list."""
        rules = self._rules.get(_origin(url))
        if rules is None or rules.parser is not None:
            return (f"robots.txt of {_origin(url)} disallows this URL for {self.token}; if you "
                    "may archive it anyway, save the page and add the file with --url")
        return (f"robots.txt of {_origin(url)} could not be read ({rules.reason}); nothing is "
                f"fetched from the site until it can be (asked again after "
                f"{ERROR_TTL / 60:g} minutes)")

    async def _fetch(self, client: httpx.AsyncClient, origin: str,
                     log: RequestLogger | None) -> RobotsRules:
        now = time.monotonic()
        try:
            resp = await fetch(client, f"{origin}/robots.txt", self.network, log=log)
        except BlockedAddress as exc:
            if urlsplit(exc.url).netloc.lower() == urlsplit(origin).netloc:
                # The guard refuses the site itself: that, not robots.txt, is why nothing is
                # fetched, and the guard's reason says how to allow it.
                raise
            return RobotsRules(None, False, exc.reason, now + ERROR_TTL)
        except FetchError as exc:
            status = _status(exc)
            if status is not None and 400 <= status < 500:
                return RobotsRules(None, True, f"no robots.txt (HTTP {status})", now + TTL)
            return RobotsRules(None, False, exc.reason, now + ERROR_TTL)
        text = resp.body[:MAX_BYTES].decode("utf-8", errors="replace")
        return RobotsRules(Protego.parse(text), True, "", now + TTL)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"


def _status(exc: FetchError) -> int | None:
    """The HTTP status behind a FetchError (``status`` attribute, or an "HTTP 404" reason)."""
    status = getattr(exc, "status", None)
    if isinstance(status, int):
        return status
    match = re.match(r"HTTP (\d{3})\b", exc.reason)
    return int(match.group(1)) if match else None

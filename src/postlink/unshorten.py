"""Short-link expansion: every hop recorded, cached with a TTL, many links at once, safely.

One link is followed hop by hop with GET and redirects off (``net.client.get``), so each hop
goes through the address guard and is recorded as ``Hop(url, to, status, via, ms)``:

- ``wrapper``: no request at all: l.facebook.com/l.php?u=, google.*/url?q=, youtu.be/ID, …
- ``http``: a 301/302/303/307/308 Location (relative ones resolved against the hop's URL);
- ``meta``: a meta refresh anywhere in the page (t.co puts it inside <noscript>);
- ``js``: ``location.replace("…")``, ``location.href=``, ``window.location=`` (``\\/`` unescaped);
- ``title``: a <title> that is itself a URL (t.co's page for browser user agents);
- ``interstitial``: a shortener's warning page (bit.ly, lnkd.in) naming the target in a link.

JS, title and interstitial targets are taken only from pages of known shorteners or from tiny
redirect stubs, never from an ordinary article page whose scripts mention ``location``. A chain
ends at the first URL that answers without redirecting; a URL reached by unwrapping ends it
without a request unless it is itself a shortener or wrapper.

Outcomes: ``resolved``, ``dead`` (no such host, 404, 410), ``blocked`` (address guard),
``failed`` (timeouts, 5xx, 429 after retries), ``loop``, ``too_many_hops``. Each is cached in
``short_links`` for ``TTL[status]``; a cached link costs no request.
"""

from __future__ import annotations

import asyncio
import html
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urljoin, urlsplit

import httpx

from postlink.config import NetworkConfig
from postlink.errors import BlockedAddress, FetchError
from postlink.extract.links import canonical_url
from postlink.net import guard
from postlink.net.client import HTML_TYPES, build_client, get
from postlink.net.exchange import RequestLogger
from postlink.store import Store

TTL = {  # how long a result is trusted; failures are retried sooner
    "resolved": timedelta(days=30),
    "dead": timedelta(days=1),
    "blocked": timedelta(days=1),
    "loop": timedelta(days=1),
    "too_many_hops": timedelta(days=1),
    "failed": timedelta(hours=1),
}
READ_LIMIT = 64 * 1024  # only the head of a page is needed to find its redirect
STUB_SIZE = 4096  # a page this small is a redirect stub, not an article
MAX_REFRESH_DELAY = 10.0  # a slower meta refresh is a page reloading itself, not a redirect

# Hosts whose links are resolved when an article is added (others: only with all_hosts).
SHORTENER_HOSTS = frozenset({
    "t.co", "pic.twitter.com", "bit.ly", "bitly.com", "j.mp", "buff.ly", "ow.ly", "tinyurl.com",
    "lnkd.in", "dlvr.it", "trib.al", "fb.me", "fb.watch", "goo.gl", "ift.tt", "is.gd",
    "nyti.ms", "reut.rs", "wapo.st", "bbc.in", "cnn.it", "bloom.bg", "econ.st", "amzn.to",
    "wp.me", "cutt.ly", "rb.gy", "t.ly", "s.id", "snip.ly", "flip.it", "bit.do", "tr.im",
    "db.tt", "shorturl.at", "tiny.cc", "vm.tiktok.com", "vt.tiktok.com", "youtu.be",
    "redd.it", "spoti.fi", "apple.co", "msft.it", "go.nature.com",
})
# Share links on a platform's own host that name no post, only a code its server redirects to
# the post (host without "www.", path prefix): TikTok's and Facebook's "copy link".
SHARE_PATHS = (("tiktok.com", "/t/"), ("facebook.com", "/share/"), ("m.facebook.com", "/share/"),
               ("instagram.com", "/share/"))
# Warning pages that shorteners redirect to, besides the shortener hosts themselves.
INTERSTITIAL_PAGES = (("bitly.com", "/a/warning"), ("www.linkedin.com", "/slink"),
                      ("linkedin.com", "/slink"))
# On an interstitial, links to these hosts (and their subdomains) are the service's own.
_SERVICE_HOSTS = ("bit.ly", "bitly.com", "j.mp", "lnkd.in", "linkedin.com", "licdn.com",
                  "t.co", "twitter.com", "x.com", "twimg.com", "tinyurl.com", "ow.ly",
                  "hootsuite.com", "buff.ly", "buffer.com", "goo.gl", "google.com")

# Wrapper URLs: (host regex, path regex, query parameters holding the target), no request.
WRAPPERS = (
    (r"l\.facebook\.com|lm\.facebook\.com|l\.messenger\.com", r"/l\.php", ("u",)),
    (r"(www\.)?google\.[a-z.]{2,6}", r"/url", ("q", "url")),
    (r"(www\.|m\.)?youtube\.com", r"/redirect", ("q",)),
    (r"out\.reddit\.com", r"/.*", ("url",)),
    (r"click\.redditmail\.com", r"/.*", ("url",)),
    (r"(www\.)?linkedin\.com", r"/safety/go/?|/redir/redirect/?", ("url",)),
    (r"(m\.)?vk\.com", r"/away\.php", ("to",)),
)
_WRAPPERS = tuple((re.compile(h + r"$"), re.compile(p + r"$"), q) for h, p, q in WRAPPERS)
_YOUTU_BE = re.compile(r"^/([A-Za-z0-9_-]{11})/?$")
_REDD_IT = re.compile(r"^/([a-z0-9]{1,13})/?$", re.I)
_GOOGLE_AMP = re.compile(r"^(?:www\.)?google\.[a-z.]{2,6}$")

_META_TAG = re.compile(r"<meta\b[^>]*>", re.I | re.S)
_ATTR = re.compile(r"""([\w:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""", re.S)
_REFRESH = re.compile(r"""^\s*(\d+(?:\.\d*)?)?\s*[;,]?\s*(?:url\s*=\s*)?["']?([^"']*)["']?\s*$""",
                      re.I | re.S)
_JS_STRING = r"""(["'])((?:\\.|(?!\1).)*)\1"""
_JS_REDIRECTS = (
    re.compile(r"\blocation\s*\.\s*(?:replace|assign)\s*\(\s*" + _JS_STRING, re.S),
    re.compile(r"\b(?:window\.|document\.|top\.|self\.)?location(?:\s*\.\s*href)?\s*=(?!=)\s*"
               + _JS_STRING, re.S),
)
_TITLE = re.compile(r"<title\b[^>]*>(.*?)</title>", re.I | re.S)
_ANCHOR = re.compile(r"<a\b[^>]*>", re.I | re.S)


@dataclass(frozen=True)
class Hop:
    """One step: ``url`` was requested (or unwrapped) and pointed ``to`` the next URL."""

    url: str
    to: str | None  # None on the last hop
    status: int | None  # HTTP status; None for wrappers and failed requests
    via: str  # http | meta | js | title | interstitial | wrapper
    ms: float

    def as_json(self) -> dict[str, Any]:
        return {"url": self.url, "to": self.to, "status": self.status, "via": self.via,
                "ms": round(self.ms, 1)}


@dataclass(frozen=True)
class Resolution:
    """Where one link goes. ``final_url`` is the last URL reached, even when not resolved."""

    url: str
    status: str
    final_url: str | None
    canonical_url: str | None
    hops: tuple[Hop, ...] = field(default=())
    error: str | None = None
    cached: bool = False

    @property
    def redirects(self) -> int:
        return sum(1 for hop in self.hops if hop.to is not None)

    def as_json(self) -> dict[str, Any]:
        return {"url": self.url, "status": self.status, "final_url": self.final_url,
                "canonical_url": self.canonical_url, "error": self.error,
                "hops": [hop.as_json() for hop in self.hops], "cached": self.cached}


# -- pure rules ---------------------------------------------------------------------------

def unwrap(url: str) -> str | None:
    """The target of a wrapper URL or an ID-only short link, found without a request."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    host = (parts.hostname or "").lower().rstrip(".")
    if host in ("youtu.be", "www.youtu.be") and (m := _YOUTU_BE.match(parts.path)):
        return f"https://www.youtube.com/watch?v={m.group(1)}"
    if host in ("redd.it", "www.redd.it") and (m := _REDD_IT.match(parts.path)):
        return f"https://www.reddit.com/comments/{m.group(1).lower()}/"
    if _GOOGLE_AMP.match(host) and parts.path.startswith("/amp/s/"):
        return "https://" + parts.path[len("/amp/s/"):]
    params = parse_qs(parts.query)
    for host_re, path_re, names in _WRAPPERS:
        if host_re.match(host) and path_re.match(parts.path):
            for name in names:
                target = (params.get(name) or [""])[0].strip()
                if target.lower().startswith(("http://", "https://")):
                    return target
    return None


def is_shortener(url: str) -> bool:
    """A known shortener or wrapper: worth resolving for every article link."""
    host = guard.host_of(url)
    return host in SHORTENER_HOSTS or host.removeprefix("www.") in SHORTENER_HOSTS \
        or _is_share_link(host, url) or unwrap(url) is not None


def _is_share_link(host: str, url: str) -> bool:
    bare = host.removeprefix("www.")
    if not any(bare == h for h, _ in SHARE_PATHS):
        return False  # most links: no parse of the path
    path = urlsplit(url).path
    return any(bare == h and path.startswith(p) and len(path) > len(p) for h, p in SHARE_PATHS)


def pending_short_links(store: Store) -> Iterator[str]:
    """The archive's links to known shorteners that were never resolved (recorded by
    `add --offline` or `batch`), each once. Take what you need before resolving: resolving
    writes the rows that take a link off this list."""
    return (href for href in store.unresolved_links() if is_shortener(href))


def _is_interstitial_host(url: str) -> bool:
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    return host in SHORTENER_HOSTS or any(
        host == h and parts.path.startswith(p) for h, p in INTERSTITIAL_PAGES)


def _attrs(tag: str) -> dict[str, str]:
    return {m.group(1).lower(): html.unescape(m.group(2) or m.group(3) or m.group(4) or "")
            for m in _ATTR.finditer(tag)}


def _js_unescape(value: str) -> str:
    def one(m: re.Match[str]) -> str:
        code = m.group(1)
        if code[0] in "ux" and len(code) > 1:
            return chr(int(code[1:], 16))
        return {"n": "\n", "t": "\t", "r": "\r"}.get(code, code)

    return re.sub(r"\\(u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|.)", one, value, flags=re.S)


def _usable(target: str, base: str) -> str | None:
    target = target.strip()
    if not target or target.startswith(("#", "javascript:")):
        return None
    absolute = urljoin(base, target)
    return absolute if absolute.lower().startswith(("http://", "https://")) else None


def page_target(text: str, url: str) -> tuple[str, str] | None:
    """The redirect a 200 HTML page makes: (target, via), or None if it is a destination."""
    for tag in _META_TAG.findall(text):
        attrs = _attrs(tag)
        if attrs.get("http-equiv", "").lower() != "refresh":
            continue
        m = _REFRESH.match(attrs.get("content", ""))
        if m and float(m.group(1) or 0) <= MAX_REFRESH_DELAY:
            target = _usable(m.group(2), url)
            if target and target != url:
                return target, "meta"
    trusted = _is_interstitial_host(url) or len(text) < STUB_SIZE
    if not trusted:
        return None
    for pattern in _JS_REDIRECTS:
        for m in pattern.finditer(text):
            target = _usable(_js_unescape(m.group(2)), url)
            if target and target != url:
                return target, "js"
    m = _TITLE.search(text)
    title = html.unescape(m.group(1)).strip() if m else ""
    if re.fullmatch(r"https?://\S+", title) and title != url:
        return title, "title"
    if _is_interstitial_host(url):
        for tag in _ANCHOR.findall(text):
            target = _usable(_attrs(tag).get("href", ""), url)
            host = guard.host_of(target or "")
            if target and not any(host == h or host.endswith("." + h) for h in _SERVICE_HOSTS):
                return target, "interstitial"
    return None


def _decode(body: bytes, headers: dict[str, str]) -> str:
    charset = "utf-8"
    for part in headers.get("content-type", "").split(";")[1:]:
        name, _, value = part.strip().partition("=")
        if name.lower() == "charset" and value:
            charset = value.strip("\"' ")
    try:
        return body.decode(charset, errors="replace")
    except LookupError:
        return body.decode("utf-8", errors="replace")


# -- one link -----------------------------------------------------------------------------

async def resolve_one(client: httpx.AsyncClient, url: str, network: NetworkConfig, *,
                      log: RequestLogger | None = None) -> Resolution:
    """Follow ``url`` hop by hop until a destination, a failure or a limit; ``log`` gets
    every request."""
    hops: list[Hop] = []
    seen: set[str] = set()
    current = url

    def done(status: str, error: str | None = None) -> Resolution:
        final = current
        return Resolution(url, status, final, canonical_url(final), tuple(hops), error)

    while True:
        if current in seen:
            return done("loop", f"{current} was already visited")
        seen.add(current)
        if len(hops) > network.max_hops:
            return done("too_many_hops", f"more than {network.max_hops} redirects")
        target = unwrap(current)
        if target is not None:
            hops.append(Hop(current, target, None, "wrapper", 0.0))
            current = target
            if not is_shortener(target):  # e.g. youtu.be/ID -> the watch URL: nothing to ask
                return done("resolved")
            continue
        if not current.lower().startswith(("http://", "https://")):
            return done("resolved")  # an app link or mailto: where the chain ends
        try:
            answer = await get(client, current, network, limit=READ_LIMIT, truncate=True,
                               html_only=True, log=log)
        except BlockedAddress as exc:
            hops.append(Hop(current, None, None, "http", 0.0))
            return done("blocked", exc.reason)
        except FetchError as exc:
            hops.append(Hop(current, None, None, "http", 0.0))
            dead = exc.reason.startswith(guard.NO_SUCH_HOST)
            return done("dead" if dead else "failed", exc.reason)
        found: tuple[str, str] | None = None
        if answer.location is not None:
            found = (answer.location, "http")
        elif 200 <= answer.status < 300 and answer.content_type in HTML_TYPES and answer.body:
            found = page_target(_decode(answer.body, answer.headers), current)
        if found is not None:
            hops.append(Hop(current, found[0], answer.status, found[1], round(answer.ms, 1)))
            current = found[0]
            continue
        hops.append(Hop(current, None, answer.status, "http", round(answer.ms, 1)))
        return done(*_outcome(answer.status, redirected=len(hops) > 1))


def _outcome(status: int, *, redirected: bool) -> tuple[str, str | None]:
    """Classify the last answer of a chain."""
    if 200 <= status < 300:
        return "resolved", None
    if status in (404, 410):
        return "dead", f"HTTP {status}"
    if status == 429 or status >= 500:
        return "failed", f"HTTP {status}"
    # A destination that refuses us (403 to robots, 401) is still where the link goes; the
    # shortener itself refusing tells us nothing.
    return ("resolved", None) if redirected else ("failed", f"HTTP {status}")


# -- many links, with the cache -------------------------------------------------------------

def _from_row(row: dict[str, Any]) -> Resolution:
    hops = tuple(Hop(h["from_url"], h["to_url"], h["status_code"], h["via"], h["ms"] or 0.0)
                 for h in row["hops"])
    return Resolution(row["url"], row["status"], row["final_url"], row["canonical_url"], hops,
                      row["error"], cached=True)


def _unblocked(row: dict[str, Any], allow_hosts: Sequence[str]) -> bool:
    """A cached ``blocked`` result whose blocked host has since been put in ``allow_hosts``:
    the reason for the block is gone, so the link is resolved again."""
    if row["status"] != "blocked" or not row["hops"]:
        return False
    return guard.is_allowed(guard.host_of(row["hops"][-1]["from_url"]), allow_hosts)


def save(store: Store, result: Resolution, *, now: datetime | None = None) -> None:
    """Record a result in short_links/redirects, replacing the old one for that URL."""
    checked = now or datetime.now(UTC)
    store.save_short_link(
        url=result.url, status=result.status, final_url=result.final_url,
        canonical_url=result.canonical_url, error=result.error,
        checked_at=checked.isoformat(timespec="seconds"),
        expires_at=(checked + TTL[result.status]).isoformat(timespec="seconds"),
        hops=[(h.url, h.to, h.status, h.via, h.ms) for h in result.hops])


async def resolve_many(urls: Iterable[str], network: NetworkConfig, *,
                       store: Store | None = None, refresh: bool = False,
                       client: httpx.AsyncClient | None = None,
                       transport: httpx.AsyncBaseTransport | None = None,
                       resolver: guard.Resolver | None = None) -> list[Resolution]:
    """Resolve every URL (in input order, duplicates once), concurrently across hosts.

    Cached results are returned without a request unless ``refresh``; new results are saved
    to ``store`` as each completes, so an interrupted run keeps what it finished.
    """
    order = list(dict.fromkeys(u.strip() for u in urls))
    results: dict[str, Resolution] = {}
    if store is not None and not refresh:
        stamp = datetime.now(UTC).isoformat(timespec="seconds")
        for u in order:
            row = store.short_link(u, valid_at=stamp)
            if row is not None and not _unblocked(row, network.allow_hosts):
                results[u] = _from_row(row)
    todo = [u for u in order if u not in results]
    if todo:
        async def one(c: httpx.AsyncClient, u: str) -> None:
            result = await resolve_one(c, u, network,
                                       log=store.log_fetch if store is not None else None)
            if store is not None:
                save(store, result)
            results[u] = result

        if client is not None:
            await asyncio.gather(*(one(client, u) for u in todo))
        else:
            async with build_client(network, transport=transport, resolver=resolver) as c:
                await asyncio.gather(*(one(c, u) for u in todo))
    return [results[u] for u in order]


def resolve_sync(urls: Sequence[str], network: NetworkConfig, *, store: Store | None = None,
                 refresh: bool = False, transport: httpx.AsyncBaseTransport | None = None,
                 resolver: guard.Resolver | None = None) -> list[Resolution]:
    """``resolve_many`` from synchronous code (the CLI)."""
    return asyncio.run(resolve_many(urls, network, store=store, refresh=refresh,
                                    transport=transport, resolver=resolver))

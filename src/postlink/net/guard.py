"""Refuse to connect to private, loopback, link-local and other non-public addresses.

Checked on every hop, after DNS: a public-looking name can resolve to 127.0.0.1 or to the
cloud metadata address 169.254.169.254. Two layers use this module:

- ``check_literal(url)`` runs before each request, without DNS: an IP written in the URL in
  any notation (``2130706433``, ``0x7f.1``, ``0177.0.0.1``, ``127.1``, ``[::ffff:7f00:1]``)
  is parsed the way the C resolver would parse it and refused if it is not public.
- ``checked_addresses(host, port)`` runs inside the connection itself (see ``net/transport``):
  it resolves the name once, refuses if any address is non-public, and the socket is then
  opened to one of exactly those addresses, so DNS cannot change between check and connect.

``[network] allow_hosts`` exempts hosts by the name written in the URL (lower-cased, trailing
dot removed). An IP literal is exempt only when written in its canonical form: allowing
``127.0.0.1`` does not allow ``http://2130706433/`` or ``http://127.1/``, because the only
reason to spell an address that way is to get past a filter.
"""

from __future__ import annotations

import asyncio
import ipaddress
import re
import socket
from collections.abc import Awaitable, Callable, Mapping, Sequence
from urllib.parse import urlsplit

from postlink.errors import BlockedAddress, FetchError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
# host, port -> the addresses the host resolves to (as strings, IPv6 without brackets)
Resolver = Callable[[str, int], Awaitable[list[str]]]

NO_SUCH_HOST = "no such host"  # FetchError.reason prefix; a dead link, never retried
_NO_SUCH_HOST_ADVICE = "check the host name, and that this machine can look names up (DNS)"


def blocked_reason(host: str, why: str, address: IPAddress) -> str:
    """Why the guard refused ``host``, and the one setting that lets a trusted host through
    (an IP literal is exempt only as written canonically: the advice says so)."""
    canonical = str(address)
    if ip_literal(host) is not None and canonical != host.strip("[]"):
        advice = f'write it as {canonical}, and add "{canonical}" to [network] allow_hosts'
    else:
        advice = f'add "{host}" to [network] allow_hosts'
    return f"blocked: {host} {why}; {advice} in config.toml if you trust it"


# Ranges Python's ipaddress still calls global but that carry an IPv4 address inside, or that
# are deprecated local ranges: checked explicitly.
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_IPV4_COMPATIBLE = ipaddress.ip_network("::/96")

# One part of an inet_aton address: decimal, 0x-hex or 0-octal.
_PART = re.compile(r"^(0[xX][0-9a-fA-F]*|0[0-7]*|[1-9][0-9]*)$")


def parse_ipv4(host: str) -> ipaddress.IPv4Address | None:
    """``host`` read as inet_aton reads it (1-4 parts, decimal/octal/hex), or None."""
    parts = host.split(".")
    if not 1 <= len(parts) <= 4 or not all(_PART.match(p) for p in parts):
        return None
    values = []
    for p in parts:
        if p[:2].lower() == "0x":
            values.append(int(p[2:] or "0", 16))
        elif p.startswith("0") and len(p) > 1:
            values.append(int(p, 8))
        else:
            values.append(int(p))
    # a.b.c.d; a.b.c16; a.b24; a32: the last part fills the remaining bytes
    *head, last = values
    if any(v > 255 for v in head) or last >= 256 ** (4 - len(head)):
        return None
    number = 0
    for v in head:
        number = number * 256 + v
    number = number * 256 ** (4 - len(head)) + last
    return ipaddress.IPv4Address(number)


def ip_literal(host: str) -> IPAddress | None:
    """The address a URL host names directly (any IPv4 notation, or IPv6), else None."""
    host = host.strip("[]").split("%", 1)[0]  # brackets and an IPv6 zone id
    if ":" in host:
        try:
            return ipaddress.IPv6Address(host)
        except ValueError:
            return None
    return parse_ipv4(host)


def is_public(address: IPAddress) -> bool:
    """True only for globally routable unicast addresses, including any IPv4 embedded in v6."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(address)
        if embedded is not None:
            return is_public(embedded)
        if address.is_site_local:
            return False
    return not (
        address.is_private or address.is_loopback or address.is_link_local
        or address.is_multicast or address.is_unspecified or address.is_reserved
        or not address.is_global
    )


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]  # the client address
    if address in _NAT64 or (address in _IPV4_COMPATIBLE and int(address) > 1):
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def host_of(url: str) -> str:
    """The URL's host, lower-cased, without brackets or trailing dot ('' if none)."""
    try:
        return (urlsplit(url).hostname or "").lower().rstrip(".")
    except ValueError:
        return ""


def is_allowed(host: str, allow_hosts: Sequence[str]) -> bool:
    """Exempt by name as written; an IP literal only in canonical form (module docstring)."""
    host = host.lower().rstrip(".").strip("[]")
    if host not in allow_hosts:
        return False
    literal = ip_literal(host)
    return literal is None or str(literal) == host


def check_literal(url: str, allow_hosts: Sequence[str] = ()) -> None:
    """Refuse ``url`` before any request if its host is a non-public IP in any notation."""
    host = host_of(url)
    if not host:
        raise FetchError(url, "no host in URL; give a full address such as "
                              "https://example.org/page")
    literal = ip_literal(host)
    if literal is None or is_allowed(host, allow_hosts):
        return
    if not is_public(literal):
        raise BlockedAddress(url, blocked_reason(host, f"is the non-public address {literal}",
                                                 literal))
    if str(literal) != host.strip("[]"):
        # A public address in an odd spelling is still refused: nothing legitimate links so.
        raise BlockedAddress(url, f"blocked: {host} is an obfuscated IP address ({literal}); "
                                  f"write it as {literal}")


async def system_resolver(host: str, port: int) -> list[str]:
    """Resolve with the operating system (getaddrinfo)."""
    loop = asyncio.get_running_loop()
    infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


def static_resolver(table: Mapping[str, str]) -> Resolver:
    """A resolver answering from ``table`` (host -> address) only; for tests and the demo."""
    async def resolve(host: str, port: int) -> list[str]:
        try:
            return [table[host.lower().rstrip(".")]]
        except KeyError:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known") from None
    return resolve


async def checked_addresses(host: str, port: int, allow_hosts: Sequence[str] = (),
                            resolver: Resolver | None = None, *, url: str | None = None
                            ) -> list[IPAddress]:
    """Resolve ``host`` once and return its addresses; raise BlockedAddress if any is not
    public (unless the host is allowed), FetchError if the name does not exist."""
    where = url or host
    host = host.lower().rstrip(".")
    literal = ip_literal(host)
    allowed = is_allowed(host, allow_hosts)
    if literal is not None:
        if not allowed and not is_public(literal):
            raise BlockedAddress(where, blocked_reason(
                host, f"is the non-public address {literal}", literal))
        if not allowed and str(literal) != host.strip("[]"):
            raise BlockedAddress(where, f"blocked: {host} is an obfuscated IP address "
                                        f"({literal}); write it as {literal}")
        return [literal]
    try:
        raw = await (resolver or system_resolver)(host, port)
    except socket.gaierror as exc:
        if exc.errno in (socket.EAI_AGAIN,):
            raise  # temporary: the caller treats it as a transient connection error
        raise FetchError(where, f"{NO_SUCH_HOST} ({host}); {_NO_SUCH_HOST_ADVICE}") from exc
    addresses = [ipaddress.ip_address(a.split("%", 1)[0]) for a in raw]
    if not addresses:
        raise FetchError(where, f"{NO_SUCH_HOST} ({host}); {_NO_SUCH_HOST_ADVICE}")
    if not allowed:
        for address in addresses:
            if not is_public(address):
                raise BlockedAddress(where, blocked_reason(
                    host, f"resolves to the non-public address {address}", address))
    return addresses


async def check_url(url: str, allow_hosts: Sequence[str] = (),
                    resolver: Resolver | None = None) -> None:
    """Raise BlockedAddress unless every address ``url``'s host resolves to is public."""
    check_literal(url, allow_hosts)
    parts = urlsplit(url)
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:
        raise FetchError(url, "invalid port; a port is a number from 1 to 65535") from exc
    await checked_addresses(host_of(url), port, allow_hosts, resolver, url=url)

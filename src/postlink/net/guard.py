"""Refuse to connect to private, loopback, link-local and other non-public addresses.

Checked on every hop, after DNS: a public-looking name can resolve to 127.0.0.1 or to the
cloud metadata address 169.254.169.254. Hosts in ``[network] allow_hosts`` are exempt (the
tests and the demo serve from loopback).
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from urllib.parse import urlsplit

from postlink.errors import BlockedAddress, FetchError


def is_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return not (
        address.is_private or address.is_loopback or address.is_link_local
        or address.is_multicast or address.is_unspecified or address.is_reserved
        or not address.is_global
    )


async def check_url(url: str, allow_hosts: tuple[str, ...] = ()) -> None:
    """Raise BlockedAddress unless every address ``url``'s host resolves to is public."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().rstrip(".")
    if not host:
        raise FetchError(url, "no host in URL")
    if host in allow_hosts:
        return
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:
        raise FetchError(url, "invalid port") from exc
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise FetchError(url, f"no such host ({host})") from exc
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split("%", 1)[0])
        if not is_public(address):
            raise BlockedAddress(url, f"blocked: {host} resolves to non-public address {address}")

"""The address guard: every notation of a non-public address is refused, on every hop."""

from __future__ import annotations

import asyncio
import ipaddress
from dataclasses import replace

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from postlink.config import NetworkConfig
from postlink.errors import BlockedAddress, FetchError
from postlink.net import guard
from postlink.net.client import build_client, get
from tests import netns
from tests.servers import HostServer, host_server


@pytest.mark.parametrize(("host", "address"), [
    ("127.0.0.1", "127.0.0.1"),
    ("2130706433", "127.0.0.1"),  # one 32-bit decimal
    ("0x7f000001", "127.0.0.1"),
    ("0x7f.1", "127.0.0.1"),
    ("0177.0.0.1", "127.0.0.1"),  # octal
    ("0177.0.0.01", "127.0.0.1"),
    ("127.1", "127.0.0.1"),  # a.b: b fills three bytes
    ("127.0.1", "127.0.0.1"),  # a.b.c: c fills two bytes
    ("169.254.43518", "169.254.169.254"),
    ("0xa9.0xfe.0xa9.0xfe", "169.254.169.254"),
    ("0", "0.0.0.0"),
    ("0x", "0.0.0.0"),
])
def test_parse_ipv4_reads_every_inet_aton_notation(host: str, address: str) -> None:
    assert guard.parse_ipv4(host) == ipaddress.IPv4Address(address)


@pytest.mark.parametrize("host", ["example.com", "256.0.0.1", "1.2.3.4.5", "08.0.0.1",
                                  "0x100.0.0.1", "4294967296", "1.2.3.0x1000000", "", "1..2"])
def test_parse_ipv4_rejects_names_and_out_of_range(host: str) -> None:
    assert guard.parse_ipv4(host) is None


@pytest.mark.parametrize("address", [
    "127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.0.1", "169.254.169.254", "100.64.0.1",
    "0.0.0.0", "224.0.0.1", "240.0.0.1", "255.255.255.255", "198.18.0.1",
    "::1", "::", "fe80::1", "fc00::1", "fd00:ec2::254", "ff02::1", "fec0::1",
    "::ffff:127.0.0.1", "::ffff:169.254.169.254", "::ffff:10.0.0.1",
    "64:ff9b::7f00:1",  # NAT64 of 127.0.0.1
    "2002:7f00:1::",  # 6to4 of 127.0.0.1
    "::127.0.0.1",  # IPv4-compatible (deprecated)
])
def test_non_public_addresses(address: str) -> None:
    assert not guard.is_public(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ["93.184.215.14", "8.8.8.8", "2606:4700::1111",
                                     "::ffff:8.8.8.8", "64:ff9b::808:808"])
def test_public_addresses(address: str) -> None:
    assert guard.is_public(ipaddress.ip_address(address))


@pytest.mark.parametrize("url", [
    "http://127.0.0.1/", "http://2130706433/", "http://0x7f.1/", "http://0177.0.0.1/",
    "http://127.1/", "http://169.254.169.254/latest/meta-data/", "http://[::1]/",
    "http://[::ffff:127.0.0.1]/", "http://[::ffff:7f00:1]/", "http://[0:0:0:0:0:0:0:1]/",
    "http://[fe80::1%25eth0]/", "http://0.0.0.0:8080/", "http://127.0.0.1./",
    "http://134744072/",  # 8.8.8.8, public but obfuscated: nothing legitimate links so
])
def test_check_literal_refuses_every_notation(url: str) -> None:
    with pytest.raises(BlockedAddress):
        guard.check_literal(url)


def test_check_literal_lets_names_and_public_ips_through() -> None:
    guard.check_literal("https://t.co/abc")
    guard.check_literal("http://93.184.215.14/")


_PRIVATE = st.one_of(
    st.ip_addresses(network="127.0.0.0/8"), st.ip_addresses(network="10.0.0.0/8"),
    st.ip_addresses(network="169.254.0.0/16"), st.ip_addresses(network="192.168.0.0/16"),
    st.ip_addresses(network="172.16.0.0/12"))


def _spellings(address: ipaddress.IPv4Address) -> list[str]:
    a, b, c, d = address.packed
    n = int(address)
    return [str(address), str(n), hex(n), f"0{n:o}", f"{a}.{(b << 16) | (c << 8) | d}",
            f"{a}.{b}.{(c << 8) | d}", f"{a:#x}.{b:#x}.{c:#x}.{d:#x}",
            f"0{a:o}.0{b:o}.0{c:o}.0{d:o}", f"[::ffff:{address}]",
            f"[::ffff:{(a << 8) | b:x}:{(c << 8) | d:x}]"]


@given(_PRIVATE)
def test_property_every_spelling_of_a_private_ipv4_is_refused(
        address: ipaddress.IPv4Address) -> None:
    for host in _spellings(address):
        with pytest.raises(BlockedAddress):
            guard.check_literal(f"http://{host}/x", allow_hosts=())


@pytest.mark.parametrize(("host", "allowed"), [
    ("127.0.0.1", True), ("2130706433", False), ("127.1", False), ("0x7f.1", False),
    ("localhost", False),
])
def test_allowing_127_0_0_1_does_not_allow_other_spellings(host: str, allowed: bool) -> None:
    assert guard.is_allowed(host, ("127.0.0.1",)) is allowed


def test_allow_hosts_must_name_the_odd_spelling_canonically_too() -> None:
    # Even listing "2130706433" itself does not exempt it: odd spellings are never allowed.
    with pytest.raises(BlockedAddress):
        guard.check_literal("http://2130706433/", allow_hosts=("2130706433",))


def test_name_resolving_to_private_address_is_refused() -> None:
    resolver = guard.static_resolver({"evil.example": "169.254.169.254"})
    with pytest.raises(BlockedAddress, match="169.254.169.254"):
        asyncio.run(guard.checked_addresses("evil.example", 80, (), resolver))


def test_one_private_address_among_public_ones_is_refused() -> None:
    async def resolver(host: str, port: int) -> list[str]:
        return ["93.184.215.14", "10.0.0.5"]

    with pytest.raises(BlockedAddress, match="10.0.0.5"):
        asyncio.run(guard.checked_addresses("mixed.example", 443, (), resolver))


def test_unknown_name_is_no_such_host() -> None:
    with pytest.raises(FetchError, match="^nope.example: no such host"):
        asyncio.run(guard.checked_addresses("nope.example", 80, (),
                                            guard.static_resolver({})))


# -- live: the guard inside real connections ----------------------------------------------

def test_live_tests_in_loopback_namespace() -> None:
    netns.run_in_netns(__file__)


@pytest.fixture
def server() -> HostServer:
    netns.assert_isolated()
    with host_server() as s:
        yield s


def fetch_one(url: str, network: NetworkConfig, resolver: guard.Resolver) -> httpx.Response:
    async def go() -> httpx.Response:
        async with build_client(network, resolver=resolver) as client:
            return await get(client, url, network)  # type: ignore[return-value]
    return asyncio.run(go())


@netns.live
def test_live_connection_goes_to_the_checked_address(server: HostServer) -> None:
    # "pinned.example" exists only in our resolver: if httpx resolved the name again itself,
    # the connection would fail. It succeeds, and our resolver was asked exactly once.
    server.page("pinned.example", "/")
    calls: list[str] = []

    async def resolver(host: str, port: int) -> list[str]:
        calls.append(host)
        return ["127.0.0.1"]

    network = replace(NetworkConfig(retries=0), allow_hosts=("pinned.example",))
    answer = fetch_one("http://pinned.example/", network, resolver)
    assert answer.status == 200
    assert calls == ["pinned.example"]


@netns.live
def test_live_rebinding_name_is_refused_at_connect(server: HostServer) -> None:
    # Public at a first look-up, loopback at the next: the connection uses one look-up only,
    # and that one is checked.
    answers = iter([["93.184.215.14"], ["127.0.0.1"]])

    async def rebinding(host: str, port: int) -> list[str]:
        return next(answers)

    async def go() -> None:
        network = NetworkConfig(retries=0, timeout=1)
        async with build_client(network, resolver=rebinding) as client:
            await guard.check_url("http://rebind.example/", (), rebinding)  # the public answer
            await get(client, "http://rebind.example/", network)

    with pytest.raises(BlockedAddress, match="127.0.0.1"):
        asyncio.run(go())
    assert server.seen == []


@netns.live
def test_live_refusal_sends_nothing(server: HostServer) -> None:
    server.page("intranet.example", "/")
    with pytest.raises(BlockedAddress):
        fetch_one("http://intranet.example/", NetworkConfig(retries=0), server.resolver())
    assert server.seen == []

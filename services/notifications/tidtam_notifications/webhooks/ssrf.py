"""The SSRF guard for webhook URLs: checked when a webhook is saved and again before every
delivery (DNS can change between the two), and the delivery connects to the address that
was checked, never to a second lookup's answer.

Refused: schemes other than http and https; URLs with credentials; hosts that resolve to
any loopback, private, link-local (cloud metadata, 169.254.169.254 among them), shared
(CGNAT, 100.64.0.0/10), multicast, unspecified, reserved or benchmarking address, also when
written as an IPv4-mapped (`::ffff:127.0.0.1`) or NAT64 (`64:ff9b::7f00:1`) IPv6 address or
in the decimal, hex or octal forms of IPv4 (`2130706433`, `0x7f000001`, `017700000001`,
which the resolver reads as 127.0.0.1). A name with several addresses is refused if any is.
`TIDTAM_WEBHOOK_ALLOW_HOSTS` (hosts or CIDRs) lets an operator reach chosen internal hosts."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

RESOLVE_SECONDS = 5.0
_SHARED = ipaddress.ip_network("100.64.0.0/10")
_BENCHMARK = ipaddress.ip_network("198.18.0.0/15")
_NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))


class UnsafeUrl(ValueError):
    """What is wrong with the URL, to show as the 422 on `url`."""


@dataclass(frozen=True)
class Target:
    """A URL that passed: connect to `address` (checked), send `Host: host`."""

    url: str
    scheme: str
    host: str
    port: int
    address: str


@dataclass(frozen=True)
class AllowList:
    hosts: frozenset[str]
    networks: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]

    @classmethod
    def parse(cls, value: str | Iterable[str]) -> AllowList:
        items = value.split(",") if isinstance(value, str) else list(value)
        hosts: set[str] = set()
        networks = []
        for item in (i.strip().lower() for i in items):
            if not item:
                continue
            try:
                networks.append(ipaddress.ip_network(item, strict=False))
            except ValueError:
                hosts.add(item.rstrip("."))
        return cls(frozenset(hosts), tuple(networks))

    def allows(self, host: str, address: IPAddress) -> bool:
        return host in self.hosts or any(address in net for net in self.networks)


def _embedded(address: IPAddress) -> IPAddress:
    """The IPv4 address an IPv6 one carries (mapped or NAT64), else itself."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return address.ipv4_mapped
        if any(address in net for net in _NAT64):
            return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return address


def why_unsafe(address: IPAddress) -> str | None:
    """None for a public unicast address, else what kind of address it is."""
    inner = _embedded(address)
    checks = [("loopback", inner.is_loopback), ("unspecified", inner.is_unspecified),
              ("link-local (cloud metadata)", inner.is_link_local),
              ("multicast", inner.is_multicast),
              ("shared (CGNAT)", isinstance(inner, ipaddress.IPv4Address) and inner in _SHARED),
              ("benchmarking", isinstance(inner, ipaddress.IPv4Address) and inner in _BENCHMARK),
              ("private", inner.is_private), ("reserved", inner.is_reserved),
              ("not globally routable", not inner.is_global)]
    return next((name for name, hit in checks if hit), None)


def _split(url: str) -> tuple[str, str, int]:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise UnsafeUrl(f"is not a valid URL ({exc})") from None
    if parts.scheme not in ("http", "https"):
        raise UnsafeUrl("must be an http:// or https:// URL")
    if parts.username is not None or parts.password is not None:
        raise UnsafeUrl("may not carry a user name or password")
    if not parts.hostname:
        raise UnsafeUrl("has no host")
    return parts.scheme, parts.hostname.rstrip("."), port or (443 if parts.scheme == "https"
                                                               else 80)


async def resolve(host: str, port: int) -> list[IPAddress]:
    """The system resolver's addresses of `host` (tests pass another Resolver)."""
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise UnsafeUrl(f"its host {host} does not resolve ({exc})") from None
    # A zone id (`fe80::1%eth0`) is dropped before parsing; the address stays link-local.
    return list(dict.fromkeys(ipaddress.ip_address(str(info[4][0]).split("%")[0])
                              for info in infos))


Resolver = Callable[[str, int], Awaitable[list[IPAddress]]]


async def check_url(url: str, allow: AllowList, resolver: Resolver = resolve) -> Target:
    """The Target to connect to, or UnsafeUrl saying why not."""
    scheme, host, port = _split(url)
    try:
        async with asyncio.timeout(RESOLVE_SECONDS):
            addresses = await resolver(host, port)
    except TimeoutError:
        raise UnsafeUrl(f"its host {host} did not resolve within {RESOLVE_SECONDS:g} s") from None
    if not addresses:
        raise UnsafeUrl(f"its host {host} has no address")
    for address in addresses:
        if allow.allows(host.lower(), address):
            continue
        problem = why_unsafe(address)
        if problem:
            raise UnsafeUrl(f"its host {host} is {address}, a {problem} address; webhooks go "
                            "to public addresses only (an operator may allow internal ones "
                            "with TIDTAM_WEBHOOK_ALLOW_HOSTS)")
    return Target(url, scheme, host, port, str(addresses[0]))

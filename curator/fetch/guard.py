"""The address guard: Curator never connects to a private, loopback, link-local,
multicast, reserved or unspecified address unless the operator allows it.

Feeds are written by strangers; a link or a redirect to http://169.254.169.254/ or
http://localhost:8080/admin must not make Curator a tool against its own network.
The check runs on the address actually connected to (after DNS, on every redirect
hop; see transport.py), so odd spellings such as 2130706433, 0x7f.1 or [::1] and
names that resolve inside the network are all caught. The pure decisions live here.
"""

from __future__ import annotations

import contextlib
import ipaddress
import socket
from dataclasses import dataclass, field

from curator.errors import FetchError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
SCHEMES = ("http", "https")


class BlockedAddress(Exception):
    """Raised inside the connection layer; the Fetcher turns it into a FetchError."""


@dataclass(frozen=True)
class AddressPolicy:
    """Which addresses may be connected to.

    `allowed_endpoints` lets exact (ip, port) pairs through even when private: tests
    run their servers on 127.0.0.1 with the guard on, and nothing else gets through.
    """

    allow_private: bool = False
    allowed_endpoints: frozenset[tuple[str, int]] = field(default_factory=frozenset)

    def refusal(self, address: IPAddress, port: int) -> str | None:
        """Why `address`:`port` may not be connected to, or None when it may."""
        if self.allow_private or (str(address), port) in self.allowed_endpoints:
            return None
        kind = address_kind(address)
        if kind is None:
            return None
        return f"{address} is a {kind} address (network.allow_private_networks is false)"


def address_kind(address: IPAddress) -> str | None:
    """'loopback', 'private', ... for an address that is not public, else None.

    IPv4-mapped and 6to4 IPv6 addresses are judged by the IPv4 address inside.
    """
    if isinstance(address, ipaddress.IPv6Address):
        inner = address.ipv4_mapped or address.sixtofour
        if inner is not None:
            return address_kind(inner)
    for kind in ("loopback", "link_local", "multicast", "unspecified", "reserved", "private"):
        if getattr(address, f"is_{kind}"):
            return kind.replace("_", "-")
    if not address.is_global:
        return "non-public"
    return None


def literal_address(host: str) -> IPAddress | None:
    """The address a host names by itself (127.0.0.1, [::1], 2130706433, 0x7f.1), or None."""
    bare = host.strip("[]")
    with contextlib.suppress(ValueError):
        return ipaddress.ip_address(bare)
    try:  # inet_aton reads the old forms browsers and libc still accept
        return ipaddress.IPv4Address(socket.inet_aton(bare))
    except (OSError, UnicodeError, ValueError):
        return None


def check_url(url: str, scheme: str, host: str, port: int, policy: AddressPolicy) -> None:
    """Refuse, before any DNS, a URL that is not http(s) or names a blocked address.

    'localhost' and '*.localhost' are loopback by definition (RFC 6761). Names are
    checked again on the resolved address when connecting.
    """
    if scheme not in SCHEMES:
        raise FetchError(url, f"only http and https URLs are fetched, not {scheme or 'none'}")
    if not host:
        raise FetchError(url, "the URL has no host")
    name = host.lower().rstrip(".")
    address = literal_address(name)
    if address is None and (name == "localhost" or name.endswith(".localhost")):
        address = ipaddress.IPv4Address("127.0.0.1")
    if address is not None:
        reason = policy.refusal(address, port)
        if reason:
            raise FetchError(url, f"blocked: {reason}")

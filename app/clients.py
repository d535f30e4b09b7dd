"""Who is on the other end: the client's IP address, from the socket or a trusted proxy's header."""

import ipaddress
from collections.abc import Iterable

from litestar.types import Scope

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
UNKNOWN = "unknown"


def parse_networks(text: str) -> tuple[Network, ...]:
    """Parse a comma- or space-separated list of IPs and CIDRs, raising ValueError on a bad one."""
    return tuple(ipaddress.ip_network(item, strict=False) for item in text.replace(",", " ").split())


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        address = ipaddress.ip_address(text.strip())
    except ValueError:
        return None
    # An IPv4 client seen through a dual-stack socket is the same client as over IPv4.
    return getattr(address, "ipv4_mapped", None) or address


def _trusted(address, proxies: Iterable[Network]) -> bool:
    return address is not None and any(address in network for network in proxies)


def _forwarded_for(scope: Scope) -> list[str]:
    values = [value.decode("latin-1") for name, value in scope.get("headers", ())
              if name == b"x-forwarded-for"]
    return [item.strip() for item in ",".join(values).split(",") if item.strip()]


def client_ip(scope: Scope, trusted_proxies: tuple[Network, ...] = ()) -> str:
    """The client's IP address: the socket's peer, unless that peer is a trusted proxy.

    Behind trusted proxies it is the right-most address of X-Forwarded-For that is not itself a
    trusted proxy: each proxy appends the peer it saw, so everything left of that was written by
    the client and may be forged.
    """
    peer_host = (scope.get("client") or (UNKNOWN,))[0]
    peer = _address(peer_host)
    if not _trusted(peer, trusted_proxies):
        return str(peer) if peer is not None else peer_host
    for hop in reversed(_forwarded_for(scope)):
        address = _address(hop)
        if address is None:  # not an address: what a trusted hop handed over is the best we know
            return str(peer)
        if not _trusted(address, trusted_proxies):
            return str(address)
        peer = address
    return str(peer)  # every hop is a trusted proxy, or there was no header: the nearest one

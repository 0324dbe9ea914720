"""Which IP addresses citebot may connect to when fetching a URL: a small, pure policy.

Kept separate from the HTTP code so that it can be tested on hundreds of addresses without a
network, and so that the fetcher has exactly one place to ask "may I connect to this?".
An address is refused when it is not globally routable: loopback, RFC 1918 private, link-local
(including the cloud metadata address 169.254.169.254), carrier-grade NAT, multicast, reserved,
unspecified, documentation ranges, and their IPv6 counterparts. IPv6 forms that *carry* an IPv4
address (IPv4-mapped ``::ffff:a.b.c.d``, 6to4 ``2002::/16``, NAT64 ``64:ff9b::/96``, Teredo) are
judged by the IPv4 address inside them, because that is where the packets would end up.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

_NAT64_WELL_KNOWN = ipaddress.ip_network("64:ff9b::/96")
_NAT64_LOCAL_USE = ipaddress.ip_network("64:ff9b:1::/48")


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address tunnels or translates to, if any."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]  # (server, client): the client is where traffic goes
    if ip in _NAT64_WELL_KNOWN:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def _kind(ip: IPAddress) -> str | None:
    """Why `ip` is not a public address, in a few words, or None when it is public."""
    if ip.is_unspecified:
        return "unspecified"
    if ip.is_loopback:
        return "loopback"
    if ip.is_link_local:
        return "link-local"
    if ip.is_multicast:
        return "multicast"
    if ip.is_reserved:
        return "reserved"
    if ip.is_private:
        return "private"
    if not ip.is_global:
        return "not globally routable"
    return None


def blocked_reason(
    address: str | IPAddress, *, trusted_networks: Iterable[IPNetwork] = ()
) -> str | None:
    """Return why citebot must not connect to `address` ("loopback", ...), or None if it may.

    `trusted_networks` are exceptions an operator (or a test) grants explicitly, e.g. an intranet
    news server or ``127.0.0.1/32`` for a loopback test server; everything else non-public is refused.
    """
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0] if isinstance(address, str) else address)
    except ValueError:
        return "not an IP address"
    trusted = tuple(trusted_networks)
    if any(ip.version == net.version and ip in net for net in trusted):
        return None
    if isinstance(ip, ipaddress.IPv6Address):
        if ip in _NAT64_LOCAL_USE:
            return "NAT64 local-use"
        inner = _embedded_ipv4(ip)
        if inner is not None:
            if any(inner.version == net.version and inner in net for net in trusted):
                return None
            reason = _kind(inner)
            return f"{reason} (inside an IPv6 address)" if reason else None
    return _kind(ip)


def parse_networks(values: Iterable[str]) -> tuple[IPNetwork, ...]:
    """Turn setting strings like '10.1.2.0/24' into networks (ValueError names the bad one)."""
    networks = []
    for value in values:
        try:
            networks.append(ipaddress.ip_network(value.strip(), strict=False))
        except ValueError:
            raise ValueError(f"'{value}' is not an IP network like 10.0.0.0/8") from None
    return tuple(networks)

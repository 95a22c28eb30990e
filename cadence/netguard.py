"""Outgoing requests to URLs that users typed in (calendar imports, webhooks): SSRF guard.

A URL a user gives us must not let them reach the server's own network (loopback, private
ranges, link-local cloud metadata at 169.254.169.254, ...). `resolve_public` resolves the
host once and checks every address it resolves to; the caller then connects to that checked
address (`pinned_url`, with the original Host header and TLS server name), so a DNS answer
that changes between check and connect cannot slip past it. Calendar imports allow loopback
in the test and development environments (local servers); webhooks do not, and open
loopback and private addresses only with `CADENCE_WEBHOOK_ALLOW_PRIVATE`.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import SplitResult, urlsplit, urlunsplit

from cadence.settings import Settings

LOOPBACK_ENVS = ("test", "development")

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


class BlockedAddress(ValueError):
    """The URL is malformed, does not resolve, or resolves to a refused address."""


def allowed_address(
    address: Address,
    settings: Settings,
    *,
    allow_private: bool = False,
    loopback_in_dev: bool = True,
) -> bool:
    """Public addresses always; loopback in test/development (unless `loopback_in_dev` is
    off); every other unicast address with `allow_private`."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if address.is_multicast or address.is_unspecified:
        return False
    if address.is_global:
        return True
    if address.is_loopback and loopback_in_dev and settings.env in LOOPBACK_ENVS:
        return True
    return allow_private and not address.is_reserved


@dataclass(frozen=True)
class Target:
    """A checked URL: where to connect (`pinned`) and what to tell the server it is."""

    url: str
    pinned: str
    host_header: str
    hostname: str
    address: Address


def _parts(url: str) -> tuple[SplitResult, str, int]:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise BlockedAddress("Use an http(s) URL.")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise BlockedAddress("The URL has an invalid port.") from None
    return parts, parts.hostname, port


async def resolve_public(
    url: str, settings: Settings, *, allow_private: bool = False, loopback_in_dev: bool = True
) -> Target:
    """Resolve the URL's host and check every address (BlockedAddress if any is refused)."""
    parts, host, port = _parts(url)
    try:
        infos = await asyncio.to_thread(socket.getaddrinfo, host, port, type=socket.SOCK_STREAM)
    except OSError:
        raise BlockedAddress(f"Cannot resolve {host!r}.") from None
    addresses = [ipaddress.ip_address(info[4][0]) for info in infos]
    if not addresses or not all(
        allowed_address(a, settings, allow_private=allow_private, loopback_in_dev=loopback_in_dev)
        for a in addresses
    ):
        raise BlockedAddress("The URL must point to a public address.")
    address = addresses[0]
    literal = f"[{address}]" if address.version == 6 else str(address)
    pinned = urlunsplit((parts.scheme, f"{literal}:{port}", parts.path or "/", parts.query, ""))
    host_header = host if parts.port is None else f"{host}:{parts.port}"
    return Target(url, pinned, host_header, host, address)

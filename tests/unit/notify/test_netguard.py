"""The SSRF guard shared by calendar imports and webhooks (cadence.netguard)."""

from __future__ import annotations

import ipaddress

import pytest

from cadence.netguard import BlockedAddress, allowed_address, resolve_public
from cadence.settings import Settings

PROD = Settings(env="production", secret_key="x" * 40)
TEST = Settings(env="test")

REFUSED = [
    "127.0.0.1",
    "::1",
    "10.1.2.3",
    "172.16.0.9",
    "192.168.1.1",
    "169.254.169.254",  # cloud metadata
    "fe80::1",
    "fd00::1",
    "::ffff:127.0.0.1",  # IPv4-mapped loopback
    "0.0.0.0",
    "100.64.0.1",  # carrier-grade NAT
]


@pytest.mark.parametrize("address", REFUSED)
def test_non_public_addresses_are_refused_in_production(address: str) -> None:
    assert not allowed_address(ipaddress.ip_address(address), PROD)


def test_public_addresses_pass() -> None:
    for address in ("93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"):
        assert allowed_address(ipaddress.ip_address(address), PROD)


def test_loopback_in_test_env_only_when_the_caller_allows_it() -> None:
    loopback = ipaddress.ip_address("127.0.0.1")
    assert allowed_address(loopback, TEST)  # calendar imports
    assert not allowed_address(loopback, TEST, loopback_in_dev=False)  # webhooks


def test_allow_private_opens_unicast_but_never_multicast_or_unspecified() -> None:
    for address in ("10.0.0.1", "169.254.169.254", "127.0.0.1", "fd00::1"):
        assert allowed_address(ipaddress.ip_address(address), PROD, allow_private=True)
    for address in ("0.0.0.0", "224.0.0.1", "ff02::1"):
        assert not allowed_address(ipaddress.ip_address(address), PROD, allow_private=True)


async def test_resolve_pins_the_checked_address_and_keeps_the_host() -> None:
    target = await resolve_public("http://localhost:8080/hook?x=1", TEST)
    assert target.address.is_loopback
    assert target.pinned.endswith(":8080/hook?x=1")
    assert target.host_header == "localhost:8080"
    with pytest.raises(BlockedAddress):
        await resolve_public("http://localhost:8080/hook", PROD)
    for bad in ("ftp://example.com/", "http:///nohost", "http://example.com:99999/"):
        with pytest.raises(BlockedAddress):
            await resolve_public(bad, PROD)

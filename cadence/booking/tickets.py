"""Signed ticket codes: what a ticket's QR code encodes.

`CDT1.<payload>.<signature>`, both parts base64url without padding. The payload is compact
JSON naming the ticket, event and organisation; the signature is Ed25519 over the payload
bytes with the organisation's key. A door scanner holding only the organisation's public key
can tell a genuine ticket from a forged or foreign one without a network connection.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)

PREFIX = "CDT1"


class BadTicketCode(ValueError):
    """The text is not a ticket code, or its signature does not verify."""


@dataclass(frozen=True)
class TicketClaims:
    ticket_id: str
    event_id: str
    org_id: str
    number: str


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def new_keypair() -> tuple[bytes, bytes]:
    """A fresh (private, public) pair as raw 32-byte keys."""
    private = Ed25519PrivateKey.generate()
    raw_private = private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    raw_public = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return raw_private, raw_public


def public_key_pem(raw_public: bytes) -> str:
    key = Ed25519PublicKey.from_public_bytes(raw_public)
    return key.public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo).decode()


def sign(claims: TicketClaims, private: bytes | Ed25519PrivateKey) -> str:
    """The ticket's code, signed with the organisation's key (raw 32 bytes or a key object;
    the booking path passes the key object it keeps, so the key is not parsed per ticket)."""
    payload = json.dumps(
        {"t": claims.ticket_id, "e": claims.event_id, "o": claims.org_id, "n": claims.number},
        separators=(",", ":"),
        sort_keys=True,
    ).encode()
    key = private if isinstance(private, Ed25519PrivateKey) else _private(private)
    return f"{PREFIX}.{_b64(payload)}.{_b64(key.sign(payload))}"


def _private(raw: bytes) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(raw)


def read_unverified(code: str) -> TicketClaims:
    """Parse a code without checking its signature (to find which key should verify it)."""
    parts = code.strip().split(".")
    if len(parts) != 3 or parts[0] != PREFIX:
        raise BadTicketCode("not a Cadence ticket code")
    try:
        data = json.loads(_unb64(parts[1]))
        return TicketClaims(str(data["t"]), str(data["e"]), str(data["o"]), str(data["n"]))
    except (ValueError, KeyError, TypeError, binascii.Error) as exc:
        raise BadTicketCode("unreadable ticket code") from exc


def verify(code: str, raw_public: bytes) -> TicketClaims:
    claims = read_unverified(code)
    _, payload, signature = code.strip().split(".")
    try:
        Ed25519PublicKey.from_public_bytes(raw_public).verify(_unb64(signature), _unb64(payload))
    except (InvalidSignature, ValueError, binascii.Error) as exc:
        raise BadTicketCode("the ticket's signature does not verify") from exc
    return claims

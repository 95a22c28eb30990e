"""Ticket codes verify with the organisation's public key, and nothing else does."""

from __future__ import annotations

import pytest

from cadence.booking import tickets

CLAIMS = tickets.TicketClaims("t1", "e1", "o1", "ABCDEFGH23")


def test_a_signed_code_round_trips() -> None:
    private, public = tickets.new_keypair()
    code = tickets.sign(CLAIMS, private)
    assert code.startswith("CDT1.")
    assert tickets.verify(code, public) == CLAIMS


@pytest.mark.parametrize(
    "mangle",
    [
        lambda c: c[:-2] + ("AA" if not c.endswith("AA") else "BB"),
        lambda c: c.replace("CDT1.", "CDT2."),
        lambda c: c.split(".")[0] + ".e30." + c.split(".")[2],
        lambda c: "not a code",
        lambda c: c + ".extra",
    ],
)
def test_tampered_codes_are_rejected(mangle) -> None:  # type: ignore[no-untyped-def]
    private, public = tickets.new_keypair()
    with pytest.raises(tickets.BadTicketCode):
        tickets.verify(mangle(tickets.sign(CLAIMS, private)), public)


def test_another_organisations_key_does_not_verify() -> None:
    private, _ = tickets.new_keypair()
    _, other_public = tickets.new_keypair()
    with pytest.raises(tickets.BadTicketCode):
        tickets.verify(tickets.sign(CLAIMS, private), other_public)

"""Each organisation's ticket-signing key, created the first time it is needed.

A key never changes once committed (there is no rotation), so the signing half is kept in
memory per process after the first read: a booking then signs its tickets without a query
and without parsing the raw key again.
"""

from __future__ import annotations

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy.exc import IntegrityError

from cadence.booking import tickets
from cadence.booking.models import SigningKey
from cadence.context import Ctx

# (database URL, organisation id) -> the organisation's private key, ready to sign.
_SIGNERS: dict[tuple[str, str], Ed25519PrivateKey] = {}


async def signing_key(ctx: Ctx, org_id: str) -> SigningKey:
    key = await ctx.session.get(SigningKey, org_id)
    if key is not None:
        return key
    private, public = tickets.new_keypair()
    key = SigningKey(org_id=org_id, private_key=private, public_key=public, created_at=ctx.now())
    try:
        async with ctx.session.begin_nested():
            ctx.session.add(key)
    except IntegrityError:  # created at the same moment by a concurrent booking
        existing = await ctx.session.get(SigningKey, org_id, populate_existing=True)
        assert existing is not None
        return existing
    return key


async def signer(ctx: Ctx, org_id: str) -> Ed25519PrivateKey:
    """The organisation's private key as a signer, read from the database once per process.

    Only a key read back from the database is remembered: one created in this transaction
    could still roll back (and a concurrent booking's key would win).
    """
    cache_key = (ctx.settings.database_url, org_id)
    found = _SIGNERS.get(cache_key)
    if found is not None:
        return found
    existing = await ctx.session.get(SigningKey, org_id)
    key = existing or await signing_key(ctx, org_id)
    private = Ed25519PrivateKey.from_private_bytes(key.private_key)
    if existing is not None:
        _SIGNERS[cache_key] = private
    return private

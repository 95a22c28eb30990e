"""Each organisation's ticket-signing key, created the first time it is needed."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError

from cadence.booking import tickets
from cadence.booking.models import SigningKey
from cadence.context import Ctx


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

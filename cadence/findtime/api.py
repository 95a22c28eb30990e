"""HTTP API of find-a-time: `POST /api/v1/orgs/{org_id}/find-a-time` (any member)."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter

from cadence.findtime import service
from cadence.findtime.schemas import FindTimeIn, FindTimeOut, SlotOut, UnavailableOut
from cadence.http.deps import CtxDep, ViewerDep
from cadence.http.schemas import PROBLEM_RESPONSES
from cadence.time.findtime import Slot

router = APIRouter(prefix="/api/v1", responses=PROBLEM_RESPONSES, tags=["availability"])


def slot_out(slot: Slot) -> SlotOut:
    return SlotOut(
        starts_at=slot.starts_at,
        ends_at=slot.ends_at,
        available=list(slot.available),
        if_need_be=list(slot.if_need_be),
        unavailable=[
            UnavailableOut(user_id=u.user_id, reason=str(u.reason), detail=u.detail)
            for u in slot.unavailable
        ],
    )


@router.post("/orgs/{org_id}/find-a-time", response_model=FindTimeOut)
async def find_a_time(body: FindTimeIn, ctx: CtxDep, membership: ViewerDep) -> FindTimeOut:
    """Rank the slots where the listed members can meet, best first (see the contract)."""
    slots = await service.find_time(
        ctx,
        org_id=membership.org_id,
        required=body.required,
        optional=body.optional,
        duration=timedelta(minutes=body.duration_minutes),
        window_start=body.window_start,
        window_end=body.window_end,
        granularity=timedelta(minutes=body.granularity_minutes),
        min_attendees=body.min_attendees,
        limit=body.limit,
    )
    return FindTimeOut(items=[slot_out(s) for s in slots])

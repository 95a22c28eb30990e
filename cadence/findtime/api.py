"""HTTP API of find-a-time (`POST /orgs/{org_id}/find-a-time`, any member) and of the
standing weekly slot (`POST /orgs/{org_id}/standing-slot`, member or higher)."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter

from cadence.findtime import service, standing
from cadence.findtime.schemas import (
    FindTimeIn,
    FindTimeOut,
    MissOut,
    PersonMissesOut,
    SlotOut,
    StandingSlotIn,
    StandingSlotOut,
    StandingSlotsOut,
    UnavailableOut,
    WorstWeekOut,
)
from cadence.http.deps import CtxDep, MemberDep, ViewerDep, load_org
from cadence.http.schemas import PROBLEM_RESPONSES
from cadence.time.findtime import Slot
from cadence.time.zones import get_zone

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
    """Rank the slots where the listed members can meet, best first (see the contract).

    Optional `resources`: ids of the organisation's resources that must all be free (open,
    and not booked by another event) for the whole slot; they are not attendees.
    """
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
        resource_ids=body.resources,
    )
    return FindTimeOut(items=[slot_out(s) for s in slots])


@router.post("/orgs/{org_id}/standing-slot", response_model=StandingSlotsOut)
async def standing_slot(
    body: StandingSlotIn, ctx: CtxDep, membership: MemberDep
) -> StandingSlotsOut:
    """Rank weekly slots (weekday + local start) by how few people their occurrences lose.

    Defaults: the organisation's zone, and the first Monday after today in that zone. Every
    occurrence over `weeks` weeks is scored; the organisation's holidays apply.
    """
    org = await load_org(ctx, membership)
    timezone = body.timezone or org.timezone
    first_day, ranked = await standing.standing_slots(
        ctx,
        org_id=membership.org_id,
        required=body.required,
        optional=body.optional,
        duration=timedelta(minutes=body.duration_minutes),
        weeks=body.weeks,
        first_day=body.first_day,
        timezone=timezone,
        granularity=timedelta(minutes=body.granularity_minutes),
        earliest=body.earliest,
        latest=body.latest,
        weekdays=body.weekdays,
        limit=body.limit,
    )
    required = set(body.required)
    items = []
    for r in ranked:
        s = r.slot
        worst = s.occurrences[r.worst_week - 1]
        items.append(
            StandingSlotOut(
                weekday=s.weekday,
                start=s.start.strftime("%H:%M"),
                timezone=s.timezone,
                misses_required=s.required_misses,
                misses_total=s.misses,
                if_need_be=s.if_need_be,
                worst_week=WorstWeekOut(
                    week=r.worst_week,
                    day=worst.starts_at.astimezone(get_zone(timezone)).date(),
                    missing=len(worst.missing),
                ),
                people=[
                    PersonMissesOut(
                        user_id=uid,
                        required=uid in required,
                        misses=[
                            MissOut(
                                week=m.week,
                                day=m.day,
                                starts_at=m.starts_at,
                                reason=m.reason,
                                detail=m.detail,
                            )
                            for m in misses
                        ],
                    )
                    for uid, misses in r.misses.items()
                ],
            )
        )
    return StandingSlotsOut(first_day=first_day, weeks=body.weeks, timezone=timezone, items=items)

"""Dead jobs of an organisation, for its owners and admins: list and retry."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query

from cadence.http.deps import AdminDep, CtxDep
from cadence.http.schemas import PROBLEM_RESPONSES, Limit, Output, Page
from cadence.jobs import service

router = APIRouter(prefix="/api/v1", tags=["jobs"], responses=PROBLEM_RESPONSES)


class JobOut(Output):
    id: str
    kind: str
    status: str
    payload: dict[str, Any]
    attempts: int
    max_attempts: int
    run_at: datetime
    last_error: str | None
    created_at: datetime
    finished_at: datetime | None


@router.get("/orgs/{org_id}/jobs/dead", response_model=Page[JobOut])
async def dead_jobs(
    ctx: CtxDep,
    membership: AdminDep,
    cursor: Annotated[str | None, Query(max_length=64)] = None,
    limit: Limit = 50,
) -> Page[JobOut]:
    page = await service.dead_jobs(ctx, org_id=membership.org_id, cursor=cursor, limit=limit)
    return Page(items=[JobOut.model_validate(j) for j in page.items], next_cursor=page.next_cursor)


@router.post("/orgs/{org_id}/jobs/{job_id}/retry", response_model=JobOut)
async def retry_job(ctx: CtxDep, membership: AdminDep, job_id: str) -> JobOut:
    job = await service.retry(ctx, job_id=job_id, org_id=membership.org_id)
    return JobOut.model_validate(job)

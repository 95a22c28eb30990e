"""Reading the audit log: owners and admins of the organisation."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from cadence.accounts.schemas import AuditOut
from cadence.audit import service
from cadence.http.deps import AdminDep, CtxDep
from cadence.http.schemas import PROBLEM_RESPONSES, Limit, Page

router = APIRouter(prefix="/api/v1", tags=["audit"], responses=PROBLEM_RESPONSES)


@router.get("/orgs/{org_id}/audit", response_model=Page[AuditOut])
async def audit_log(
    ctx: CtxDep,
    membership: AdminDep,
    cursor: Annotated[str | None, Query(max_length=64)] = None,
    limit: Limit = 50,
) -> Page[AuditOut]:
    page = await service.list_for_org(ctx, org_id=membership.org_id, cursor=cursor, limit=limit)
    return Page(
        items=[AuditOut.model_validate(e) for e in page.items], next_cursor=page.next_cursor
    )

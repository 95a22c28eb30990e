"""The email outbox in the browser: an organisation's emails for its admins, and a
person's own "emails sent to me". Without `CADENCE_SMTP_URL` (the embedded default) this is
where emails are read; with SMTP it shows what was sent and what failed. Also the admins'
list of dead background jobs, with a retry button (the web side of `cadence jobs retry`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import func, select

from cadence.http.deps import CtxDep
from cadence.jobs import service as jobs
from cadence.notify.models import OutboxEmail
from cadence.notify.outbox import list_outbox
from cadence.pagination import paginate
from cadence.web.session import AdminAccess, LoginDep, WebRoute, page, read_form, redirect

router = APIRouter(route_class=WebRoute)

Cursor = Annotated[str | None, Query(max_length=64)]
Status = Annotated[str | None, Query(max_length=16, pattern=r"^(queued|sent|failed|dead)$")]
PAGE = 50


@router.get("/orgs/{org_id}/outbox", response_class=HTMLResponse)
async def org_outbox(
    request: Request, ctx: CtxDep, access: AdminAccess, cursor: Cursor = None, status: Status = None
) -> Response:
    emails = await list_outbox(ctx, org_id=access.org.id, status=status, cursor=cursor, limit=PAGE)
    return await page(
        request,
        ctx,
        "notify/outbox.html",
        login=access.login,
        org=access.org,
        emails=emails.items,
        next_cursor=emails.next_cursor,
        status_filter=status,
        sending=bool(ctx.settings.smtp_url),
    )


@router.get("/account/emails", response_class=HTMLResponse)
async def my_emails(
    request: Request, ctx: CtxDep, login: LoginDep, cursor: Cursor = None
) -> Response:
    query = select(OutboxEmail).where(
        func.lower(OutboxEmail.to_addr) == login.user.email.strip().lower()
    )
    emails = await paginate(
        ctx.session, query, OutboxEmail.id, cursor=cursor, limit=PAGE, desc=True
    )
    return await page(
        request,
        ctx,
        "notify/outbox.html",
        login=login,
        org=None,
        emails=emails.items,
        next_cursor=emails.next_cursor,
        status_filter=None,
        sending=bool(ctx.settings.smtp_url),
    )


@router.get("/orgs/{org_id}/jobs/dead", response_class=HTMLResponse)
async def dead_jobs(
    request: Request, ctx: CtxDep, access: AdminAccess, cursor: Cursor = None
) -> Response:
    """The organisation's dead jobs (out of attempts), newest first, each with a retry."""
    found = await jobs.dead_jobs(ctx, org_id=access.org.id, cursor=cursor, limit=PAGE)
    return await page(
        request,
        ctx,
        "notify/dead_jobs.html",
        login=access.login,
        org=access.org,
        jobs=found.items,
        next_cursor=found.next_cursor,
    )


@router.post("/orgs/{org_id}/jobs/{job_id}/retry", response_class=HTMLResponse)
async def retry_job(
    request: Request, ctx: CtxDep, access: AdminAccess, job_id: Annotated[str, Path(max_length=64)]
) -> Response:
    await read_form(request)
    job = await jobs.retry(ctx, job_id=job_id, org_id=access.org.id)
    return redirect(
        request, f"/orgs/{access.org.id}/jobs/dead", flash=f"Job {job.kind} is queued again."
    )

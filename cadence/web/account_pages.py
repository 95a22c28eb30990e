"""The account pages: profile, password, two-factor, personal data export, deletion, and
notification settings (preferences, quiet hours, digest, reminders, Web Push enrolment)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pyotp
import segno
from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, Response
from markupsafe import Markup
from pydantic import ValidationError

from cadence.accounts import service as users
from cadence.accounts.models import User
from cadence.context import Ctx
from cadence.errors import CadenceError, InvalidInput
from cadence.http.deps import CtxDep
from cadence.notify import kinds, push, reminders, timing
from cadence.notify import service as notify
from cadence.notify.schemas import PushSubscriptionIn
from cadence.web.forms import (
    CodeForm,
    PasswordChangeForm,
    PasswordForm,
    ProfileForm,
    parse,
    timezones,
)
from cadence.web.session import (
    LoginDep,
    WebLogin,
    WebRoute,
    clear_session_cookie,
    page,
    read_form,
    redirect,
    reject,
)

router = APIRouter(route_class=WebRoute)


def _errors_of(exc: CadenceError, default_field: str) -> dict[str, str]:
    return {str(exc.extra.get("field", default_field)): exc.detail}


async def _account(
    request: Request, ctx: Ctx, login: WebLogin, *, status: int = 200, **extra: Any
) -> HTMLResponse:
    user = login.user
    context: dict[str, Any] = {
        "profile": {"name": user.name, "timezone": user.timezone},
        "timezones": timezones(),
        "errors": {},
        "section": None,
    }
    context.update(extra)
    if status >= 400:
        raise await reject(request, ctx, "account.html", login=login, status=status, **context)
    return await page(request, ctx, "account.html", login=login, **context)


def _setup_of(user: User) -> dict[str, Any] | None:
    """The enrolment QR again, when a confirmation code was wrong."""
    if not user.totp_secret:
        return None
    uri = pyotp.TOTP(user.totp_secret).provisioning_uri(name=user.email, issuer_name="Cadence")
    svg = segno.make(uri, error="m").svg_inline(scale=4)
    return {"secret": user.totp_secret, "uri": uri, "qr": Markup(svg)}  # noqa: S704 - segno output


@router.get("/account", response_class=HTMLResponse)
async def account(request: Request, ctx: CtxDep, login: LoginDep) -> Response:
    return await _account(request, ctx, login)


@router.post("/account/profile", response_class=HTMLResponse)
async def update_profile(request: Request, ctx: CtxDep, login: LoginDep) -> Response:
    data = await read_form(request)
    form, errors = parse(ProfileForm, data)
    if form is not None:
        try:
            await users.update_profile(ctx, login.user, name=form.name, timezone=form.timezone)
        except CadenceError as exc:
            errors = _errors_of(exc, "name")
        else:
            return redirect(request, "/account", flash="Your profile is saved.")
    return await _account(
        request, ctx, login, status=422, profile=data, errors=errors, section="profile"
    )


@router.post("/account/password", response_class=HTMLResponse)
async def change_password(request: Request, ctx: CtxDep, login: LoginDep) -> Response:
    data = await read_form(request)
    form, errors = parse(PasswordChangeForm, data)
    if form is not None:
        try:
            await users.change_password(
                ctx,
                login.user,
                current=form.current_password,
                new=form.new_password,
                keep_session=login.session.id,
            )
        except CadenceError as exc:
            errors = _errors_of(exc, "current_password")
        else:
            return redirect(
                request,
                "/account",
                flash="Your password is changed; your other logins have been ended.",
            )
    return await _account(request, ctx, login, status=422, errors=errors, section="password")


@router.post("/account/totp", response_class=HTMLResponse)
async def begin_totp(request: Request, ctx: CtxDep, login: LoginDep) -> Response:
    await read_form(request)
    secret, uri, svg = await users.begin_totp(ctx, login.user)
    # The SVG comes from segno, built from our own secret: no user input reaches it.
    return await _account(
        request,
        ctx,
        login,
        totp_setup={"secret": secret, "uri": uri, "qr": Markup(svg)},  # noqa: S704
        section="totp",
    )


@router.post("/account/totp/confirm", response_class=HTMLResponse)
async def confirm_totp(request: Request, ctx: CtxDep, login: LoginDep) -> Response:
    data = await read_form(request)
    form, errors = parse(CodeForm, data)
    if form is not None:
        try:
            codes = await users.confirm_totp(ctx, login.user, code=form.code)
        except CadenceError as exc:
            errors = _errors_of(exc, "code")
        else:
            return await _account(request, ctx, login, recovery_codes=codes, section="totp")
    return await _account(
        request,
        ctx,
        login,
        status=422,
        errors=errors,
        section="totp",
        totp_setup=_setup_of(login.user),
    )


@router.post("/account/totp/disable", response_class=HTMLResponse)
async def disable_totp(request: Request, ctx: CtxDep, login: LoginDep) -> Response:
    data = await read_form(request)
    form, errors = parse(PasswordForm, {"password": data.get("totp_password", "")})
    if form is not None:
        try:
            await users.disable_totp(ctx, login.user, password=form.password)
        except CadenceError as exc:
            errors = {"totp_password": exc.detail}
        else:
            return redirect(request, "/account", flash="Two-factor authentication is off.")
    errors = {"totp_password": next(iter(errors.values()))} if errors else {}
    return await _account(request, ctx, login, status=422, errors=errors, section="totp")


@router.get("/account/export")
async def export(ctx: CtxDep, login: LoginDep) -> Response:
    data = await users.export_user(ctx, login.user)
    return Response(
        json.dumps(data, indent=2, default=str, ensure_ascii=False),
        media_type="application/json",
        headers={"Content-Disposition": 'attachment; filename="cadence-my-data.json"'},
    )


@router.post("/account/delete", response_class=HTMLResponse)
async def delete(request: Request, ctx: CtxDep, login: LoginDep) -> Response:
    data = await read_form(request)
    form, errors = parse(PasswordForm, {"password": data.get("delete_password", "")})
    status = 422
    if form is not None:
        try:
            await users.delete_account(ctx, login.user, password=form.password)
        except CadenceError as exc:
            status, errors = exc.status, {"delete_password": exc.detail}
        else:
            response = redirect(request, "/", flash="Your account and its data are deleted.")
            clear_session_cookie(request, response)
            return response
    errors = {"delete_password": next(iter(errors.values()))} if errors else {}
    return await _account(request, ctx, login, status=status, errors=errors, section="delete")


# --- Notification settings: preferences, quiet hours, digest, reminders, Web Push ----------

REMINDER_CHOICES = (10080, 2880, 1440, 240, 120, 60, 30, 15)
DIGEST_CHOICES = (15, 30, 60, 180, 360, 720, 1440)
KIND_RE = re.compile(r"^[a-z0-9_.*-]{1,64}$")
SETTINGS_PAGE = "notify/settings.html"
SERVICE_WORKER = Path(__file__).parent / "static" / "sw.js"


def _minutes_label(minutes: int) -> str:
    if minutes % 1440 == 0:
        days = minutes // 1440
        return "1 day" if days == 1 else f"{days} days"
    if minutes % 60 == 0:
        hours = minutes // 60
        return "1 hour" if hours == 1 else f"{hours} hours"
    return f"{minutes} minutes"


async def _notification_settings(
    request: Request, ctx: Ctx, login: WebLogin, *, status: int = 200, **extra: Any
) -> HTMLResponse:
    user = login.user
    row = await timing.settings_of(ctx, user.id)
    chosen = timing.reminder_minutes(row)
    context: dict[str, Any] = {
        "grid": [
            (kind, kinds.label_of(kind), values)
            for kind, values in await notify.preference_grid(ctx, user_id=user.id)
        ],
        "channels": kinds.CHANNELS,
        "form": {
            "quiet_enabled": bool(row and row.quiet_start),
            "quiet_start": (row.quiet_start if row else None) or "22:00",
            "quiet_end": (row.quiet_end if row else None) or "07:00",
            "digest_enabled": bool(row and row.digest_minutes),
            "digest_minutes": (row.digest_minutes if row else None) or 60,
            "reminders": chosen,
            "reminder_other": ", ".join(str(m) for m in chosen if m not in REMINDER_CHOICES),
        },
        "reminder_choices": [(m, _minutes_label(m)) for m in REMINDER_CHOICES],
        "digest_choices": [(m, _minutes_label(m)) for m in DIGEST_CHOICES],
        "push_devices": await push.subscription_count(ctx, user_id=user.id),
        "errors": {},
    }
    context.update(extra)
    if status >= 400:
        raise await reject(
            request, ctx, "notify/settings.html", login=login, status=status, **context
        )
    return await page(request, ctx, "notify/settings.html", login=login, **context)


@router.get("/account/notifications", response_class=HTMLResponse)
async def notification_settings(request: Request, ctx: CtxDep, login: LoginDep) -> Response:
    return await _notification_settings(request, ctx, login)


@router.post("/account/notifications/preferences", response_class=HTMLResponse)
async def save_preferences(request: Request, ctx: CtxDep, login: LoginDep) -> Response:
    """Each listed kind (`k|<kind>`) gets every channel: ticked boxes (`p|<kind>|<channel>`)
    on, the others off."""
    data = await read_form(request)
    listed = [key[2:] for key in data if key.startswith("k|") and KIND_RE.match(key[2:])]
    grid = {
        (kind, channel): f"p|{kind}|{channel}" in data
        for kind in listed
        for channel in kinds.CHANNELS
    }
    await notify.set_preferences(ctx, user_id=login.user.id, grid=grid)
    return redirect(request, "/account/notifications", flash="Your notification choices are saved.")


def _timing_input(data: dict[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
    """The timing form as `timing.update_settings` arguments, or errors per field."""
    errors: dict[str, str] = {}
    minutes = {m for m in REMINDER_CHOICES if f"r|{m}" in data}
    for part in filter(None, (p.strip() for p in data.get("reminder_other", "").split(","))):
        if not part.isdigit():
            errors["reminder_other"] = "Enter whole minutes separated by commas, like 45, 90."
            break
        minutes.add(int(part))
    if len(minutes) > 10:
        errors["reminder_other"] = "Choose at most 10 reminders."
    quiet = "quiet_enabled" in data
    start, end = data.get("quiet_start", ""), data.get("quiet_end", "")
    if quiet:
        for name, value in (("quiet_start", start), ("quiet_end", end)):
            if not CLOCK_RE.match(value):
                errors[name] = "Enter a time like 22:00."
        if not errors.get("quiet_start") and start == end:
            errors["quiet_end"] = "Quiet hours need to end at another time than they start."
    digest_minutes: int | None = None
    if "digest_enabled" in data:
        raw = data.get("digest_minutes", "")
        if not raw.isdigit() or int(raw) not in DIGEST_CHOICES:
            errors["digest_minutes"] = "Choose one of the windows."
        else:
            digest_minutes = int(raw)
    return {
        "reminder_minutes": sorted(minutes, reverse=True),
        "quiet_start": start if quiet else None,
        "quiet_end": end if quiet else None,
        "digest_minutes": digest_minutes,
    }, errors


CLOCK_RE = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]$")


@router.post("/account/notifications/timing", response_class=HTMLResponse)
async def save_timing(request: Request, ctx: CtxDep, login: LoginDep) -> Response:
    data = await read_form(request)
    values, errors = _timing_input(data)
    if not errors:
        try:
            await timing.update_settings(ctx, user_id=login.user.id, **values)
            await reminders.reschedule_for_person(ctx, login.user.id)
        except CadenceError as exc:
            errors = _errors_of(exc, "reminder_other")
        else:
            return redirect(request, "/account/notifications", flash="Your timing is saved.")
    shown = {
        "quiet_enabled": "quiet_enabled" in data,
        "quiet_start": data.get("quiet_start", ""),
        "quiet_end": data.get("quiet_end", ""),
        "digest_enabled": "digest_enabled" in data,
        "digest_minutes": int(data["digest_minutes"])
        if data.get("digest_minutes", "").isdigit()
        else 60,
        "reminders": values["reminder_minutes"],
        "reminder_other": data.get("reminder_other", ""),
    }
    return await _notification_settings(request, ctx, login, status=422, errors=errors, form=shown)


@router.post("/account/notifications/push")
async def enrol_push(request: Request, ctx: CtxDep, login: LoginDep) -> Response:
    """This browser's Web Push subscription, sent by static/push.js (form fields + CSRF)."""
    data = await read_form(request)
    try:
        body = PushSubscriptionIn.model_validate(
            {
                "endpoint": data.get("endpoint"),
                "p256dh": data.get("p256dh"),
                "auth": data.get("auth"),
            }
        )
    except ValidationError as exc:
        raise InvalidInput("Not a push subscription.", field="endpoint") from exc
    await push.subscribe(
        ctx, user_id=login.user.id, endpoint=str(body.endpoint), p256dh=body.p256dh, auth=body.auth
    )
    return Response(status_code=204)


@router.post("/account/notifications/push/remove")
async def remove_push(request: Request, ctx: CtxDep, login: LoginDep) -> Response:
    data = await read_form(request)
    await push.unsubscribe(ctx, user_id=login.user.id, endpoint=data.get("endpoint", "")[:1000])
    return Response(status_code=204)


@router.get("/sw.js", include_in_schema=False)
async def service_worker() -> Response:
    """The Web Push service worker, from the site root so that its scope is the whole site."""
    return FileResponse(
        SERVICE_WORKER,
        media_type="text/javascript",
        headers={"Service-Worker-Allowed": "/", "Cache-Control": "no-cache"},
    )

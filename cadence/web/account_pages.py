"""The account page: profile, password, two-factor, personal data export, deletion."""

from __future__ import annotations

import json
from typing import Any

import pyotp
import segno
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup

from cadence.accounts import service as users
from cadence.accounts.models import User
from cadence.context import Ctx
from cadence.errors import CadenceError
from cadence.http.deps import CtxDep
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

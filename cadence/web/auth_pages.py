"""Home, registration, login and logout, and password reset pages."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from cadence.accounts import service as users
from cadence.accounts import sessions
from cadence.errors import AlreadyExists, InvalidInput, RateLimited, TotpRequired, Unauthorized
from cadence.http.deps import CtxDep, app_state
from cadence.web.forms import ForgotForm, LoginForm, RegisterForm, ResetForm, parse, timezones
from cadence.web.session import (
    MaybeLoginDep,
    WebRoute,
    clear_session_cookie,
    page,
    read_form,
    redirect,
    reject,
    safe_next,
    set_session_cookie,
)

router = APIRouter(route_class=WebRoute)

NextParam = Annotated[str | None, Query(alias="next", max_length=2000)]


@router.get("/", response_class=HTMLResponse)
async def home(request: Request, ctx: CtxDep, login: MaybeLoginDep) -> Response:
    if login is None:
        return await page(request, ctx, "landing.html", login=None, public=True)
    return await page(request, ctx, "dashboard.html", login=login)


@router.get("/register", response_class=HTMLResponse)
async def register_form(
    request: Request, ctx: CtxDep, login: MaybeLoginDep, next_path: NextParam = None
) -> Response:
    return await page(
        request,
        ctx,
        "register.html",
        login=login,
        public=True,
        values={"timezone": "UTC"},
        errors={},
        timezones=timezones(),
        next=safe_next(next_path),
    )


@router.post("/register", response_class=HTMLResponse)
async def register(
    request: Request, ctx: CtxDep, login: MaybeLoginDep, next_path: NextParam = None
) -> Response:
    data = await read_form(request)
    target = safe_next(next_path)
    form, errors = parse(RegisterForm, data)
    status = 422
    if form is not None:
        try:
            await users.register(
                ctx,
                email=form.email,
                password=form.password,
                name=form.name,
                timezone=form.timezone,
            )
        except AlreadyExists as exc:
            status, errors = 409, {"email": exc.detail}
        except InvalidInput as exc:
            errors = {str(exc.extra.get("field", "form")): exc.detail}
    if errors:
        data.pop("password", None)
        raise await reject(
            request,
            ctx,
            "register.html",
            login=login,
            status=status,
            values=data,
            errors=errors,
            timezones=timezones(),
            next=target,
        )
    login_target = "/login" if target == "/" else f"/login?next={target}"
    return redirect(request, login_target, flash="Your account is ready. Log in to continue.")


@router.get("/login", response_class=HTMLResponse)
async def login_form(
    request: Request, ctx: CtxDep, login: MaybeLoginDep, next_path: NextParam = None
) -> Response:
    return await page(
        request,
        ctx,
        "login.html",
        login=login,
        public=True,
        values={},
        errors={},
        need_totp=False,
        next=safe_next(next_path),
    )


@router.post("/login", response_class=HTMLResponse)
async def login(
    request: Request, ctx: CtxDep, current: MaybeLoginDep, next_path: NextParam = None
) -> Response:
    data = await read_form(request)
    target = safe_next(next_path)
    form, errors = parse(LoginForm, data)
    need_totp = bool(data.get("totp_code"))
    status = 422
    if form is not None:
        code = form.totp_code.replace(" ", "")
        try:
            user = await sessions.verify_credentials(
                ctx,
                app_state(request).limiter,
                email=form.email,
                password=form.password,
                totp_code=code if code.isdigit() else None,
                recovery_code=code if code and not code.isdigit() else None,
            )
        except TotpRequired:
            need_totp, status = True, 401
            errors = {"totp_code": "Enter the 6-digit code from your authenticator app."}
        except RateLimited as exc:
            status, errors = 429, {"form": exc.detail}
        except Unauthorized as exc:
            status = 401
            errors = {"totp_code" if need_totp else "form": exc.detail}
        else:
            ctx.actor_id = user.id
            agent = request.headers.get("user-agent")
            token = await sessions.start_web_session(ctx, user, user_agent=agent)
            response = redirect(request, target, flash=f"Welcome back, {user.name}.")
            set_session_cookie(request, response, token)
            return response
    raise await reject(
        request,
        ctx,
        "login.html",
        login=current,
        status=status,
        values={"email": data.get("email", "")},
        errors=errors,
        need_totp=need_totp,
        next=target,
    )


@router.post("/logout")
async def logout(request: Request, ctx: CtxDep, login: MaybeLoginDep) -> Response:
    await read_form(request)
    if login is not None:
        await sessions.end_session(ctx, login.session.id)
    response = redirect(request, "/", flash="You have logged out.")
    clear_session_cookie(request, response)
    return response


NEUTRAL_RESET = "If an account exists for this email, we have sent it a link to reset the password."


@router.get("/forgot-password", response_class=HTMLResponse)
async def forgot_form(request: Request, ctx: CtxDep, login: MaybeLoginDep) -> Response:
    return await page(request, ctx, "forgot.html", login=login, public=True, values={}, errors={})


@router.post("/forgot-password", response_class=HTMLResponse)
async def forgot(request: Request, ctx: CtxDep, login: MaybeLoginDep) -> Response:
    data = await read_form(request)
    form, errors = parse(ForgotForm, data)
    if form is None:
        raise await reject(
            request, ctx, "forgot.html", login=login, status=422, values=data, errors=errors
        )
    limiter = app_state(request).limiter
    try:
        await limiter.take(
            limiter.rule("5/60 minutes"),
            f"reset:{users.normalize_email(form.email)}",
            "Too many reset requests for this email; wait before trying again.",
        )
        client = request.client.host if request.client else "unknown"
        await limiter.take(
            limiter.rule("30/60 minutes"),
            f"reset-ip:{client}",
            "Too many reset requests; wait before trying again.",
        )
    except RateLimited as exc:
        raise await reject(
            request,
            ctx,
            "forgot.html",
            login=login,
            status=429,
            values=data,
            errors={"form": exc.detail},
        ) from exc
    await users.request_password_reset(ctx, email=form.email)
    return redirect(request, "/forgot-password", flash=NEUTRAL_RESET)


@router.get("/reset-password/{token}", response_class=HTMLResponse)
async def reset_form(request: Request, ctx: CtxDep, login: MaybeLoginDep, token: str) -> Response:
    return await page(request, ctx, "reset.html", login=login, token=token, errors={})


@router.post("/reset-password/{token}", response_class=HTMLResponse)
async def reset(request: Request, ctx: CtxDep, login: MaybeLoginDep, token: str) -> Response:
    data = await read_form(request)
    form, errors = parse(ResetForm, data)
    if form is not None:
        try:
            await users.reset_password(ctx, token=token[:200], new_password=form.new_password)
        except InvalidInput as exc:
            errors = {"form": exc.detail}
    if errors:
        raise await reject(
            request, ctx, "reset.html", login=login, status=422, token=token, errors=errors
        )
    response = redirect(request, "/login", flash="Your password has been changed. Log in with it.")
    clear_session_cookie(request, response)
    return response

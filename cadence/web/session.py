"""Cookie sessions, CSRF, flash messages and page rendering for the web UI.

A web handler never lets a domain error escape as problem+json: `WebRoute` turns every
`CadenceError` into an HTML page, and a handler that wants to answer a failed form raises
`WebExit` with the re-rendered form. Both are exceptions, so the unit of work rolls the
transaction back before the page is sent: a half-done change is never committed.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar
from urllib.parse import quote, urlsplit

from fastapi import Depends, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.routing import APIRoute
from starlette.types import Receive, Scope, Send

from cadence.accounts import orgs as org_service
from cadence.accounts import sessions
from cadence.accounts.models import AuthSession, Membership, Organisation, User
from cadence.accounts.roles import Role
from cadence.context import Ctx
from cadence.errors import CadenceError, NotFound, PermissionDenied, RateLimited, Unauthorized
from cadence.http.deps import CtxDep, app_state
from cadence.web.templating import error_page, templates

R = TypeVar("R", bound=Response)

SESSION_COOKIE = "cadence_session"
CSRF_COOKIE = "cadence_csrf"
FLASH_COOKIE = "cadence_flash"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"


class WebExit(Exception):
    """Stop the handler and send `response` (after the transaction has been rolled back)."""

    def __init__(self, response: Response) -> None:
        super().__init__(response.status_code)
        self.response = response


class WebRoute(APIRoute):
    """Routes of the web UI: domain errors become HTML pages, `WebExit` sends its response."""

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().handle(scope, receive, send)
        except WebExit as exc:
            await exc.response(scope, receive, send)

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def guarded(request: Request) -> Response:
            try:
                return await handler(request)
            except CadenceError as exc:
                headers = (
                    {"Retry-After": str(exc.retry_after)} if isinstance(exc, RateLimited) else None
                )
                raise WebExit(
                    error_page(request, exc.status, exc.title, exc.detail, headers=headers)
                ) from exc

        return guarded


# --- CSRF: the browser's word on where a form comes from, and a token for signed-in forms ---
#
# Every state-changing form passes two checks (decision 0015):
#
# 1. Cross-origin refusal. Browsers say where a request comes from: `Sec-Fetch-Site`
#    (every current browser) or, failing that, `Origin`. A request that a browser marks as
#    coming from another site, or whose Origin is not ours, is refused, token or not.
#    A request carrying neither header does not come from a browser (every browser since
#    2020 sends Origin on a POST), so it cannot be a forged one.
# 2. A double-submit token, only for requests that carry a session cookie: a random cookie
#    echoed in every form of the signed-in pages. Anonymous pages embed no token and set no
#    cookie, so they are the same for every visitor and shared caches can hold them.


def csrf_token(request: Request) -> str:
    """The token of this browser, minting one (set on the response by `page`) when absent."""
    existing = getattr(request.state, "csrf_token", None)
    if isinstance(existing, str):
        return existing
    token = request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(32)
    request.state.csrf_token = token
    return token


def wants_token(request: Request) -> bool:
    """Pages for a browser holding a session cookie carry the token; anonymous ones do not."""
    return SESSION_COOKIE in request.cookies


def _own_origins(request: Request) -> set[str]:
    scheme = request.url.scheme
    host = request.headers.get("host", "")
    configured = urlsplit(app_state(request).settings.base_url)
    return {f"{scheme}://{host}", f"{configured.scheme}://{configured.netloc}"}


def cross_origin(request: Request) -> bool:
    """True when a browser says this request comes from another origin (or hides it)."""
    site = request.headers.get("sec-fetch-site")
    if site is not None:
        return site not in ("same-origin", "none")
    origin = request.headers.get("origin")
    if origin is not None:
        return origin not in _own_origins(request)
    return False


def _refused(request: Request) -> WebExit:
    return WebExit(
        error_page(
            request,
            403,
            "Form expired",
            "This form could not be checked (it was sent from another site, or its security "
            "token is missing or out of date). Go back, reload the page and try again.",
        )
    )


async def read_form(request: Request) -> dict[str, str]:
    """The posted form, after the CSRF checks; a refused form is a clear 403 page."""
    if cross_origin(request):
        raise _refused(request)
    form = await request.form()
    if wants_token(request):
        sent = form.get(CSRF_FIELD)
        if not isinstance(sent, str) or not sent:
            sent = request.headers.get(CSRF_HEADER, "")
        cookie = request.cookies.get(CSRF_COOKIE, "")
        if not cookie or not sent or not hmac.compare_digest(cookie.encode(), sent.encode()):
            raise _refused(request)
    return {
        key: value if "password" in key else value.strip()
        for key, value in form.items()
        if isinstance(value, str)
    }


# --- Flash messages: a signed cookie read once by the next page ----------------------------


def _sign(request: Request, payload: str) -> str:
    key = app_state(request).settings.secret_key.encode()
    return hmac.new(key, payload.encode(), hashlib.sha256).hexdigest()[:32]


def _read_flashes(request: Request) -> list[dict[str, str]]:
    raw = request.cookies.get(FLASH_COOKIE)
    if not raw or "." not in raw:
        return []
    payload, signature = raw.rsplit(".", 1)
    if not hmac.compare_digest(_sign(request, payload), signature):
        return []
    try:
        data = json.loads(base64.urlsafe_b64decode(payload.encode() + b"=" * (-len(payload) % 4)))
    except ValueError:
        return []
    if not isinstance(data, list):
        return []
    return [{"kind": str(m.get("kind")), "text": str(m.get("text"))} for m in data[:5]]


def redirect(
    request: Request, url: str, *, flash: str | None = None, kind: str = "success"
) -> Response:
    """A 303 to `url`, carrying an optional message to show on the next page."""
    response = RedirectResponse(url, status_code=303)
    if flash:
        payload = (
            base64.urlsafe_b64encode(json.dumps([{"kind": kind, "text": flash}]).encode())
            .decode()
            .rstrip("=")
        )
        response.set_cookie(
            FLASH_COOKIE,
            f"{payload}.{_sign(request, payload)}",
            max_age=60,
            path="/",
            httponly=True,
            samesite="lax",
            secure=app_state(request).settings.secure_cookies,
        )
    return response


# --- Logins -------------------------------------------------------------------------------


@dataclass(frozen=True)
class WebLogin:
    user: User
    session: AuthSession


async def optional_login(request: Request, ctx: CtxDep) -> WebLogin | None:
    token = request.cookies.get(SESSION_COOKIE)
    if not token or len(token) > 200:
        return None
    try:
        user, session = await sessions.user_for_web_token(ctx, token)
    except Unauthorized:
        return None
    ctx.actor_id = user.id
    return WebLogin(user, session)


MaybeLoginDep = Annotated[WebLogin | None, Depends(optional_login)]


def safe_next(target: str | None) -> str:
    """Only local paths are followed after logging in (no open redirect)."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return "/"


def login_url(next_path: str) -> str:
    return "/login?next=" + quote(next_path, safe="/")


async def required_login(request: Request, login: MaybeLoginDep) -> WebLogin:
    if login is None:
        target = request.url.path
        if request.method != "GET":
            target = request.headers.get("referer", "/").split(request.url.netloc, 1)[-1]
        raise WebExit(RedirectResponse(login_url(safe_next(target)), status_code=303))
    return login


LoginDep = Annotated[WebLogin, Depends(required_login)]


def set_session_cookie(request: Request, response: Response, token: str) -> None:
    settings = app_state(request).settings
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=settings.web_session_days * 86400,
        path="/",
        httponly=True,
        samesite="lax",
        secure=settings.secure_cookies,
    )


def clear_session_cookie(request: Request, response: Response) -> None:
    response.delete_cookie(
        SESSION_COOKIE,
        path="/",
        httponly=True,
        samesite="lax",
        secure=app_state(request).settings.secure_cookies,
    )


# --- Organisation access ------------------------------------------------------------------


@dataclass(frozen=True)
class OrgAccess:
    login: WebLogin
    membership: Membership
    org: Organisation

    @property
    def role(self) -> Role:
        return Role(self.membership.role)

    @property
    def is_admin(self) -> bool:
        return self.role.at_least(Role.admin)


def org_access(minimum: Role) -> Callable[..., Coroutine[Any, Any, OrgAccess]]:
    """The caller's membership of `{org_id}`: not a member answers 404, as a missing org."""

    async def dependency(
        ctx: CtxDep, login: LoginDep, org_id: Annotated[str, Path(max_length=64)]
    ) -> OrgAccess:
        membership = await org_service.membership_of(ctx, org_id=org_id, user_id=login.user.id)
        org = await ctx.session.get(Organisation, org_id) if membership else None
        if membership is None or org is None:
            raise NotFound("No such organisation.")
        if not Role(membership.role).at_least(minimum):
            raise PermissionDenied(f"This page needs the {minimum.value} role or higher.")
        return OrgAccess(login, membership, org)

    return dependency


ViewerAccess = Annotated[OrgAccess, Depends(org_access(Role.viewer))]
AdminAccess = Annotated[OrgAccess, Depends(org_access(Role.admin))]


# --- Rendering ----------------------------------------------------------------------------


# Public pages (the same for every anonymous visitor): shared caches may keep them this long
# and serve them stale for a little longer while they fetch a fresh copy. Short, so the seats
# left stay honest; `cadence.web.pagecache` holds them in each process for less.
PUBLIC_MAX_AGE = 5
PUBLIC_STALE = 10
PUBLIC_CACHE = f"public, max-age={PUBLIC_MAX_AGE}, stale-while-revalidate={PUBLIC_STALE}"
PRIVATE_CACHE = "private, no-store"


async def page(
    request: Request,
    ctx: Ctx,
    template: str,
    *,
    login: WebLogin | None,
    status: int = 200,
    public: bool = False,
    vary: str = "",
    **context: Any,
) -> HTMLResponse:
    """Render a full page with the layout's needs: user, their orgs, CSRF token, flashes.

    `public=True` declares the page the same for every anonymous visitor: rendered for one
    (no session cookie, no flash), it is sent with `Cache-Control: public` and a strong ETag
    and may be kept by `cadence.web.pagecache` and any shared cache. `vary` names the
    request headers (besides Cookie) the page depends on.
    """
    token = csrf_token(request) if login is not None or wants_token(request) else ""
    flashes = _read_flashes(request)
    orgs = await org_service.orgs_of(ctx, login.user.id) if login else []
    response = templates.TemplateResponse(
        request,
        template,
        {
            "user": login.user if login else None,
            "orgs": orgs,
            "csrf_token": token,
            "flashes": flashes,
            **context,
        },
        status_code=status,
    )
    if login is not None or token or flashes:
        response.headers["cache-control"] = PRIVATE_CACHE
    elif public and status == 200 and FLASH_COOKIE not in request.cookies:
        response.headers["cache-control"] = PUBLIC_CACHE
    else:
        response.headers["cache-control"] = "no-cache"
    response.headers["vary"] = ", ".join(["Cookie", *filter(None, [vary])])
    return finish(request, response, token=token, flashes_read=bool(flashes))


def fragment(request: Request, template: str, *, status: int = 200, **context: Any) -> HTMLResponse:
    """A piece of a page, for htmx swaps (of signed-in pages: it carries the token)."""
    response = templates.TemplateResponse(
        request, template, {"csrf_token": csrf_token(request), **context}, status_code=status
    )
    response.headers["cache-control"] = PRIVATE_CACHE
    return response


def finish(request: Request, response: R, *, token: str, flashes_read: bool) -> R:
    """Set the CSRF cookie when it was just minted; drop the flash cookie once shown."""
    secure = app_state(request).settings.secure_cookies
    if token and request.cookies.get(CSRF_COOKIE) != token:
        response.set_cookie(
            CSRF_COOKIE, token, path="/", httponly=True, samesite="lax", secure=secure
        )
    if flashes_read:
        response.delete_cookie(FLASH_COOKIE, path="/", httponly=True, samesite="lax", secure=secure)
    return response


async def reject(
    request: Request,
    ctx: Ctx,
    template: str,
    *,
    login: WebLogin | None,
    status: int,
    **context: Any,
) -> WebExit:
    """Re-render a form with its errors; raise the result so the transaction rolls back."""
    return WebExit(await page(request, ctx, template, login=login, status=status, **context))

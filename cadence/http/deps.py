"""Named FastAPI dependencies: the unit of work, the caller, their membership.

Authorisation lives here and only here: `require_role(Role.manager)` resolves the caller's
membership in the organisation named by the path. Not a member (or no such organisation)
answers 404, exactly as a missing resource, so ids of other tenants reveal nothing.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Path, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from cadence.accounts import orgs as org_service
from cadence.accounts import sessions
from cadence.accounts.models import AuthSession, Membership, Organisation, User
from cadence.accounts.roles import Role
from cadence.context import Ctx
from cadence.context import unit_of_work as open_unit
from cadence.errors import NotFound, PermissionDenied, Unauthorized
from cadence.http.requestctx import request_id_var
from cadence.http.state import AppState

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def app_state(request: Request) -> AppState:
    state: AppState = request.app.state.cadence
    return state


async def unit_of_work(request: Request) -> AsyncIterator[Ctx]:
    """One transaction per request, committed before the response is sent."""
    state = app_state(request)
    maker = state.read_sessions if request.method in READ_METHODS else state.sessions
    async with open_unit(
        maker, state.settings, state.clock, request_id=request_id_var.get()
    ) as ctx:
        if "base_url" not in state.settings.model_fields_set:
            ctx.base_url = str(request.base_url)
        yield ctx


CtxDep = Annotated[Ctx, Depends(unit_of_work, scope="function")]
StateDep = Annotated[AppState, Depends(app_state)]

_bearer = HTTPBearer(auto_error=False, description="An access token from /api/v1/auth/login")


BearerDep = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]


async def authenticate(
    reading: Ctx, credentials: HTTPAuthorizationCredentials | None
) -> tuple[User, AuthSession]:
    """The caller of a bearer token, read in the given (read-only) unit of work: one
    statement for the user and their login row, so a revoked login fails at once."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthorized("Send an access token as 'Authorization: Bearer <token>'.")
    return await sessions.user_for_access_token(reading, credentials.credentials)


async def authenticated_id(reading: Ctx, credentials: HTTPAuthorizationCredentials | None) -> str:
    """`authenticate` for a route that needs only the caller's id (the booking route)."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthorized("Send an access token as 'Authorization: Bearer <token>'.")
    return await sessions.user_id_for_access_token(reading, credentials.credentials)


async def current_login(
    ctx: CtxDep, state: StateDep, credentials: BearerDep
) -> tuple[User, AuthSession]:
    """Check the bearer token in a short read of its own, then hand the rows to the request.

    The request's own transaction (a write lock on SQLite) starts only when the handler
    first touches the database, so a handler that calls the network first holds no lock.
    """
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthorized("Send an access token as 'Authorization: Bearer <token>'.")
    async with state.read_sessions() as auth_session:
        auth_ctx = Ctx(session=auth_session, settings=state.settings, clock=state.clock)
        user, login = await authenticate(auth_ctx, credentials)
    user = await ctx.session.merge(user, load=False)
    login = await ctx.session.merge(login, load=False)
    ctx.actor_id = user.id
    return user, login


LoginDep = Annotated[tuple[User, AuthSession], Depends(current_login)]


async def current_user(login: LoginDep) -> User:
    return login[0]


CurrentUser = Annotated[User, Depends(current_user)]


def require_role(minimum: Role) -> Callable[..., Awaitable[Membership]]:
    """A dependency giving the caller's membership in `{org_id}`, at least `minimum`."""

    async def dependency(
        ctx: CtxDep,
        user: CurrentUser,
        org_id: Annotated[str, Path(max_length=64)],
    ) -> Membership:
        membership = await org_service.membership_of(ctx, org_id=org_id, user_id=user.id)
        if membership is None:
            raise NotFound("No such organisation.")
        if not Role(membership.role).at_least(minimum):
            raise PermissionDenied(f"This needs the {minimum.value} role or higher.")
        return membership

    return dependency


ViewerDep = Annotated[Membership, Depends(require_role(Role.viewer))]
MemberDep = Annotated[Membership, Depends(require_role(Role.member))]
ManagerDep = Annotated[Membership, Depends(require_role(Role.manager))]
AdminDep = Annotated[Membership, Depends(require_role(Role.admin))]
OwnerDep = Annotated[Membership, Depends(require_role(Role.owner))]


async def load_org(ctx: Ctx, membership: Membership) -> Organisation:
    org = await ctx.session.get(Organisation, membership.org_id)
    if org is None:
        raise NotFound("No such organisation.")
    return org

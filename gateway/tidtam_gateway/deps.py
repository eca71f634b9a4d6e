"""`Annotated` dependency aliases for the gateway's routers.

The gateway authenticates callers itself (JWT or API key), so instead of crmkit.deps'
signed-context dependency it builds a `Caller`; the session is scoped to the caller's tenant
and commits at the edge, after the handler and before the response. The `Idempotent...`
sessions honour `Idempotency-Key` (crmkit.idempotency) for the POSTs that create: keyed per
tenant, and the operator's (tenant creation) in the operator's own scope.
"""

from __future__ import annotations

import hmac
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import (
    APIKeyHeader,
    HTTPAuthorizationCredentials,
    HTTPBearer,
    OAuth2PasswordBearer,
)
from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.db import unit_of_work
from crmkit.errors import Forbidden, Unauthorized
from crmkit.idempotency import OPERATOR, KeyHeader, idempotent_unit_of_work

from .auth import service as auth_service
from .auth.caller import Caller
from .config import GatewaySettings

# auto_error=False: our own 401s carry ErrorBody; these objects also document the schemes.
oauth2 = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False,
                              scheme_name="OAuth2Password",
                              description="A user's access token, or an API key `tdk_...`")
api_key_header = APIKeyHeader(name="X-API-Key", auto_error=False, scheme_name="ApiKey",
                              description="An API key (`tdk_...`); acts with role integration")
operator_bearer = HTTPBearer(auto_error=False, scheme_name="OperatorToken",
                             description="`TIDTAM_OPERATOR_TOKEN`, for the hosting operator")


# Every dependency is `async def`: FastAPI runs a plain `def` one in a worker thread, and
# that hand-off was a fifth of the gateway's CPU per request (py-spy, bench/pyspy.py).
async def get_settings(request: Request) -> GatewaySettings:
    settings: GatewaySettings = request.app.state.settings
    return settings


Settings = Annotated[GatewaySettings, Depends(get_settings)]


# What a user whose password an admin set may do before choosing their own.
OPEN_BEFORE_PASSWORD_CHANGE = frozenset({"/api/v1/me", "/api/v1/me/password"})


async def get_caller(request: Request,
                     bearer: Annotated[str | None, Depends(oauth2)],
                     api_key: Annotated[str | None, Depends(api_key_header)]) -> Caller:
    state = request.app.state
    caller = await auth_service.authenticate(state.auth_pool, state.callers, state.tokens,
                                             bearer=bearer, api_key=api_key)
    if caller.must_change_password and request.url.path not in OPEN_BEFORE_PASSWORD_CHANGE:
        raise Forbidden("choose your own password first: POST /api/v1/me/password with the "
                        "one you were given", code="password_change_required")
    return caller


CurrentCaller = Annotated[Caller, Depends(get_caller)]


async def caller_of(request: Request) -> Caller:
    """`get_caller` called directly, for routes that skip FastAPI's dependency solving (the
    proxy: the gateway's hottest path). It reads what `oauth2` and `api_key_header` read
    (the first `Authorization` and `X-API-Key`; a bearer token only under the `Bearer`
    scheme), in one pass over the raw headers: their case-insensitive lookups, each a
    KeyError when the header is absent, were 8 % of the gateway's CPU per request."""
    authorization: bytes | None = None
    key: bytes | None = None
    for name, value in request.scope["headers"]:
        if name == b"authorization" and authorization is None:
            authorization = value
        elif name == b"x-api-key" and key is None:
            key = value
    scheme, _, param = (authorization or b"").decode("latin-1").partition(" ")
    bearer = param.strip() if authorization and scheme.lower() == "bearer" else None
    return await get_caller(request, bearer, (key or b"").decode("latin-1") or None)


async def require_admin(caller: CurrentCaller) -> Caller:
    if not caller.is_admin:
        raise Forbidden("only a tenant admin may do this")
    return caller


AdminCaller = Annotated[Caller, Depends(require_admin)]


def _forget_callers(request: Request, caller: Caller | None) -> None:
    """After a change commits, this process forgets the callers it touched before it answers:
    the NOTIFY from the change's trigger reaches the listener a moment later, and the client's
    next request (a deactivated user's, say) may come before it. Other gateway processes learn
    of it from that NOTIFY."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    callers = request.app.state.callers
    if caller is None:
        callers.clear()
    else:
        callers.invalidate(str(caller.tenant.value))


async def get_db(request: Request, caller: CurrentCaller) -> AsyncIterator[AsyncSession]:
    async with unit_of_work(request.app.state.sessionmaker, caller.tenant) as session:
        yield session
    _forget_callers(request, caller)


Db = Annotated[AsyncSession, Depends(get_db, scope="function")]


async def get_idempotent_db(request: Request, caller: CurrentCaller,
                            key: KeyHeader = None) -> AsyncIterator[AsyncSession]:
    async with idempotent_unit_of_work(request.app.state.sessionmaker, caller.tenant, request,
                                       key, caller=str(caller.user_id)) as session:
        yield session
    _forget_callers(request, caller)


IdempotentDb = Annotated[AsyncSession, Depends(get_idempotent_db, scope="function")]


async def require_operator(settings: Settings,
                     creds: Annotated[HTTPAuthorizationCredentials | None,
                                      Depends(operator_bearer)]) -> None:
    expected = settings.operator_token.get_secret_value() if settings.operator_token else ""
    given = creds.credentials if creds else ""
    if not given:
        raise Unauthorized("send `Authorization: Bearer <operator token>`",
                           headers={"WWW-Authenticate": "Bearer"})
    if not expected or not hmac.compare_digest(given.encode(), expected.encode()):
        raise Unauthorized("the operator token is wrong", headers={"WWW-Authenticate": "Bearer"})


Operator = Annotated[None, Depends(require_operator)]


async def get_operator_db(request: Request, _op: Operator) -> AsyncIterator[AsyncSession]:
    """A session with no tenant: the operator's service sets the tenant it works on."""
    async with unit_of_work(request.app.state.sessionmaker, None) as session:
        yield session
    _forget_callers(request, None)


OperatorDb = Annotated[AsyncSession, Depends(get_operator_db, scope="function")]


async def get_idempotent_operator_db(request: Request, _op: Operator,
                                     key: KeyHeader = None) -> AsyncIterator[AsyncSession]:
    async with idempotent_unit_of_work(request.app.state.sessionmaker, None, request, key,
                                       caller=OPERATOR) as session:
        yield session
    _forget_callers(request, None)


IdempotentOperatorDb = Annotated[AsyncSession,
                                 Depends(get_idempotent_operator_db, scope="function")]

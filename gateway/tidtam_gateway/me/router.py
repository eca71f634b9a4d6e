from __future__ import annotations

from fastapi import APIRouter, Request

from crmkit.errors import error_responses

from ..auth import throttle
from ..auth.caller import Caller
from ..auth.schemas import TokenOut
from ..auth.tokens import issue_access_token
from ..deps import CurrentCaller, Db, Settings
from ..users.models import User
from . import service
from .schemas import MeOut, MePatch, PasswordChangeIn

router = APIRouter(prefix="/api/v1/me", tags=["me"])


def _out(caller: Caller, user: User | None = None) -> MeOut:
    if user is None:
        return MeOut(id=caller.user_id, tenant_id=caller.tenant.value, email=caller.email,
                     name=caller.name, role=caller.role, team_id=caller.team_id,
                     language=None if caller.api_key_id else caller.language,
                     must_change_password=caller.must_change_password)
    return MeOut(id=user.id, tenant_id=user.tenant_id, email=user.email, name=user.name,
                 role=user.role, team_id=user.team_id, language=user.language,
                 must_change_password=user.must_change_password)


@router.get("", response_model=MeOut, responses=error_responses(401), summary="Who I am")
async def me(caller: CurrentCaller) -> MeOut:
    return _out(caller)


@router.patch("", response_model=MeOut, responses=error_responses(401, 403, 413, 422),
              summary="Change my name or language (th, en)")
async def update_me(body: MePatch, caller: CurrentCaller, db: Db) -> MeOut:
    return _out(caller, await service.update_me(db, caller, body))


@router.post("/password", response_model=TokenOut,
             responses=error_responses(401, 403, 413, 422, 429),
             summary="Change my password; every other session of mine ends")
async def change_password(request: Request, body: PasswordChangeIn, caller: CurrentCaller,
                          db: Db, settings: Settings) -> TokenOut:
    """`current_password` must be right (else 403 `wrong_password` on that field; wrong
    guesses count like failed logins, 429 past the limit). Every token issued before this
    stops working at once; use the `access_token` returned from now on. No Idempotency-Key,
    like the login: the answer is a credential, kept nowhere."""
    service.require_account(caller)  # before the throttle counts anything
    async with throttle.attempt(request.app.state.auth_pool, settings, email=caller.email or "",
                                ip=throttle.client_ip(request, settings.trusted_proxies)):
        user = await service.change_password(db, caller, body)
    token = issue_access_token(settings.jwt_secret.get_secret_value(), user_id=user.id,
                               tenant_id=user.tenant_id, ttl=settings.jwt_ttl,
                               generation=user.session_generation)
    return TokenOut(access_token=token, expires_in=settings.jwt_ttl)

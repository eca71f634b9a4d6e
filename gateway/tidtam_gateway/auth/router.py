from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.security import OAuth2PasswordRequestForm

from crmkit.errors import error_responses

from ..deps import CurrentCaller, Settings
from . import service
from .schemas import MeOut, TokenOut

router = APIRouter(prefix="/api/v1", tags=["auth"])


@router.post("/auth/token", response_model=TokenOut, responses=error_responses(401, 413, 422),
             summary="Log in (OAuth2 password grant: username = email)")
async def token(request: Request, settings: Settings,
                form: Annotated[OAuth2PasswordRequestForm, Depends()]) -> TokenOut:
    access = await service.login(
        request.app.state.auth_pool, email=form.username, password=form.password,
        secret=settings.jwt_secret.get_secret_value(), ttl=settings.jwt_ttl,
    )
    return TokenOut(access_token=access, expires_in=settings.jwt_ttl)


@router.get("/me", response_model=MeOut, responses=error_responses(401), summary="Who I am")
async def me(caller: CurrentCaller) -> MeOut:
    return MeOut(id=caller.user_id, tenant_id=caller.tenant.value, email=caller.email,
                 name=caller.name, role=caller.role, team_id=caller.team_id)

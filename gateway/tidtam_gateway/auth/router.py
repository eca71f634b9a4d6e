from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.security import OAuth2PasswordRequestForm

from crmkit.errors import error_responses

from ..deps import CurrentCaller, Settings
from . import service
from .schemas import MeOut, TokenOut

router = APIRouter(prefix="/api/v1", tags=["auth"])


@router.post("/auth/token", response_model=TokenOut, responses=error_responses(401, 409, 413, 422),
             summary="Log in (OAuth2 password grant: username = email)")
async def token(request: Request, settings: Settings,
                form: Annotated[OAuth2PasswordRequestForm, Depends()],
                tenant_id: Annotated[uuid.UUID | None, Form(
                    description="Only when one email and password open accounts in several "
                                "tenants (the answer is then 409 naming them)")] = None,
                ) -> TokenOut:
    access = await service.login(
        request.app.state.auth_pool, email=form.username, password=form.password,
        secret=settings.jwt_secret.get_secret_value(), ttl=settings.jwt_ttl, tenant_id=tenant_id,
    )
    return TokenOut(access_token=access, expires_in=settings.jwt_ttl)


@router.get("/me", response_model=MeOut, responses=error_responses(401), summary="Who I am")
async def me(caller: CurrentCaller) -> MeOut:
    return MeOut(id=caller.user_id, tenant_id=caller.tenant.value, email=caller.email,
                 name=caller.name, role=caller.role, team_id=caller.team_id)

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.security import OAuth2PasswordRequestForm

from crmkit.errors import error_responses

from ..deps import Settings
from . import service, throttle
from .schemas import TokenOut

router = APIRouter(prefix="/api/v1", tags=["auth"])

_TOKEN_ERRORS = error_responses(401, 409, 413, 422, 429)
_TOKEN_ERRORS[429] = {**_TOKEN_ERRORS[429], "description": (
    "Too many failed logins for this email (TIDTAM_LOGIN_MAX_FAILURES) or from this address "
    "(TIDTAM_LOGIN_MAX_FAILURES_PER_IP) within TIDTAM_LOGIN_WINDOW_SECONDS; the password was "
    "not checked"), "headers": {"Retry-After": {
        "description": "Seconds until a login may be tried again", "schema": {"type": "integer"}}}}


@router.post("/auth/token", response_model=TokenOut, responses=_TOKEN_ERRORS,
             summary="Log in (OAuth2 password grant: username = email)")
async def token(request: Request, settings: Settings,
                form: Annotated[OAuth2PasswordRequestForm, Depends()],
                tenant_id: Annotated[uuid.UUID | None, Form(
                    description="Only when one email and password open accounts in several "
                                "tenants (the answer is then 409 naming them)")] = None,
                ) -> TokenOut:
    pool = request.app.state.auth_pool
    async with throttle.attempt(pool, settings, email=form.username,
                                ip=throttle.client_ip(request, settings.trusted_proxies)):
        access = await service.login(
            pool, email=form.username, password=form.password,
            secret=settings.jwt_secret.get_secret_value(), ttl=settings.jwt_ttl,
            tenant_id=tenant_id,
        )
    return TokenOut(access_token=access, expires_in=settings.jwt_ttl)


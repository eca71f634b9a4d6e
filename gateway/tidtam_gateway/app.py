"""Assembles the gateway with the kit's one app builder (crmkit.runtime.build_service):
routers, the merged OpenAPI and AsyncAPI documents, and the resources only the gateway holds
(the auth pool, the proxy's HTTP pool)."""

from __future__ import annotations

import logging
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.responses import JSONResponse, Response
from starlette.middleware import Middleware

from crmkit.consumer import on
from crmkit.runtime import build_service
from tidtam_contracts.privacy import PrivacyAnsweredV1

from .apikeys.router import router as apikeys_router
from .auth.cache import CallerCache
from .auth.router import router as auth_router
from .auth.tokens import VerifiedTokens
from .config import GatewaySettings
from .contracts import EVENTS
from .db import auth_pool, plain_dsn
from .docs.router import router as docs_router
from .me.router import router as me_router
from .openapi import OpenApiMerger
from .privacy.router import router as privacy_router
from .privacy.service import on_answered
from .proxy.router import ProxyFastPath
from .proxy.router import router as proxy_router
from .proxy.service import documents_client, upstreams
from .settings.router import router as settings_router
from .teams.router import router as teams_router
from .tenants.router import router as tenants_router
from .users.router import people_router
from .users.router import router as users_router
from .webui.router import mount_static
from .webui.router import router as webui_router

ROUTERS = [tenants_router, auth_router, me_router, users_router, people_router, teams_router,
           settings_router, apikeys_router, privacy_router, proxy_router, webui_router]
# What the gateway consumes: the services' answers to data-subject requests.
HANDLERS = [on(PrivacyAnsweredV1, on_answered)]

log = logging.getLogger("tidtam_gateway")
OPENAPI_URL = "/api/v1/openapi.json"

DESCRIPTION = """Tidtam's public API. Log in with `POST /api/v1/auth/token` (OAuth2 password
grant, username = email) and send `Authorization: Bearer <access_token>`; systems send an API
key as `Authorization: Bearer tdk_...` or `X-API-Key`. Every error is an `ErrorBody`."""


def _announce_operator_token(settings: GatewaySettings) -> None:
    if settings.operator_token_generated and settings.operator_token is not None:
        token = settings.operator_token.get_secret_value()
        # Printed, not only logged: in development this is how the operator learns it.
        print(f"\n  TIDTAM_OPERATOR_TOKEN was not set; generated for this run:\n"
              f"    {token}\n  (create tenants with: Authorization: Bearer {token})\n",
              file=sys.stderr, flush=True)


@asynccontextmanager
async def _operator_token(app: FastAPI) -> AsyncIterator[None]:
    _announce_operator_token(app.state.settings)
    yield


@asynccontextmanager
async def _auth_pool(app: FastAPI) -> AsyncIterator[None]:
    settings: GatewaySettings = app.state.settings
    app.state.auth_pool = await auth_pool(settings.database_url, settings.auth_pool_size)
    try:
        yield
    finally:
        await app.state.auth_pool.close()


@asynccontextmanager
async def _proxy_client(app: FastAPI) -> AsyncIterator[None]:
    settings: GatewaySettings = app.state.settings
    app.state.proxy = upstreams(
        max_connections=settings.proxy_max_connections, idle_seconds=settings.proxy_idle_seconds,
        connect_timeout=settings.proxy_connect_timeout, read_timeout=settings.proxy_timeout)
    documents = documents_client()
    app.state.openapi = OpenApiMerger(app, documents, settings)
    try:
        yield
    finally:
        await app.state.proxy.aclose()
        await documents.aclose()


@asynccontextmanager
async def _callers(app: FastAPI) -> AsyncIterator[None]:
    """Callers cached in process, dropped on NOTIFY (auth/cache.py); verified tokens
    remembered until they expire."""
    settings: GatewaySettings = app.state.settings
    app.state.callers = CallerCache()
    app.state.tokens = VerifiedTokens(settings.jwt_secret.get_secret_value())
    async with app.state.callers.listening_to(plain_dsn(settings.database_url)):
        yield


def _replace_docs(app: FastAPI) -> None:
    """Serve the merged document at /api/v1/openapi.json, and Swagger UI and ReDoc on it
    from this machine (docs/router.py)."""
    app.router.routes = [r for r in app.router.routes
                         if getattr(r, "path", None) not in ("/openapi.json", "/docs",
                                                             "/docs/oauth2-redirect", "/redoc")]

    @app.get(OPENAPI_URL, include_in_schema=False)
    async def openapi_json() -> Response:
        return JSONResponse(await app.state.openapi.document())

    @app.get("/api/v1/asyncapi.json", include_in_schema=False)
    async def asyncapi_json() -> Response:
        return JSONResponse(await app.state.openapi.events())

    app.include_router(docs_router)


def create_gateway_app(settings: GatewaySettings | None = None) -> FastAPI:
    """The gateway, built like every service (crmkit.runtime): its database and outbox
    relay, plus the auth pool, the proxy's HTTP pool and the merged documents."""
    app = build_service(settings or GatewaySettings(), title="Tidtam API",
                        description=DESCRIPTION, routers=ROUTERS, events=EVENTS, handlers=HANDLERS,
                        resources=[_operator_token, _auth_pool, _callers, _proxy_client])
    # Innermost of the app's own middleware, inside the kit's EdgeMiddleware (Starlette
    # builds its stack from this list when the first request comes).
    app.user_middleware.append(Middleware(ProxyFastPath))
    mount_static(app)
    _replace_docs(app)
    return app

"""Assembles the gateway: routers, the merged OpenAPI and docs, and the lifespan that owns
the database pools, the proxy's HTTP pool, the broker and the outbox relay."""

from __future__ import annotations

import logging
import sys
from contextlib import asynccontextmanager

import sqlalchemy as sa
from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.responses import JSONResponse

from crmkit import logging as klog
from crmkit.db import sessionmaker
from crmkit.web import create_app

from .apikeys.router import router as apikeys_router
from .auth.cache import CallerCache
from .auth.router import router as auth_router
from .auth.tokens import VerifiedTokens
from .config import GatewaySettings
from .db import auth_pool, plain_dsn
from .db import engine as make_engine
from .openapi import OpenApiMerger
from .proxy.router import router as proxy_router
from .proxy.service import client_session
from .settings.router import router as settings_router
from .teams.router import router as teams_router
from .tenants.router import router as tenants_router
from .users.router import people_router
from .users.router import router as users_router
from .webui.router import mount_static
from .webui.router import router as webui_router
from .workers import start_workers, stop_workers

log = logging.getLogger("tidtam_gateway")
OPENAPI_URL = "/api/v1/openapi.json"

DESCRIPTION = """Tidtam's public API. Log in with `POST /api/v1/auth/token` (OAuth2 password
grant, username = email) and send `Authorization: Bearer <access_token>`; systems send an API
key as `Authorization: Bearer tdk_...` or `X-API-Key`. Every error is an `ErrorBody`."""


def _announce_operator_token(settings: GatewaySettings) -> None:
    if settings.operator_token_generated:
        token = settings.operator_token.get_secret_value()
        # Printed, not only logged: in development this is how the operator learns it.
        print(f"\n  TIDTAM_OPERATOR_TOKEN was not set; generated for this run:\n"
              f"    {token}\n  (create tenants with: Authorization: Bearer {token})\n",
              file=sys.stderr, flush=True)


@asynccontextmanager
async def lifespan(app: FastAPI):
    settings: GatewaySettings = app.state.settings
    _announce_operator_token(settings)
    engine = make_engine(settings.gateway_database_url, settings.db_pool_size,
                         settings.db_max_overflow)
    app.state.engine = engine
    app.state.auth_pool = await auth_pool(settings.gateway_database_url,
                                          settings.auth_pool_size)
    app.state.sessionmaker = sessionmaker(engine)
    app.state.callers = CallerCache(plain_dsn(settings.gateway_database_url))
    await app.state.callers.start()
    app.state.tokens = VerifiedTokens(settings.jwt_secret.get_secret_value())
    app.state.proxy = client_session(
        max_connections=settings.proxy_max_connections, idle_seconds=settings.proxy_idle_seconds,
        connect_timeout=settings.proxy_connect_timeout, read_timeout=settings.proxy_timeout)
    app.state.openapi = OpenApiMerger(app, app.state.proxy, settings)
    workers = await start_workers(settings)
    app.state.workers = workers
    try:
        yield
    finally:
        await stop_workers(workers)
        await app.state.callers.stop()
        await app.state.proxy.aclose()
        await app.state.auth_pool.close()
        await engine.dispose()


def _replace_docs(app: FastAPI) -> None:
    """Serve the merged document at /api/v1/openapi.json and point Swagger UI at it."""
    app.router.routes = [r for r in app.router.routes
                         if getattr(r, "path", None) not in ("/openapi.json", "/docs",
                                                             "/docs/oauth2-redirect", "/redoc")]

    @app.get(OPENAPI_URL, include_in_schema=False)
    async def openapi_json():
        return JSONResponse(await app.state.openapi.document())

    @app.get("/api/v1/asyncapi.json", include_in_schema=False)
    async def asyncapi_json():
        return JSONResponse(await app.state.openapi.events())

    @app.get("/docs", include_in_schema=False)
    async def docs():
        return get_swagger_ui_html(openapi_url=OPENAPI_URL, title="Tidtam API",
                                   oauth2_redirect_url="/docs/oauth2-redirect")

    @app.get("/docs/oauth2-redirect", include_in_schema=False)
    async def oauth2_redirect():
        return get_swagger_ui_oauth2_redirect_html()


def create_gateway_app(settings: GatewaySettings | None = None) -> FastAPI:
    settings = settings or GatewaySettings()
    klog.configure("gateway", settings.log_level, settings.log_json)

    async def database_ready() -> str | None:
        try:
            async with app.state.engine.connect() as conn:
                await conn.execute(sa.text("SELECT 1"))
        except Exception as exc:  # readiness reports any failure, it never raises
            return f"gateway database unreachable: {exc.__class__.__name__}"
        return None

    async def broker_ready() -> str | None:
        broker = getattr(app.state, "workers", None)
        return await broker.ready_check() if broker else "starting"

    app = create_app(service="gateway", title="Tidtam API", description=DESCRIPTION,
                     lifespan=lifespan, ready_checks=[database_ready, broker_ready])
    app.state.settings = settings
    for router in (tenants_router, auth_router, users_router, people_router, teams_router,
                   settings_router, apikeys_router, proxy_router, webui_router):
        app.include_router(router)
    mount_static(app)
    _replace_docs(app)
    return app

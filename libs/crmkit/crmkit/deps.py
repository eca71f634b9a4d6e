"""`Annotated` dependency aliases for service routers: the verified context and a tenant
session that commits at the edge (after the handler, before the response is sent); for a
POST that changes something, `IdempotentDb`, the same session honouring `Idempotency-Key`
(crmkit.idempotency; its router needs `route_class=IdempotentRoute`)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from . import routing as _routing  # noqa: F401  (registers the `:id` path convertor)
from .context import HEADER, RequestContext, verify_context
from .db import unit_of_work
from .idempotency import KeyHeader, idempotent_unit_of_work
from .logging import correlation_id


async def get_context(request: Request) -> RequestContext:
    settings = request.app.state.settings
    ctx = verify_context(settings.context_secret.get_secret_value(), request.headers.get(HEADER))
    if ctx.correlation_id and not request.headers.get("x-correlation-id"):
        correlation_id.set(ctx.correlation_id)
    return ctx


Ctx = Annotated[RequestContext, Depends(get_context)]


async def get_session(request: Request, ctx: Ctx) -> AsyncIterator[AsyncSession]:
    async with unit_of_work(request.app.state.sessionmaker, ctx.tenant) as session:
        yield session


Db = Annotated[AsyncSession, Depends(get_session, scope="function")]


async def get_idempotent_session(request: Request, ctx: Ctx,
                                 key: KeyHeader = None) -> AsyncIterator[AsyncSession]:
    async with idempotent_unit_of_work(request.app.state.sessionmaker, ctx.tenant, request,
                                       key, caller=str(ctx.user_id)) as session:
        yield session


IdempotentDb = Annotated[AsyncSession, Depends(get_idempotent_session, scope="function")]

"""Sources and reasons, and the tenant's defaults (standard pipeline, sources, reasons).

`ensure_defaults` runs from the `tenant.created` consumer and, lazily, on the first request
that needs a default; deterministic ids plus ON CONFLICT DO NOTHING make both paths (and
races between them) idempotent.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.context import RequestContext, TenantId
from crmkit.errors import Conflict, Forbidden, NotFound

from ..pipelines import service as pipelines
from . import defaults, repository
from .models import Reason, Source
from .schemas import ReasonIn, ReasonOut, SourceIn, SourceOut


@dataclass
class CatalogCache:
    """What one app has seen committed, so that the checks are not made on every request.

    `ready`: tenants whose defaults exist. `sources`: (tenant, key) of sources that exist;
    sources are never deleted or renamed, so a key once seen stays valid (the leads' foreign
    key to sources stays the backstop). Only filled from a read that found them, never from
    a session's own uncommitted insert. One per app (its sessionmaker's `info`, see
    `session_info`): two apps in one process, or two test databases, never share it."""

    ready: set[uuid.UUID] = field(default_factory=set)
    sources: set[tuple[uuid.UUID, str]] = field(default_factory=set)


_CACHE = "tidtam_leads.catalog_cache"


def session_info() -> dict[str, CatalogCache]:
    """`info` for the app's sessionmaker: every session it makes carries the app's cache.
    A session made without it caches nothing (it always asks the database)."""
    return {_CACHE: CatalogCache()}


def _cache(session: AsyncSession) -> CatalogCache:
    return session.info.get(_CACHE) or CatalogCache()


def reason_id(tenant: TenantId, kind: str, text: str) -> uuid.UUID:
    return uuid.uuid5(tenant.value, f"reason:{kind}:{text}")


async def ensure_defaults(session: AsyncSession, tenant: TenantId) -> None:
    cache = _cache(session)
    if tenant.value in cache.ready:
        return
    if await pipelines.standard_exists(session, tenant):
        cache.ready.add(tenant.value)
        return
    session.info[pipelines.WROTE_CATALOG] = True
    await pipelines.create_standard(session, tenant)
    await repository.insert_sources(session, tenant, defaults.SOURCES)
    await repository.insert_reasons(session, tenant, [
        (reason_id(tenant, kind, text), kind, text, i)
        for kind, texts in defaults.REASONS.items() for i, text in enumerate(texts)
    ])
    await session.flush()


def _admin(ctx: RequestContext, what: str) -> None:
    if not ctx.is_admin:
        raise Forbidden(f"only an admin may add {what}")


async def list_sources(session: AsyncSession, ctx: RequestContext) -> list[SourceOut]:
    await ensure_defaults(session, ctx.tenant)
    rows = await repository.list_sources(session, ctx.tenant)
    return [SourceOut(key=r.key, name=r.name, position=r.position) for r in rows]


async def add_source(session: AsyncSession, ctx: RequestContext, body: SourceIn) -> SourceOut:
    _admin(ctx, "lead sources")
    await ensure_defaults(session, ctx.tenant)
    pos = await repository.next_position(session, ctx.tenant, Source)
    if not await repository.insert_sources(session, ctx.tenant, [(body.key, body.name)], pos):
        raise Conflict(f"a source with key {body.key!r} already exists")
    return SourceOut(key=body.key, name=body.name, position=pos)


async def require_source(session: AsyncSession, ctx: RequestContext, key: str) -> None:
    cache, cache_key = _cache(session), (ctx.tenant.value, key)
    if cache_key in cache.sources:
        return
    if await repository.source_exists(session, ctx.tenant, key):
        if not session.info.get(pipelines.WROTE_CATALOG):
            cache.sources.add(cache_key)
    else:
        keys = ", ".join(s.key for s in await repository.list_sources(session, ctx.tenant))
        # A reference to something the tenant does not have is 404, as for any record the
        # caller cannot see; `fields` says which one.
        raise NotFound.on("body.source", f"{key!r} is not one of this tenant's lead "
                                         f"sources: {keys}", code="unknown_source")


async def list_reasons(session: AsyncSession, ctx: RequestContext,
                       kind: str | None) -> list[ReasonOut]:
    await ensure_defaults(session, ctx.tenant)
    rows = await repository.list_reasons(session, ctx.tenant, kind)
    return [ReasonOut(id=r.id, kind=r.kind, text=r.text, position=r.position) for r in rows]


async def add_reason(session: AsyncSession, ctx: RequestContext, body: ReasonIn) -> ReasonOut:
    _admin(ctx, "lost or junk reasons")
    await ensure_defaults(session, ctx.tenant)
    rid = reason_id(ctx.tenant, body.kind, body.text)
    pos = await repository.next_position(session, ctx.tenant, Reason)
    if not await repository.insert_reasons(session, ctx.tenant,
                                           [(rid, body.kind, body.text, pos)]):
        raise Conflict(f"that {body.kind} reason already exists")
    return ReasonOut(id=rid, kind=body.kind, text=body.text, position=pos)

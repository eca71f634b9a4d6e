"""Sources and reasons, and the tenant's defaults (standard pipeline, sources, reasons).

`ensure_defaults` runs from the `tenant.created` consumer and, lazily, on the first request
that needs a default; deterministic ids plus ON CONFLICT DO NOTHING make both paths (and
races between them) idempotent.
"""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.context import RequestContext, TenantId
from crmkit.errors import Conflict, Forbidden, NotFound

from ..pipelines import service as pipelines
from . import defaults, repository
from .models import Reason, Source
from .schemas import ReasonIn, ReasonOut, SourceIn, SourceOut

# Tenants whose defaults were seen committed: skips the check on every request. Only filled
# from a read that found them, never from our own uncommitted insert.
_ready: set[uuid.UUID] = set()
# (tenant, key) of sources seen committed. Sources are never deleted or renamed, so a key
# once seen stays valid; a session that inserted defaults itself caches nothing (its read
# may be its own uncommitted row). The leads' foreign key to sources stays the backstop.
_sources: set[tuple[uuid.UUID, str]] = set()


def reason_id(tenant: TenantId, kind: str, text: str) -> uuid.UUID:
    return uuid.uuid5(tenant.value, f"reason:{kind}:{text}")


async def ensure_defaults(session: AsyncSession, tenant: TenantId) -> None:
    if tenant.value in _ready:
        return
    if await pipelines.standard_exists(session, tenant):
        _ready.add(tenant.value)
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
    cache_key = (ctx.tenant.value, key)
    if cache_key in _sources:
        return
    if await repository.source_exists(session, ctx.tenant, key):
        if not session.info.get(pipelines.WROTE_CATALOG):
            _sources.add(cache_key)
    else:
        keys = ", ".join(s.key for s in await repository.list_sources(session, ctx.tenant))
        # A reference to something the tenant does not have is 404, as for any record the
        # caller cannot see; `fields` says which one.
        raise NotFound.on("body.source", f"{key!r} is not one of this tenant's lead "
                                         f"sources: {keys}")


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

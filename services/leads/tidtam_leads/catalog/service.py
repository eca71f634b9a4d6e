"""Sources and reasons, and the tenant's defaults (standard pipeline, sources, reasons).

`ensure_defaults` runs from the `tenant.created` consumer and, lazily, on the first request
that needs a default; deterministic ids plus ON CONFLICT DO NOTHING make both paths (and
races between them) idempotent.

Sources and reasons are renamed and retired, never deleted: a retired one stays on the
leads that have it and is refused for new ones (409 `source_retired`, `reason_retired`).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.context import RequestContext, TenantId
from crmkit.errors import Forbidden, NotFound
from tidtam_contracts.lead_setup import (
    LeadReasonCreatedV1,
    LeadReasonUpdatedV1,
    LeadSourceCreatedV1,
    LeadSourceUpdatedV1,
)

from ..errors import refused
from ..pipelines import service as pipelines
from . import cache, defaults, events, repository
from .models import Reason, Source
from .schemas import ReasonIn, ReasonOut, ReasonPatch, SourceIn, SourceOut, SourcePatch


def reason_id(tenant: TenantId, kind: str, text: str) -> uuid.UUID:
    """The id of a default reason (deterministic, so that making defaults twice is one)."""
    return uuid.uuid5(tenant.value, f"reason:{kind}:{text}")


async def ensure_defaults(session: AsyncSession, tenant: TenantId) -> None:
    known = cache.of(session)
    if tenant.value in known.ready:
        return
    generation = known.generation
    if await pipelines.standard_exists(session, tenant):
        if known.may_store(generation):
            known.ready.add(tenant.value)
        return
    session.info[pipelines.WROTE_CATALOG] = True
    await pipelines.create_standard(session, tenant)
    await repository.insert_sources(session, tenant, defaults.SOURCES)
    await repository.insert_reasons(session, tenant, [
        (reason_id(tenant, kind, text), kind, text, i)
        for kind, texts in defaults.REASONS.items() for i, text in enumerate(texts)
    ])
    await session.flush()


async def setup_changed(session: AsyncSession, tenant: TenantId) -> None:
    """Every process (this one at once) forgets what it cached of the tenant's set-up."""
    await repository.notify_setup_changed(session, tenant)
    cache.of(session).invalidate(str(tenant.value))


def require_admin(ctx: RequestContext, what: str) -> None:
    if not ctx.is_admin:
        raise Forbidden(f"only an admin may {what}")


def retired_at(retired: bool | None, current: datetime | None) -> datetime | None:
    if retired is None:
        return current
    return (current or datetime.now(UTC)) if retired else None


# --- sources ---------------------------------------------------------------------------

def _source_out(s: Source) -> SourceOut:
    return SourceOut(key=s.key, name=s.name, position=s.position,
                     retired=s.retired_at is not None)


def _source_data(s: Source) -> dict[str, Any]:
    return dict(source=s.key, name=s.name, retired=s.retired_at is not None, version=s.version)


async def list_sources(session: AsyncSession, ctx: RequestContext, *,
                       include_retired: bool = False) -> list[SourceOut]:
    await ensure_defaults(session, ctx.tenant)
    rows = await repository.list_sources(session, ctx.tenant, include_retired=include_retired)
    return [_source_out(r) for r in rows]


async def add_source(session: AsyncSession, ctx: RequestContext, body: SourceIn) -> SourceOut:
    require_admin(ctx, "add lead sources")
    await ensure_defaults(session, ctx.tenant)
    pos = await repository.next_position(session, ctx.tenant, Source)
    if not await repository.insert_sources(session, ctx.tenant, [(body.key, body.name)], pos):
        raise refused(f"a source with key {body.key!r} already exists", "already_exists",
                      "body.key")
    await events.stage(session, ctx.tenant, LeadSourceCreatedV1(
        source=body.key, name=body.name, retired=False, version=1), subject=body.key, version=1)
    return SourceOut(key=body.key, name=body.name, position=pos, retired=False)


async def patch_source(session: AsyncSession, ctx: RequestContext, key: str,
                       body: SourcePatch) -> SourceOut:
    require_admin(ctx, "rename or retire lead sources")
    await ensure_defaults(session, ctx.tenant)
    row = await repository.get_source(session, ctx.tenant, key, lock=True)
    if row is None:
        raise NotFound(f"no lead source {key!r} in this tenant")
    name, stamp = body.name or row.name, retired_at(body.retired, row.retired_at)
    changed = [f for f, now, was in (("name", name, row.name),
                                     ("retired", stamp, row.retired_at)) if now != was]
    if not changed:
        return _source_out(row)
    row = await repository.update_source(session, ctx.tenant, key,
                                         {"name": name, "retired_at": stamp})
    await setup_changed(session, ctx.tenant)
    await events.stage(session, ctx.tenant, LeadSourceUpdatedV1(
        **_source_data(row), changed=changed), subject=key, version=row.version)
    return _source_out(row)


async def require_source(session: AsyncSession, ctx: RequestContext, key: str,
                         field: str = "body.source") -> None:
    """`key` is one of the tenant's sources and not retired (404, 409 otherwise)."""
    known, cache_key = cache.of(session), (ctx.tenant.value, key)
    if cache_key in known.sources:
        return
    generation = known.generation
    row = await repository.get_source(session, ctx.tenant, key)
    if row is None:
        keys = ", ".join(s.key for s in await repository.list_sources(
            session, ctx.tenant, include_retired=False))
        # A reference to something the tenant does not have is 404, as for any record the
        # caller cannot see; `fields` says which one.
        raise NotFound.on(field, f"{key!r} is not one of this tenant's lead sources: {keys}",
                          code="unknown_source")
    if row.retired_at is not None:
        raise refused(f"the lead source {key!r} is retired: it stays on older leads but is "
                      "not used for new ones; pick another (GET /api/v1/lead-sources)",
                      "source_retired", field)
    if not session.info.get(pipelines.WROTE_CATALOG) and known.may_store(generation):
        known.sources.add(cache_key)


# --- reasons ---------------------------------------------------------------------------

def _reason_out(r: Reason) -> ReasonOut:
    return ReasonOut(id=r.id, kind=r.kind, text=r.text, position=r.position,
                     retired=r.retired_at is not None)


def _reason_data(r: Reason) -> dict[str, Any]:
    return dict(id=r.id, kind=r.kind, text=r.text, retired=r.retired_at is not None,
                version=r.version)


async def list_reasons(session: AsyncSession, ctx: RequestContext, kind: str | None, *,
                       include_retired: bool = False) -> list[ReasonOut]:
    await ensure_defaults(session, ctx.tenant)
    rows = await repository.list_reasons(session, ctx.tenant, kind,
                                         include_retired=include_retired)
    return [_reason_out(r) for r in rows]


async def add_reason(session: AsyncSession, ctx: RequestContext, body: ReasonIn) -> ReasonOut:
    require_admin(ctx, "add lost or junk reasons")
    await ensure_defaults(session, ctx.tenant)
    # A random id: a renamed reason keeps its id, so its old text's id may be taken.
    rid = uuid.uuid4()
    pos = await repository.next_position(session, ctx.tenant, Reason)
    if not await repository.insert_reasons(session, ctx.tenant,
                                           [(rid, body.kind, body.text, pos)]):
        raise refused(f"that {body.kind} reason already exists", "already_exists",
                      "body.text")
    await events.stage(session, ctx.tenant, LeadReasonCreatedV1(
        id=rid, kind=body.kind, text=body.text, retired=False, version=1),
        subject=str(rid), version=1)
    return ReasonOut(id=rid, kind=body.kind, text=body.text, position=pos, retired=False)


async def patch_reason(session: AsyncSession, ctx: RequestContext, rid: uuid.UUID,
                       body: ReasonPatch) -> ReasonOut:
    require_admin(ctx, "rename or retire lost or junk reasons")
    await ensure_defaults(session, ctx.tenant)
    row = await repository.get_reason(session, ctx.tenant, rid, lock=True)
    if row is None:
        raise NotFound(f"no reason {rid} in this tenant")
    text = body.text or row.text
    if text != row.text and await repository.reason_by_text(session, ctx.tenant, row.kind,
                                                            text):
        raise refused(f"another {row.kind} reason already says that", "already_exists",
                      "body.text")
    stamp = retired_at(body.retired, row.retired_at)
    changed = [f for f, now, was in (("text", text, row.text),
                                     ("retired", stamp, row.retired_at)) if now != was]
    if not changed:
        return _reason_out(row)
    row = await repository.update_reason(session, ctx.tenant, rid,
                                         {"text": text, "retired_at": stamp})
    await events.stage(session, ctx.tenant, LeadReasonUpdatedV1(
        **_reason_data(row), changed=changed), subject=str(rid), version=row.version)
    return _reason_out(row)


async def require_reason_usable(session: AsyncSession, ctx: RequestContext, kind: str,
                                text: str) -> None:
    """A reason may be the tenant's or free text, but not a retired one's text (409)."""
    row = await repository.reason_by_text(session, ctx.tenant, kind, text)
    if row is not None and row.retired_at is not None:
        raise refused(f"the {kind} reason {text!r} is retired; pick another "
                      "(GET /api/v1/lead-reasons) or write your own", "reason_retired",
                      "body.reason")

"""All SQL about import and export jobs (tenant tables under RLS; the caller's own jobs)."""

from __future__ import annotations

import uuid
from typing import Any

import orjson
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncSession

from ..context import RequestContext
from .tables import EXPORTS, IMPORTS


async def insert_import(session: AsyncSession, ctx: RequestContext, values: dict[str, Any]
                        ) -> dict[str, Any]:
    row = (await session.execute(sa.insert(IMPORTS).values(
        tenant_id=ctx.tenant.value, created_by=ctx.user_id, **values,
    ).returning(*IMPORTS.c))).mappings().one()
    return dict(row)


async def get_import(session: AsyncSession, ctx: RequestContext, job_id: uuid.UUID, *,
                     entity: str, lock: bool = False) -> dict[str, Any] | None:
    """The caller's own job (another's is not found: jobs hold their maker's file)."""
    q = sa.select(IMPORTS).where(IMPORTS.c.tenant_id == ctx.tenant.value,
                                 IMPORTS.c.id == job_id, IMPORTS.c.entity == entity,
                                 IMPORTS.c.created_by == ctx.user_id)
    if lock:
        q = q.with_for_update()
    row = (await session.execute(q)).mappings().one_or_none()
    return None if row is None else dict(row)


async def update_import(session: AsyncSession, ctx: RequestContext, job_id: uuid.UUID,
                        **values: Any) -> None:
    await session.execute(sa.update(IMPORTS).where(
        IMPORTS.c.tenant_id == ctx.tenant.value, IMPORTS.c.id == job_id).values(**values))


async def add_counts(session: AsyncSession, ctx: RequestContext, job_id: uuid.UUID,
                     counts: dict[str, int]) -> None:
    c = IMPORTS.c
    await session.execute(sa.update(IMPORTS).where(
        c.tenant_id == ctx.tenant.value, c.id == job_id).values(
        heartbeat_at=sa.func.now(),
        **{k: getattr(c, k) + v for k, v in counts.items()}))


async def finish_import(session: AsyncSession, ctx: RequestContext, job_id: uuid.UUID, *,
                        status: str, error: str | None,
                        phases: dict[str, float] | None = None) -> None:
    """End a running job (a cancelled one stays cancelled); done: its total is the rows
    it went through (blank rows are not counted). `phases`: seconds per phase of the run,
    into its options."""
    c = IMPORTS.c
    await session.execute(sa.update(IMPORTS).where(
        c.tenant_id == ctx.tenant.value, c.id == job_id, c.status == "running").values(
        status=status, error=error, finished_at=sa.func.now(),
        options=c.options.op("||")(sa.func.jsonb_build_object("phases", sa.cast(
            sa.literal(orjson.dumps(phases or {}).decode()), JSONB))),
        total=c.done if status == "done" else c.total))


async def insert_export(session: AsyncSession, ctx: RequestContext, values: dict[str, Any]
                        ) -> dict[str, Any]:
    row = (await session.execute(sa.insert(EXPORTS).values(
        tenant_id=ctx.tenant.value, created_by=ctx.user_id, **values,
    ).returning(*EXPORTS.c))).mappings().one()
    return dict(row)


async def get_export(session: AsyncSession, ctx: RequestContext, job_id: uuid.UUID, *,
                     entity: str) -> dict[str, Any] | None:
    row = (await session.execute(sa.select(EXPORTS).where(
        EXPORTS.c.tenant_id == ctx.tenant.value, EXPORTS.c.id == job_id,
        EXPORTS.c.entity == entity, EXPORTS.c.created_by == ctx.user_id,
    ))).mappings().one_or_none()
    return None if row is None else dict(row)


async def update_export(session: AsyncSession, ctx: RequestContext, job_id: uuid.UUID,
                        **values: Any) -> None:
    await session.execute(sa.update(EXPORTS).where(
        EXPORTS.c.tenant_id == ctx.tenant.value, EXPORTS.c.id == job_id).values(**values))

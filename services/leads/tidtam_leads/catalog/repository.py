from __future__ import annotations

import uuid

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.context import TenantId
from crmkit.db import rows_affected

from .models import Reason, Source


async def insert_sources(session: AsyncSession, tenant: TenantId,
                         rows: list[tuple[str, str]], start: int = 0) -> int:
    """Insert (key, name) pairs, skipping keys that exist; returns how many were new."""
    stmt = insert(Source).values([
        dict(tenant_id=tenant.value, key=k, name=n, position=start + i)
        for i, (k, n) in enumerate(rows)
    ]).on_conflict_do_nothing()
    return await rows_affected(session, stmt)


async def insert_reasons(session: AsyncSession, tenant: TenantId,
                         rows: list[tuple[uuid.UUID, str, str, int]]) -> int:
    stmt = insert(Reason).values([
        dict(tenant_id=tenant.value, id=i, kind=k, text=t, position=p) for i, k, t, p in rows
    ]).on_conflict_do_nothing()
    return await rows_affected(session, stmt)


async def list_sources(session: AsyncSession, tenant: TenantId) -> list[Source]:
    return list((await session.execute(
        sa.select(Source).where(Source.tenant_id == tenant.value)
        .order_by(Source.position, Source.key)
    )).scalars())


async def source_exists(session: AsyncSession, tenant: TenantId, key: str) -> bool:
    return bool(await session.scalar(
        sa.select(sa.literal(1)).where(Source.tenant_id == tenant.value, Source.key == key)
    ))


async def next_position(session: AsyncSession, tenant: TenantId,
                        model: type[Source] | type[Reason]) -> int:
    return (await session.execute(
        sa.select(sa.func.coalesce(sa.func.max(model.position) + 1, 0))
        .where(model.tenant_id == tenant.value)
    )).scalar_one()


async def list_reasons(session: AsyncSession, tenant: TenantId, kind: str | None) -> list[Reason]:
    q = sa.select(Reason).where(Reason.tenant_id == tenant.value)
    if kind:
        q = q.where(Reason.kind == kind)
    return list((await session.execute(q.order_by(Reason.kind, Reason.position))).scalars())

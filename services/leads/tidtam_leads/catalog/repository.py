from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.context import TenantId
from crmkit.db import rows_affected

from .cache import CHANNEL
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


async def list_sources(session: AsyncSession, tenant: TenantId, *,
                       include_retired: bool = True) -> list[Source]:
    q = sa.select(Source).where(Source.tenant_id == tenant.value)
    if not include_retired:
        q = q.where(Source.retired_at.is_(None))
    return list((await session.execute(q.order_by(Source.position, Source.key))).scalars())


async def get_source(session: AsyncSession, tenant: TenantId, key: str, *,
                     lock: bool = False) -> Source | None:
    q = sa.select(Source).where(Source.tenant_id == tenant.value, Source.key == key)
    if lock:
        q = q.with_for_update()
    return (await session.execute(q)).scalar_one_or_none()


async def get_reason(session: AsyncSession, tenant: TenantId, rid: uuid.UUID, *,
                     lock: bool = False) -> Reason | None:
    q = sa.select(Reason).where(Reason.tenant_id == tenant.value, Reason.id == rid)
    if lock:
        q = q.with_for_update()
    return (await session.execute(q)).scalar_one_or_none()


async def reason_by_text(session: AsyncSession, tenant: TenantId, kind: str,
                         text: str) -> Reason | None:
    return (await session.execute(sa.select(Reason).where(
        Reason.tenant_id == tenant.value, Reason.kind == kind, Reason.text == text))
    ).scalar_one_or_none()


async def update_source(session: AsyncSession, tenant: TenantId, key: str,
                        values: dict[str, Any]) -> Source:
    return (await session.execute(
        sa.update(Source).where(Source.tenant_id == tenant.value, Source.key == key)
        .values(**values, version=Source.version + 1).returning(Source)
        .execution_options(populate_existing=True))).scalar_one()


async def update_reason(session: AsyncSession, tenant: TenantId, rid: uuid.UUID,
                        values: dict[str, Any]) -> Reason:
    return (await session.execute(
        sa.update(Reason).where(Reason.tenant_id == tenant.value, Reason.id == rid)
        .values(**values, version=Reason.version + 1).returning(Reason)
        .execution_options(populate_existing=True))).scalar_one()


async def next_position(session: AsyncSession, tenant: TenantId,
                        model: type[Source] | type[Reason]) -> int:
    return (await session.execute(
        sa.select(sa.func.coalesce(sa.func.max(model.position) + 1, 0))
        .where(model.tenant_id == tenant.value)
    )).scalar_one()


async def list_reasons(session: AsyncSession, tenant: TenantId, kind: str | None, *,
                       include_retired: bool = True) -> list[Reason]:
    q = sa.select(Reason).where(Reason.tenant_id == tenant.value)
    if kind:
        q = q.where(Reason.kind == kind)
    if not include_retired:
        q = q.where(Reason.retired_at.is_(None))
    return list((await session.execute(q.order_by(Reason.kind, Reason.position))).scalars())


async def notify_setup_changed(session: AsyncSession, tenant: TenantId) -> None:
    """Every leads process drops its cached set-up of the tenant when this commits
    (catalog/cache.py)."""
    await session.execute(sa.select(sa.func.pg_notify(CHANNEL, str(tenant.value))))

from __future__ import annotations

import uuid
from collections.abc import Collection
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.context import TenantId
from crmkit.db import rows_affected
from crmkit.paging import before

from .models import Product


async def create(session: AsyncSession, tenant: TenantId, values: dict[str, Any]) -> bool:
    """False when the SKU is taken in the tenant (any case)."""
    return await rows_affected(session, insert(Product).values(
        tenant_id=tenant.value, **values).on_conflict_do_nothing()) == 1


async def get(session: AsyncSession, tenant: TenantId, pid: uuid.UUID, *,
              lock: bool = False) -> Product | None:
    q = sa.select(Product).where(Product.tenant_id == tenant.value, Product.id == pid)
    if lock:
        q = q.with_for_update()
    return (await session.execute(q)).scalar_one_or_none()


async def get_many(session: AsyncSession, tenant: TenantId,
                   ids: Collection[uuid.UUID]) -> dict[uuid.UUID, Product]:
    if not ids:
        return {}
    rows = (await session.execute(sa.select(Product).where(
        Product.tenant_id == tenant.value, Product.id.in_(list(ids))))).scalars()
    return {p.id: p for p in rows}


async def sku_taken(session: AsyncSession, tenant: TenantId, sku: str, *,
                    other_than: uuid.UUID) -> bool:
    return bool(await session.scalar(sa.select(sa.literal(1)).where(
        Product.tenant_id == tenant.value, Product.id != other_than,
        sa.func.lower(Product.sku) == sku.lower())))


async def update(session: AsyncSession, tenant: TenantId, pid: uuid.UUID,
                 values: dict[str, Any]) -> Product:
    return (await session.execute(
        sa.update(Product).where(Product.tenant_id == tenant.value, Product.id == pid)
        .values(**values, version=Product.version + 1, updated_at=sa.func.now())
        .returning(Product).execution_options(populate_existing=True))).scalar_one()


async def page(session: AsyncSession, tenant: TenantId, *, pattern: str | None,
               active: bool | None, after: tuple[datetime, uuid.UUID] | None,
               limit: int) -> list[Product]:
    """Newest first. The catalogue of one tenant is small: the substring search walks it
    (under RLS no trigram index would be used anyway; README)."""
    q = sa.select(Product).where(Product.tenant_id == tenant.value,
                                 *before(Product.created_at, Product.id, after))
    if pattern is not None:
        q = q.where(sa.or_(sa.func.lower(Product.sku).like(pattern),
                           sa.func.lower(Product.name).like(pattern),
                           sa.func.lower(sa.func.coalesce(Product.name_en, "")).like(pattern)))
    if active is not None:
        q = q.where(Product.active.is_(active))
    q = q.order_by(Product.created_at.desc(), Product.id.desc()).limit(limit)
    return list((await session.execute(q)).scalars())

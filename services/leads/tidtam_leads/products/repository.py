"""All SQL about the products projection."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.context import TenantId

from .models import Product


async def upsert(session: AsyncSession, tenant: TenantId, values: dict[str, Any]) -> None:
    """Insert, or update unless the stored version is newer (events may come out of
    order)."""
    stmt = insert(Product).values(tenant_id=tenant.value, **values)
    await session.execute(stmt.on_conflict_do_update(
        index_elements=[Product.tenant_id, Product.id],
        set_={k: stmt.excluded[k] for k in values if k != "id"},
        where=Product.version < stmt.excluded.version))


async def known(session: AsyncSession, tenant: TenantId,
                ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Product]:
    if not ids:
        return {}
    q = sa.select(Product).where(Product.tenant_id == tenant.value, Product.id.in_(ids))
    return {p.id: p for p in (await session.execute(q)).scalars()}


async def by_code_or_name(session: AsyncSession, tenant: TenantId,
                          keys: Sequence[str]) -> list[Product]:
    """Products whose code, Thai name or English name is one of `keys` (case-folded by the
    caller: compared with lower())."""
    if not keys:
        return []
    q = sa.select(Product).where(Product.tenant_id == tenant.value, sa.or_(
        sa.func.lower(Product.sku).in_(keys), sa.func.lower(Product.name).in_(keys),
        sa.func.lower(Product.name_en).in_(keys)))
    return list((await session.execute(q)).scalars())

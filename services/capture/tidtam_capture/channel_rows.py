"""The SQL every channel's settings share (LINE, Facebook, email): one row per tenant, keyed
by `tenant_id`, whose `webhook_key` is made once and kept when the row is saved again."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.context import TenantId


async def put(session: AsyncSession, tenant: TenantId, model: Any, values: dict[str, Any]
              ) -> dict[str, Any]:
    stmt = insert(model).values(tenant_id=tenant.value, **values)
    stmt = stmt.on_conflict_do_update(
        index_elements=[model.tenant_id],
        set_={**{k: stmt.excluded[k] for k in values if k != "webhook_key"},
              "updated_at": sa.func.now()})
    row = (await session.execute(stmt.returning(*model.__table__.c))).mappings().one()
    return dict(row)


async def get(session: AsyncSession, tenant: TenantId, model: Any) -> dict[str, Any] | None:
    row = (await session.execute(sa.select(*model.__table__.c).where(
        model.tenant_id == tenant.value))).mappings().one_or_none()
    return dict(row) if row else None


async def delete(session: AsyncSession, tenant: TenantId, model: Any) -> bool:
    done = await session.execute(sa.delete(model).where(
        model.tenant_id == tenant.value).returning(model.tenant_id))
    return done.scalar_one_or_none() is not None


async def take(session: AsyncSession, tenant: TenantId, model: Any, column: str,
               value: str) -> bool:
    """True the first time `value` (a channel's delivery id) comes; False for a repeat."""
    done = await session.execute(
        insert(model).values(tenant_id=tenant.value, **{column: value})
        .on_conflict_do_nothing(index_elements=[model.tenant_id, getattr(model, column)])
        .returning(getattr(model, column)))
    return done.scalar_one_or_none() is not None

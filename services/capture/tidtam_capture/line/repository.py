"""All SQL about LINE channels and the webhook events taken."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.context import TenantId

from .models import LineChannel, LineEvent


async def put(session: AsyncSession, tenant: TenantId, values: dict[str, Any]
              ) -> dict[str, Any]:
    stmt = insert(LineChannel).values(tenant_id=tenant.value, **values)
    stmt = stmt.on_conflict_do_update(
        index_elements=[LineChannel.tenant_id],
        set_={**{k: stmt.excluded[k] for k in values if k != "webhook_key"},
              "updated_at": sa.func.now()})
    row = (await session.execute(stmt.returning(*LineChannel.__table__.c))).mappings().one()
    return dict(row)


async def get(session: AsyncSession, tenant: TenantId) -> dict[str, Any] | None:
    row = (await session.execute(sa.select(*LineChannel.__table__.c).where(
        LineChannel.tenant_id == tenant.value))).mappings().one_or_none()
    return dict(row) if row else None


async def delete(session: AsyncSession, tenant: TenantId) -> bool:
    done = await session.execute(sa.delete(LineChannel).where(
        LineChannel.tenant_id == tenant.value).returning(LineChannel.tenant_id))
    return done.scalar_one_or_none() is not None


async def take_event(session: AsyncSession, tenant: TenantId, webhook_event_id: str) -> bool:
    """True the first time this event comes; False for LINE's redelivery of it."""
    done = await session.execute(
        insert(LineEvent).values(tenant_id=tenant.value, webhook_event_id=webhook_event_id)
        .on_conflict_do_nothing(index_elements=[LineEvent.tenant_id,
                                                LineEvent.webhook_event_id])
        .returning(LineEvent.webhook_event_id))
    return done.scalar_one_or_none() is not None

"""All SQL about Facebook pages and the leadgen ids taken."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.context import TenantId

from .models import FacebookLead, FacebookPage


async def put(session: AsyncSession, tenant: TenantId, values: dict[str, Any]
              ) -> dict[str, Any]:
    stmt = insert(FacebookPage).values(tenant_id=tenant.value, **values)
    stmt = stmt.on_conflict_do_update(
        index_elements=[FacebookPage.tenant_id],
        set_={**{k: stmt.excluded[k] for k in values if k != "webhook_key"},
              "updated_at": sa.func.now()})
    row = (await session.execute(stmt.returning(*FacebookPage.__table__.c))).mappings().one()
    return dict(row)


async def get(session: AsyncSession, tenant: TenantId) -> dict[str, Any] | None:
    row = (await session.execute(sa.select(*FacebookPage.__table__.c).where(
        FacebookPage.tenant_id == tenant.value))).mappings().one_or_none()
    return dict(row) if row else None


async def delete(session: AsyncSession, tenant: TenantId) -> bool:
    done = await session.execute(sa.delete(FacebookPage).where(
        FacebookPage.tenant_id == tenant.value).returning(FacebookPage.tenant_id))
    return done.scalar_one_or_none() is not None


async def take_lead(session: AsyncSession, tenant: TenantId, leadgen_id: str) -> bool:
    """True the first time this leadgen id comes; False for Facebook's repeat of it."""
    done = await session.execute(
        insert(FacebookLead).values(tenant_id=tenant.value, leadgen_id=leadgen_id)
        .on_conflict_do_nothing(index_elements=[FacebookLead.tenant_id,
                                                FacebookLead.leadgen_id])
        .returning(FacebookLead.leadgen_id))
    return done.scalar_one_or_none() is not None

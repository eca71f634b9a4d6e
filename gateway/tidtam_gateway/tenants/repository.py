from __future__ import annotations

import uuid

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.context import TenantId
from crmkit.db import set_tenant

from ..config import Plan
from ..settings.models import TenantSettings
from .models import Tenant


async def bind_tenant(session: AsyncSession, tenant: TenantId) -> None:
    """Scope an operator's (tenant-less) session to one tenant from here on, the transaction
    under way included: a tenant creation with an Idempotency-Key has claimed the key (in
    the operator's scope) in it already, and records the answer there before it commits."""
    await set_tenant(session, tenant.value)


async def insert(session: AsyncSession, *, tenant_id: uuid.UUID, name: str, plan: str,
                 limit: int | None) -> Tenant:
    """A new tenant, its plan's contact limit announced with its creation."""
    tenant = Tenant(id=tenant_id, name=name, plan=plan, announced_limit=limit,
                    limit_announced=True)
    session.add(tenant)
    await session.flush()  # no ORM relationship orders these two inserts, so: one by one
    session.add(TenantSettings(tenant_id=tenant_id))
    await session.flush()
    await session.refresh(tenant)
    return tenant


async def get(session: AsyncSession, tenant_id: uuid.UUID, *, for_update: bool = False
              ) -> Tenant | None:
    q = sa.select(Tenant).where(Tenant.id == tenant_id)
    if for_update:
        q = q.with_for_update()
    return (await session.execute(q)).scalar()


async def set_plan(session: AsyncSession, tenant: Tenant, plan: Plan,
                   limit: int | None) -> Tenant:
    """A plan (or the same plan with another limit) to announce: a new version."""
    tenant.plan = plan
    tenant.announced_limit = limit
    tenant.limit_announced = True
    tenant.version = tenant.version + 1
    await session.flush()
    return tenant

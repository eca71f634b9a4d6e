"""The plan's contact quota: the tenant's plan and limit come from the gateway's tenant
events; every contact created takes one from a per-tenant counter, in the creating
transaction, by one conditional UPSERT whose row lock serialises concurrent creates (so
no overshoot); a deleted contact gives one back."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.context import TenantId
from crmkit.errors import Conflict

from ..config import settings
from .models import TenantPlan


async def apply_plan(session: AsyncSession, tenant: TenantId, plan: str,
                     contact_limit: int | None, sequence: int) -> None:
    stmt = insert(TenantPlan).values(tenant_id=tenant.value, plan=plan,
                                     contact_limit=contact_limit, contact_count=0,
                                     sequence=sequence)
    await session.execute(stmt.on_conflict_do_update(
        index_elements=[TenantPlan.tenant_id],
        set_={"plan": stmt.excluded.plan, "contact_limit": stmt.excluded.contact_limit,
              "sequence": stmt.excluded.sequence},
        where=TenantPlan.sequence <= stmt.excluded.sequence))


async def take(session: AsyncSession, tenant: TenantId, n: int = 1) -> None:
    """Count `n` new contacts, or 409 if the plan's limit would be passed."""
    defaults = settings()
    new = insert(TenantPlan).values(tenant_id=tenant.value, plan=defaults.default_plan,
                                    contact_limit=defaults.default_contact_limit,
                                    contact_count=n, sequence=0)
    stmt = new.on_conflict_do_update(
        index_elements=[TenantPlan.tenant_id],
        set_={"contact_count": TenantPlan.contact_count + n},
        where=sa.or_(TenantPlan.contact_limit.is_(None),
                     TenantPlan.contact_count + n <= TenantPlan.contact_limit),
    ).returning(TenantPlan.contact_count, TenantPlan.contact_limit)
    row = (await session.execute(stmt)).one_or_none()
    if row is not None and (row.contact_limit is None or row.contact_count <= row.contact_limit):
        return
    plan = (await session.execute(sa.select(TenantPlan.plan, TenantPlan.contact_limit).where(
        TenantPlan.tenant_id == tenant.value))).one()
    raise Conflict(
        f"the {plan.plan} plan allows {plan.contact_limit} contacts and this tenant has "
        "reached that limit; ask your administrator to move to a larger plan, or delete "
        "contacts no longer needed", code="contact_quota_exceeded")


async def release(session: AsyncSession, tenant: TenantId, n: int) -> None:
    if n:
        await session.execute(sa.update(TenantPlan).where(TenantPlan.tenant_id == tenant.value)
                              .values(contact_count=sa.func.greatest(
                                  TenantPlan.contact_count - n, 0)))

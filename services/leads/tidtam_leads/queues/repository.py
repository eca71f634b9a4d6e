"""All SQL about assignment queues."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.context import TenantId

from ..leads.models import Lead
from ..users.models import User
from .models import LeadQueue

_ORDER = (LeadQueue.position, LeadQueue.created_at, LeadQueue.id)


async def in_order(session: AsyncSession, tenant: TenantId, *,
                   active_only: bool = False) -> list[LeadQueue]:
    q = sa.select(LeadQueue).where(LeadQueue.tenant_id == tenant.value)
    if active_only:
        q = q.where(LeadQueue.active.is_(True))
    return list((await session.execute(q.order_by(*_ORDER))).scalars())


async def get(session: AsyncSession, tenant: TenantId, queue_id: uuid.UUID, *,
              lock: bool = False) -> LeadQueue | None:
    """With `lock`, held until the transaction ends: the one place that serialises the
    assignments of one queue (and its edits) across requests and processes."""
    q = sa.select(LeadQueue).where(LeadQueue.tenant_id == tenant.value,
                                   LeadQueue.id == queue_id)
    if lock:
        q = q.with_for_update().execution_options(populate_existing=True)
    return (await session.execute(q)).scalar_one_or_none()


async def name_taken(session: AsyncSession, tenant: TenantId, name: str,
                     exclude: uuid.UUID | None = None) -> bool:
    q = sa.select(LeadQueue.id).where(LeadQueue.tenant_id == tenant.value,
                                      sa.func.lower(LeadQueue.name) == name.lower())
    if exclude is not None:
        q = q.where(LeadQueue.id != exclude)
    return (await session.execute(q.limit(1))).first() is not None


async def count(session: AsyncSession, tenant: TenantId) -> int:
    return int((await session.execute(sa.select(sa.func.count()).where(
        LeadQueue.tenant_id == tenant.value))).scalar_one())


async def insert(session: AsyncSession, tenant: TenantId, values: dict[str, Any]) -> LeadQueue:
    """Appended after the tenant's last queue."""
    last = (sa.select(sa.func.coalesce(sa.func.max(LeadQueue.position) + 1, 0))
            .where(LeadQueue.tenant_id == tenant.value).scalar_subquery())
    result = await session.execute(sa.insert(LeadQueue).values(
        tenant_id=tenant.value, position=last, **values).returning(LeadQueue))
    return result.scalar_one()


async def update(session: AsyncSession, tenant: TenantId, queue_id: uuid.UUID,
                 values: dict[str, Any]) -> LeadQueue:
    result = await session.execute(
        sa.update(LeadQueue).where(LeadQueue.tenant_id == tenant.value,
                                   LeadQueue.id == queue_id)
        .values(**values, version=LeadQueue.version + 1, updated_at=sa.func.now())
        .returning(LeadQueue).execution_options(populate_existing=True))
    return result.scalar_one()


async def set_next(session: AsyncSession, tenant: TenantId, queue_id: uuid.UUID,
                   next_index: int) -> None:
    """The rotation moved on (not an edit: the version stays)."""
    await session.execute(sa.update(LeadQueue).where(
        LeadQueue.tenant_id == tenant.value, LeadQueue.id == queue_id)
        .values(next_index=next_index))


async def delete(session: AsyncSession, tenant: TenantId, queue_id: uuid.UUID) -> bool:
    result = await session.execute(sa.delete(LeadQueue).where(
        LeadQueue.tenant_id == tenant.value, LeadQueue.id == queue_id).returning(LeadQueue.id))
    return result.first() is not None


async def set_positions(session: AsyncSession, tenant: TenantId,
                        ids: Sequence[uuid.UUID]) -> None:
    positions = sa.func.array_position(sa.literal(list(ids), sa.ARRAY(sa.Uuid)), LeadQueue.id)
    await session.execute(sa.update(LeadQueue).where(LeadQueue.tenant_id == tenant.value)
                          .values(position=positions - 1))


async def lock_all(session: AsyncSession, tenant: TenantId) -> list[uuid.UUID]:
    """The tenant's queue ids, locked (a reorder against concurrent edits)."""
    q = (sa.select(LeadQueue.id).where(LeadQueue.tenant_id == tenant.value)
         .order_by(*_ORDER).with_for_update())
    return list((await session.execute(q)).scalars())


async def active_users(session: AsyncSession, tenant: TenantId,
                       ids: Sequence[uuid.UUID]) -> set[uuid.UUID]:
    """Those of `ids` that are active users (the users projection) now."""
    q = sa.select(User.id).where(User.tenant_id == tenant.value, User.id.in_(list(ids)),
                                 User.active.is_(True))
    return set((await session.execute(q)).scalars())


async def open_counts(session: AsyncSession, tenant: TenantId,
                      owners: Sequence[uuid.UUID]) -> dict[uuid.UUID, int]:
    """Open leads (Inbox, not converted) per owner: what `least_open` balances."""
    q = (sa.select(Lead.owner_id, sa.func.count())
         .where(Lead.tenant_id == tenant.value, Lead.owner_id.in_(list(owners)),
                Lead.status == "inbox",
                Lead.conversion_status.is_distinct_from("converted"))
         .group_by(Lead.owner_id))
    return {owner: int(n) for owner, n in (await session.execute(q)).tuples()}

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.context import TenantId, VisibilityScope

from .models import AccountCopy, DealCopy, LeadCopy


async def upsert(session: AsyncSession,
                 model: type[LeadCopy] | type[AccountCopy] | type[DealCopy],
                 tenant: TenantId, values: dict[str, Any]) -> None:
    """The newest event wins: an older one delivered late changes nothing."""
    stmt = insert(model).values(tenant_id=tenant.value, **values)
    stmt = stmt.on_conflict_do_update(
        index_elements=[model.tenant_id, model.id],
        set_={k: stmt.excluded[k] for k in values if k != "id"},
        where=model.sequence <= stmt.excluded.sequence)
    await session.execute(stmt)


def lead_readable(scope: VisibilityScope) -> sa.ColumnElement[bool]:
    """The leads a caller may read: the scope's owners, plus (read-only) those they sent on."""
    if scope.owner_ids is None:
        return sa.true()
    cond: sa.ColumnElement[bool] = LeadCopy.owner_id.in_(list(scope.owner_ids))
    if scope.sender_id is not None:
        cond = sa.or_(cond, sa.literal(scope.sender_id, sa.Uuid) == sa.func.any(
            LeadCopy.sent_by))
    return cond


def account_readable(scope: VisibilityScope) -> sa.ColumnElement[bool]:
    if scope.owner_ids is None:
        return AccountCopy.deleted.is_(False)
    return sa.and_(AccountCopy.deleted.is_(False),
                   AccountCopy.owner_id.in_(list(scope.owner_ids)))


async def lead(session: AsyncSession, tenant: TenantId, lead_id: uuid.UUID,
               scope: VisibilityScope) -> LeadCopy | None:
    found: LeadCopy | None = (await session.execute(sa.select(LeadCopy).where(
        LeadCopy.tenant_id == tenant.value, LeadCopy.id == lead_id,
        lead_readable(scope)))).scalar_one_or_none()
    return found


async def account(session: AsyncSession, tenant: TenantId, account_id: uuid.UUID,
                  scope: VisibilityScope) -> AccountCopy | None:
    found: AccountCopy | None = (await session.execute(sa.select(AccountCopy).where(
        AccountCopy.tenant_id == tenant.value, AccountCopy.id == account_id,
        account_readable(scope)))).scalar_one_or_none()
    return found


async def deal(session: AsyncSession, tenant: TenantId, deal_id: uuid.UUID,
               scope: VisibilityScope) -> DealCopy | None:
    """The deal if the caller sees it (deals follow the leads' visibility, by owner)."""
    q = sa.select(DealCopy).where(DealCopy.tenant_id == tenant.value, DealCopy.id == deal_id)
    if scope.owner_ids is not None:
        q = q.where(DealCopy.owner_id.in_(list(scope.owner_ids)))
    found: DealCopy | None = (await session.execute(q)).scalar_one_or_none()
    return found

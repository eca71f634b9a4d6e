from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.context import RequestContext, TenantId
from crmkit.paging import before

from ..parties.models import AccountCopy, LeadCopy
from ..parties.repository import account_readable, lead_readable
from .models import Quote

Visible = tuple[Quote, LeadCopy | None, AccountCopy | None]


def _joined() -> sa.Select[Quote, LeadCopy, AccountCopy]:
    return (sa.select(Quote, LeadCopy, AccountCopy)
            .outerjoin(LeadCopy, sa.and_(LeadCopy.tenant_id == Quote.tenant_id,
                                         LeadCopy.id == Quote.lead_id))
            .outerjoin(AccountCopy, sa.and_(AccountCopy.tenant_id == Quote.tenant_id,
                                            AccountCopy.id == Quote.account_id)))


def readable(ctx: RequestContext) -> sa.ColumnElement[bool]:
    """A quote follows its lead's visibility, or its account's."""
    return sa.or_(sa.and_(Quote.lead_id.is_not(None), LeadCopy.id.is_not(None),
                          lead_readable(ctx.lead_scope)),
                  sa.and_(Quote.lead_id.is_(None), AccountCopy.id.is_not(None),
                          account_readable(ctx.account_scope)))


async def insert(session: AsyncSession, tenant: TenantId, values: dict[str, Any]) -> Quote:
    return (await session.execute(sa.insert(Quote).values(tenant_id=tenant.value, **values)
                                  .returning(Quote))).scalar_one()


async def get(session: AsyncSession, ctx: RequestContext, qid: uuid.UUID, *,
              lock: bool = False) -> Visible | None:
    q = _joined().where(Quote.tenant_id == ctx.tenant.value, Quote.id == qid, readable(ctx))
    if lock:
        q = q.with_for_update(of=Quote)
    row = (await session.execute(q)).one_or_none()
    if row is None:
        return None
    quote, lead, account = row.tuple()
    return quote, lead, account


async def update(session: AsyncSession, tenant: TenantId, qid: uuid.UUID,
                 values: dict[str, Any]) -> Quote:
    return (await session.execute(
        sa.update(Quote).where(Quote.tenant_id == tenant.value, Quote.id == qid)
        .values(**values, version=Quote.version + 1, updated_at=sa.func.now())
        .returning(Quote).execution_options(populate_existing=True))).scalar_one()


async def page(session: AsyncSession, ctx: RequestContext, *, lead_id: uuid.UUID | None,
               account_id: uuid.UUID | None, status: str | None,
               after: tuple[datetime, uuid.UUID] | None, limit: int,
               deal_id: uuid.UUID | None = None) -> list[Quote]:
    q = _joined().where(Quote.tenant_id == ctx.tenant.value, readable(ctx),
                        *before(Quote.created_at, Quote.id, after))
    if lead_id is not None:
        q = q.where(Quote.lead_id == lead_id)
    if deal_id is not None:
        q = q.where(Quote.deal_id == deal_id)
    if account_id is not None:
        # The account's own quotes and those of its leads.
        q = q.where(sa.or_(Quote.account_id == account_id, LeadCopy.account_id == account_id))
    if status == "expired":
        q = q.where(Quote.status == "sent", Quote.valid_until < sa.func.current_date())
    elif status == "sent":
        q = q.where(Quote.status == "sent", sa.or_(Quote.valid_until.is_(None),
                                                   Quote.valid_until >= sa.func.current_date()))
    elif status is not None:
        q = q.where(Quote.status == status)
    q = q.order_by(Quote.created_at.desc(), Quote.id.desc()).limit(limit)
    return [row[0] for row in (await session.execute(q)).all()]


async def move_account(session: AsyncSession, tenant: TenantId, *, from_id: uuid.UUID,
                       to_id: uuid.UUID) -> None:
    """account.merged: the merged-away account's quotes go to the survivor."""
    await session.execute(sa.update(Quote).where(
        Quote.tenant_id == tenant.value, Quote.account_id == from_id).values(account_id=to_id))

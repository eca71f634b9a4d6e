"""All SQL about check-ins, visibility applied from the caller's context: one at an
account follows the account's rule, any other is its user's, their managers' and the
admins'."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, TypedDict

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.context import RequestContext, TenantId
from crmkit.db import row_as, rows_as
from crmkit.paging import before

from ..records.models import AccountRecord
from ..visibility import account_visible, personal
from .models import Checkin

COLUMNS = [c for c in Checkin.__table__.c if c.name != "tenant_id"]


class CheckinRow(TypedDict):
    id: uuid.UUID
    user_id: uuid.UUID
    account_id: uuid.UUID | None
    activity_id: uuid.UUID | None
    place_name: str | None
    place_lat: float
    place_lon: float
    lat: float
    lon: float
    accuracy_m: float
    taken_at: datetime
    distance_m: float
    note: str | None
    created_at: datetime


class AccountPlaceRow(TypedDict):
    lat: float | None
    lon: float | None


def visible(ctx: RequestContext) -> sa.ColumnElement[bool]:
    return sa.or_(sa.and_(Checkin.account_id.is_not(None),
                          account_visible(ctx, Checkin.account_id)),
                  sa.and_(Checkin.account_id.is_(None), personal(ctx, Checkin.user_id)))


async def insert(session: AsyncSession, tenant: TenantId, values: dict[str, Any]) -> CheckinRow:
    return row_as(CheckinRow, (await session.execute(
        sa.insert(Checkin).values(tenant_id=tenant.value, **values).returning(*COLUMNS)
    )).mappings().one())


async def account_place(session: AsyncSession, ctx: RequestContext,
                        account_id: uuid.UUID) -> AccountPlaceRow | None:
    """The account's location, if the caller can see the account."""
    row = (await session.execute(sa.select(AccountRecord.lat, AccountRecord.lon).where(
        AccountRecord.tenant_id == ctx.tenant.value, AccountRecord.id == account_id,
        account_visible(ctx, account_id)))).mappings().one_or_none()
    return None if row is None else row_as(AccountPlaceRow, row)


async def get(session: AsyncSession, ctx: RequestContext,
              checkin_id: uuid.UUID) -> CheckinRow | None:
    row = (await session.execute(sa.select(*COLUMNS).where(
        Checkin.tenant_id == ctx.tenant.value, Checkin.id == checkin_id, visible(ctx))
    )).mappings().one_or_none()
    return None if row is None else row_as(CheckinRow, row)


async def page(session: AsyncSession, ctx: RequestContext, *, limit: int,
               after: tuple[datetime, uuid.UUID] | None, user_id: uuid.UUID | None,
               account_id: uuid.UUID | None) -> list[CheckinRow]:
    """Newest first."""
    where = [Checkin.tenant_id == ctx.tenant.value, visible(ctx),
             *before(Checkin.created_at, Checkin.id, after)]
    if user_id is not None:
        where.append(Checkin.user_id == user_id)
    if account_id is not None:
        where.append(Checkin.account_id == account_id)
    return rows_as(CheckinRow, await session.execute(
        sa.select(*COLUMNS).where(*where)
        .order_by(Checkin.created_at.desc(), Checkin.id.desc()).limit(limit)))

"""All SQL of the calendar: a user's activities, their leads' planned next contacts, and
the yearly dates of accounts and contacts, each under the visibility given."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import TypedDict

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.context import TenantId
from crmkit.db import rows_as

from ..activities.models import Activity
from ..activities.repository import COLUMNS, ActivityRow
from ..records.models import AccountRecord, AnniversaryRecord, LeadRecord


class ContactRow(TypedDict):
    id: uuid.UUID
    name: str
    owner_id: uuid.UUID
    next_contact_at: datetime


class DateRow(TypedDict):
    source_id: uuid.UUID
    position: int
    account_id: uuid.UUID
    contact_id: uuid.UUID | None
    kind: str
    date: date
    name: str
    note: str | None


async def activities(session: AsyncSession, tenant: TenantId, user_id: uuid.UUID,
                     start: datetime, end: datetime,
                     visible: sa.ColumnElement[bool]) -> list[ActivityRow]:
    return rows_as(ActivityRow, await session.execute(
        sa.select(*COLUMNS).where(Activity.tenant_id == tenant.value,
                                  Activity.owner_id == user_id, Activity.at >= start,
                                  Activity.at < end, Activity.status != "cancelled", visible)
        .order_by(Activity.at, Activity.id)))


async def next_contacts(session: AsyncSession, tenant: TenantId, user_id: uuid.UUID,
                        start: datetime, end: datetime,
                        visible: sa.ColumnElement[bool]) -> list[ContactRow]:
    return rows_as(ContactRow, await session.execute(
        sa.select(LeadRecord.id, LeadRecord.name, LeadRecord.owner_id,
                  LeadRecord.next_contact_at)
        .where(LeadRecord.tenant_id == tenant.value, LeadRecord.owner_id == user_id,
               LeadRecord.next_contact_at >= start, LeadRecord.next_contact_at < end, visible)
        .order_by(LeadRecord.next_contact_at, LeadRecord.id)))


async def yearly_dates(session: AsyncSession, tenant: TenantId, months: list[int],
                       visible: sa.ColumnElement[bool]) -> list[DateRow]:
    """Yearly dates in these months of live accounts (and their contacts) for which
    `visible` (over AccountRecord) holds."""
    return rows_as(DateRow, await session.execute(
        sa.select(AnniversaryRecord.source_id, AnniversaryRecord.position,
                  AnniversaryRecord.account_id, AnniversaryRecord.contact_id,
                  AnniversaryRecord.kind, AnniversaryRecord.date, AnniversaryRecord.name,
                  AnniversaryRecord.note)
        .join(AccountRecord, sa.and_(AccountRecord.tenant_id == AnniversaryRecord.tenant_id,
                                     AccountRecord.id == AnniversaryRecord.account_id))
        .where(AnniversaryRecord.tenant_id == tenant.value,
               AnniversaryRecord.month.in_(months), AccountRecord.deleted.is_(False), visible)))

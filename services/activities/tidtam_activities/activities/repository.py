"""All SQL about activities and their reminder schedule. Visibility is applied here, in
SQL, from the caller's context (visibility.py)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, TypedDict

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.context import RequestContext, TenantId
from crmkit.db import row_as, rows_as

from ..records.models import ContactRecord
from ..visibility import account_visible, lead_visible, linked_visible, personal
from .models import Activity, Reminder

COLUMNS = [c for c in Activity.__table__.c if c.name != "tenant_id"]


class ActivityRow(TypedDict):
    id: uuid.UUID
    kind: str
    subject: str
    note: str | None
    lead_id: uuid.UUID | None
    account_id: uuid.UUID | None
    contact_id: uuid.UUID | None
    owner_id: uuid.UUID
    starts_at: datetime | None
    ends_at: datetime | None
    due_at: datetime | None
    all_day: bool
    place: dict[str, Any] | None
    reminders: list[int]
    status: str
    result: str | None
    created_by: uuid.UUID
    version: int
    created_at: datetime
    updated_at: datetime
    at: datetime


def visible(ctx: RequestContext, *, write: bool = False) -> sa.ColumnElement[bool]:
    return linked_visible(ctx, lead_id=Activity.lead_id, account_id=Activity.account_id,
                          owner=Activity.owner_id, write=write)


async def insert_activity(session: AsyncSession, tenant: TenantId,
                          values: dict[str, Any]) -> ActivityRow:
    return row_as(ActivityRow, (await session.execute(
        sa.insert(Activity).values(tenant_id=tenant.value, **values).returning(*COLUMNS)
    )).mappings().one())


async def get(session: AsyncSession, ctx: RequestContext, activity_id: uuid.UUID, *,
              write: bool = False) -> ActivityRow | None:
    q = sa.select(*COLUMNS).where(Activity.tenant_id == ctx.tenant.value,
                                  Activity.id == activity_id, visible(ctx))
    if write:
        q = q.with_for_update(of=Activity)
    row = (await session.execute(q)).mappings().one_or_none()
    return None if row is None else row_as(ActivityRow, row)


async def writable(session: AsyncSession, ctx: RequestContext, activity_id: uuid.UUID) -> bool:
    """Seen, and not only as a lead the caller sent on (read-only)."""
    return bool((await session.execute(sa.select(sa.exists().where(
        Activity.tenant_id == ctx.tenant.value, Activity.id == activity_id,
        visible(ctx, write=True))))).scalar())


async def update(session: AsyncSession, tenant: TenantId, activity_id: uuid.UUID,
                 values: dict[str, Any]) -> ActivityRow:
    """Apply a change and bump the aggregate's version (the events' `sequence`)."""
    return row_as(ActivityRow, (await session.execute(
        sa.update(Activity).where(Activity.tenant_id == tenant.value, Activity.id == activity_id)
        .values(**values, version=Activity.version + 1, updated_at=sa.func.now())
        .returning(*COLUMNS)
    )).mappings().one())


async def page(session: AsyncSession, ctx: RequestContext, *, limit: int,
               after: tuple[datetime, uuid.UUID] | None, start: datetime | None,
               end: datetime | None, owner_id: uuid.UUID | None, lead_id: uuid.UUID | None,
               account_id: uuid.UUID | None, status: str | None, kind: str | None,
               overdue: bool | None) -> list[ActivityRow]:
    """Oldest first on (at, id), from the keyset position `after`."""
    where: list[sa.ColumnElement[bool]] = [Activity.tenant_id == ctx.tenant.value, visible(ctx)]
    if after is not None:
        where.append(sa.tuple_(Activity.at, Activity.id) > sa.tuple_(
            sa.literal(after[0], sa.DateTime(timezone=True)), sa.literal(after[1], sa.Uuid)))
    if start is not None:
        where.append(Activity.at >= start)
    if end is not None:
        where.append(Activity.at < end)
    for column, value in ((Activity.owner_id, owner_id), (Activity.lead_id, lead_id),
                          (Activity.account_id, account_id), (Activity.status, status),
                          (Activity.kind, kind)):
        if value is not None:
            where.append(column == value)
    if overdue is not None:
        where.append(is_overdue() if overdue else sa.not_(is_overdue()))
    q = sa.select(*COLUMNS).where(*where).order_by(Activity.at, Activity.id).limit(limit)
    return rows_as(ActivityRow, await session.execute(q))


def is_overdue() -> sa.ColumnElement[bool]:
    return sa.and_(Activity.status == "planned",
                   sa.func.coalesce(Activity.ends_at, Activity.due_at) < sa.func.now())


async def lead_seen(session: AsyncSession, ctx: RequestContext, lead_id: uuid.UUID, *,
                    write: bool) -> bool:
    return bool((await session.execute(sa.select(lead_visible(ctx, lead_id, write=write))))
                .scalar())


async def account_seen(session: AsyncSession, ctx: RequestContext,
                       account_id: uuid.UUID) -> bool:
    return bool((await session.execute(sa.select(account_visible(ctx, account_id)))).scalar())


async def contact_of(session: AsyncSession, tenant: TenantId, *, contact_id: uuid.UUID,
                     account_id: uuid.UUID | None) -> bool:
    """The contact is a live one of `account_id` (as the contact events told)."""
    return bool((await session.execute(sa.select(sa.exists().where(
        ContactRecord.tenant_id == tenant.value, ContactRecord.id == contact_id,
        ContactRecord.account_id == account_id, ContactRecord.deleted.is_(False))))).scalar())


async def may_assign(session: AsyncSession, ctx: RequestContext, owner_id: uuid.UUID) -> bool:
    return bool((await session.execute(sa.select(personal(ctx, sa.literal(owner_id, sa.Uuid)))))
                .scalar())


async def schedule(session: AsyncSession, tenant: TenantId, activity_id: uuid.UUID,
                   fire_times: dict[int, datetime]) -> None:
    """The activity's reminders become exactly `fire_times` (minutes → when): the others
    are dropped; a moved one fires at its new time (again, if it had fired)."""
    await session.execute(sa.delete(Reminder).where(
        Reminder.tenant_id == tenant.value, Reminder.activity_id == activity_id,
        Reminder.minutes.not_in(list(fire_times)) if fire_times else sa.true()))
    if not fire_times:
        return
    stmt = insert(Reminder).values([
        dict(tenant_id=tenant.value, activity_id=activity_id, minutes=m, fire_at=at)
        for m, at in fire_times.items()])
    await session.execute(stmt.on_conflict_do_update(
        index_elements=[Reminder.tenant_id, Reminder.activity_id, Reminder.minutes],
        set_=dict(fire_at=stmt.excluded.fire_at, fired_at=None, late=None),
        where=Reminder.fire_at != stmt.excluded.fire_at))

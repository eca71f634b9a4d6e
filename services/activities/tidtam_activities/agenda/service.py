"""The daily agenda: at the tenant's agenda time (local), one `agenda.daily` per user with
that day's planned activities and planned contacts. A tenant's day is recorded in
`agenda_runs` in the transaction that stages its events: sent once, also by several
workers, and still sent (later) when the service was down at that hour."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from crmkit import outbox
from crmkit.context import TenantId, tenant_from_event
from crmkit.db import tenant_session
from tidtam_contracts.activities import AgendaDailyV1, AgendaItem

from ..activities.models import Activity
from ..calendar.service import Seen, items
from ..contracts import EVENTS
from ..records.models import AccountRecord
from ..users.models import User
from .models import AgendaRun


def due(now: datetime, zone: ZoneInfo, at: time) -> date | None:
    """The local day whose agenda is due at `now` (its agenda time has come), else None."""
    local = now.astimezone(zone)
    return local.date() if local.time() >= at else None


async def run_due(maker: async_sessionmaker[AsyncSession], now: datetime) -> int:
    """Send every tenant's agenda that is due and not sent yet; how many users got one."""
    async with maker() as session:
        tenants = (await session.execute(sa.text(
            "SELECT tenant_id, time_zone, agenda_time FROM agenda_tenants()"))).all()
    sent = 0
    for tenant_id, zone_name, at in tenants:
        zone = ZoneInfo(zone_name)
        day = due(now, zone, at)
        if day is not None:
            sent += await send(maker, tenant_from_event(str(tenant_id)), day, zone)
    return sent


async def send(maker: async_sessionmaker[AsyncSession], tenant: TenantId, day: date,
               zone: ZoneInfo) -> int:
    async with tenant_session(maker, tenant) as session, session.begin():
        claimed = (await session.execute(insert(AgendaRun).values(
            tenant_id=tenant.value, day=day, users=0).on_conflict_do_nothing()
            .returning(AgendaRun.day))).scalar_one_or_none()
        if claimed is None:  # sent already (or by another worker right now)
            return 0
        people = (await session.execute(sa.select(User.id).where(
            User.tenant_id == tenant.value, User.active.is_(True)).order_by(User.id))
        ).scalars().all()
        events = []
        for user_id in people:
            agenda = await _items(session, tenant, user_id, day, zone)
            if agenda:
                data = AgendaDailyV1(user_id=user_id, day=day, time_zone=str(zone),
                                     items=agenda)
                events.append(EVENTS.event(data, tenant_id=tenant.value,
                                           subject=f"{user_id}:{day.isoformat()}"))
        await outbox.stage_many(session, events)
        await session.execute(sa.update(AgendaRun).where(
            AgendaRun.tenant_id == tenant.value, AgendaRun.day == day).values(
            users=len(events)))
        return len(events)


async def _items(session: AsyncSession, tenant: TenantId, user_id: uuid.UUID, day: date,
                 zone: ZoneInfo) -> list[AgendaItem]:
    own = Seen(activities=sa.and_(Activity.owner_id == user_id, Activity.status == "planned"),
               leads=sa.true(), accounts=AccountRecord.owner_id == user_id)
    found = await items(session, tenant, user_id, day, day, zone, own)
    return [AgendaItem(type=i["type"], title=i["title"], starts_at=i["starts_at"],
                       ends_at=i["ends_at"], all_day=i["all_day"],
                       activity_id=i["activity"]["id"] if i["activity"] else None,
                       kind=i["activity"]["kind"] if i["activity"] else None,
                       lead_id=i["lead_id"], account_id=i["account_id"])
            for i in found if i["type"] in ("activity", "next_contact")]

"""A user's calendar: their activities, the planned next contacts of their leads (a
follow-up's `next_contact_at`, a call until the next follow-up), and the yearly dates of
accounts and contacts; days in the tenant's time zone. The same items make the ICS feed."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import cast
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.context import TenantId
from tidtam_contracts.activities import ActivityKind, ActivityStatus

from . import repository
from .days import day_bounds, local_day, months_between, occurrences
from .schemas import ActivityBrief, AnniversaryOut, CalendarItem


@dataclass(frozen=True)
class Seen:
    """What of the tenant's records the calendar may show (SQL conditions over Activity,
    LeadRecord and AccountRecord)."""

    activities: sa.ColumnElement[bool]
    leads: sa.ColumnElement[bool]
    accounts: sa.ColumnElement[bool]


async def items(session: AsyncSession, tenant: TenantId, user_id: uuid.UUID, first: date,
                last: date, zone: ZoneInfo, seen: Seen) -> list[CalendarItem]:
    start, end = day_bounds(first, last, zone)
    now = datetime.now(UTC)
    found: list[CalendarItem] = []
    for row in await repository.activities(session, tenant, user_id, start, end,
                                           seen.activities):
        end_at = row["ends_at"] or row["due_at"]
        item = CalendarItem.model_construct(
            type="activity", uid=f"activity-{row['id']}@tidtam", day=local_day(row["at"], zone),
            starts_at=row["starts_at"] or row["due_at"] or row["at"], ends_at=row["ends_at"],
            all_day=row["all_day"], title=row["subject"], owner_id=row["owner_id"],
            lead_id=row["lead_id"], account_id=row["account_id"], contact_id=row["contact_id"],
            anniversary=None, activity=ActivityBrief.model_construct(
                id=row["id"], kind=cast(ActivityKind, row["kind"]),
                status=cast(ActivityStatus, row["status"]), version=row["version"],
                overdue=row["status"] == "planned" and end_at is not None and end_at < now))
        item._row = dict(row)
        found.append(item)
    for lead in await repository.next_contacts(session, tenant, user_id, start, end,
                                               seen.leads):
        found.append(CalendarItem(
            type="next_contact", uid=f"next-contact-{lead['id']}@tidtam",
            day=local_day(lead["next_contact_at"], zone), starts_at=lead["next_contact_at"],
            ends_at=None, all_day=False, title=lead["name"], owner_id=lead["owner_id"],
            lead_id=lead["id"]))
    for d in await repository.yearly_dates(session, tenant, months_between(first, last),
                                           seen.accounts):
        for day in occurrences(d["date"], first, last):
            found.append(CalendarItem(
                type="anniversary", uid=f"anniversary-{d['source_id']}-{d['position']}-"
                                        f"{day.year}@tidtam",
                day=day, starts_at=None, ends_at=None, all_day=True, title=d["name"],
                owner_id=None, account_id=d["account_id"], contact_id=d["contact_id"],
                anniversary=AnniversaryOut(kind=d["kind"],  # type: ignore[arg-type]
                                           date=d["date"], years=day.year - d["date"].year,
                                           note=d["note"])))
    found.sort(key=lambda i: (i.day, not i.all_day, i.starts_at or start, i.uid))
    return found

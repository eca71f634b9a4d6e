"""A user's calendar: their activities, the planned next contacts of their leads (a
follow-up's `next_contact_at`, a call until the next follow-up), and the yearly dates of
accounts and contacts; days in the tenant's time zone. The same items make the ICS feed
and the daily agenda.

Items are plain dicts in the shape of schemas.CalendarItem (a month may hold thousands:
building and dumping models for each took most of the answer's time), with the activity's
row under `row` for the feed and the agenda (`without_row` leaves it out)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.context import TenantId

from . import repository
from .days import day_bounds, months_between, occurrences

Item = dict[str, Any]


@dataclass(frozen=True)
class Seen:
    """What of the tenant's records the calendar may show (SQL conditions over Activity,
    LeadRecord and AccountRecord)."""

    activities: sa.ColumnElement[bool]
    leads: sa.ColumnElement[bool]
    accounts: sa.ColumnElement[bool]


def _item(type_: str, uid: str, day: date, title: str, *, starts_at: datetime | None = None,
          ends_at: datetime | None = None, all_day: bool = False,
          owner_id: uuid.UUID | None = None, lead_id: uuid.UUID | None = None,
          account_id: uuid.UUID | None = None, contact_id: uuid.UUID | None = None,
          activity: dict[str, Any] | None = None,
          anniversary: dict[str, Any] | None = None) -> Item:
    return {"type": type_, "uid": uid, "day": day, "starts_at": starts_at, "ends_at": ends_at,
            "all_day": all_day, "title": title, "owner_id": owner_id, "lead_id": lead_id,
            "account_id": account_id, "contact_id": contact_id, "activity": activity,
            "anniversary": anniversary}


def without_row(item: Item) -> Item:
    return {k: v for k, v in item.items() if k != "row"}


async def items(session: AsyncSession, tenant: TenantId, user_id: uuid.UUID, first: date,
                last: date, zone: ZoneInfo, seen: Seen) -> list[Item]:
    start, end = day_bounds(first, last, zone)
    now = datetime.now(UTC)
    found: list[Item] = []
    for row in await repository.activities(session, tenant, user_id, start, end,
                                           seen.activities):
        end_at = row["ends_at"] or row["due_at"]
        item = _item(
            "activity", f"activity-{row['id']}@tidtam", row["at"].astimezone(zone).date(),
            row["subject"], starts_at=row["starts_at"] or row["due_at"] or row["at"],
            ends_at=row["ends_at"], all_day=row["all_day"], owner_id=row["owner_id"],
            lead_id=row["lead_id"], account_id=row["account_id"], contact_id=row["contact_id"],
            activity={"id": row["id"], "kind": row["kind"], "status": row["status"],
                      "version": row["version"],
                      "overdue": row["status"] == "planned" and end_at is not None
                      and end_at < now})
        item["row"] = row
        found.append(item)
    for lead in await repository.next_contacts(session, tenant, user_id, start, end,
                                               seen.leads):
        found.append(_item("next_contact", f"next-contact-{lead['id']}@tidtam",
                           lead["next_contact_at"].astimezone(zone).date(), lead["name"],
                           starts_at=lead["next_contact_at"], owner_id=lead["owner_id"],
                           lead_id=lead["id"]))
    for d in await repository.yearly_dates(session, tenant, months_between(first, last),
                                           seen.accounts):
        for day in occurrences(d["date"], first, last):
            found.append(_item(
                "anniversary", f"anniversary-{d['source_id']}-{d['position']}-{day.year}@tidtam",
                day, d["name"], all_day=True, account_id=d["account_id"],
                contact_id=d["contact_id"],
                anniversary={"kind": d["kind"], "date": d["date"],
                             "years": day.year - d["date"].year, "note": d["note"]}))
    found.sort(key=lambda i: (i["day"], not i["all_day"], i["starts_at"] or start, i["uid"]))
    return found

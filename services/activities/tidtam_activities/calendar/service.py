"""A user's calendar: their activities, the planned next contacts of their leads (a
follow-up's `next_contact_at`, a call until the next follow-up), and the yearly dates of
accounts and contacts; days in the tenant's time zone. The same items make the ICS feed
and the daily agenda.

The items come from one query as the JSON array GET /calendar answers with (schemas.
CalendarItem; see repository.py): the endpoint passes it on as it is, and `items` reads it
for the feed and the agenda, each activity with its `row` (what the feed adds)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import orjson
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.context import TenantId

from . import repository
from .days import day_bounds, months_between

Item = dict[str, Any]


@dataclass(frozen=True)
class Seen:
    """What of the tenant's records the calendar may show (SQL conditions over Activity,
    LeadRecord and AccountRecord)."""

    activities: sa.ColumnElement[bool]
    leads: sa.ColumnElement[bool]
    accounts: sa.ColumnElement[bool]


async def items_json(session: AsyncSession, tenant: TenantId, user_id: uuid.UUID, first: date,
                     last: date, zone: ZoneInfo, seen: Seen, *, full: bool = False) -> bytes:
    """The items from `first` to `last` (local days in `zone`) as a JSON array, in order."""
    start, end = day_bounds(first, last, zone)
    return await repository.items_json(
        session, tenant, user_id, first=first, last=last, start=start, end=end, zone=str(zone),
        months=months_between(first, last), activities=seen.activities, leads=seen.leads,
        accounts=seen.accounts, full=full)


async def month_json(session: AsyncSession, tenant: TenantId, user_id: uuid.UUID,
                     first: date, last: date, zone: ZoneInfo, seen: Seen,
                     per_day: int) -> tuple[bytes, bytes]:
    """The month mode: the first `per_day` items of each day, and each day's counts."""
    start, end = day_bounds(first, last, zone)
    return await repository.month_json(
        session, tenant, user_id, first=first, last=last, start=start, end=end, zone=str(zone),
        months=months_between(first, last), activities=seen.activities, leads=seen.leads,
        accounts=seen.accounts, per_day=per_day)


def _moment(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


async def items(session: AsyncSession, tenant: TenantId, user_id: uuid.UUID, first: date,
                last: date, zone: ZoneInfo, seen: Seen) -> list[Item]:
    """The items as dicts with Python values (days, times), each activity's `row` with
    its version, updated_at, note, place and kind."""
    found: list[Item] = orjson.loads(await items_json(session, tenant, user_id, first, last,
                                                      zone, seen, full=True))
    for item in found:
        item["day"] = date.fromisoformat(item["day"])
        item["starts_at"] = _moment(item["starts_at"])
        item["ends_at"] = _moment(item["ends_at"])
        if item.get("row") is not None:
            item["row"]["updated_at"] = _moment(item["row"]["updated_at"])
        if item["anniversary"] is not None:
            item["anniversary"]["date"] = date.fromisoformat(item["anniversary"]["date"])
    return found

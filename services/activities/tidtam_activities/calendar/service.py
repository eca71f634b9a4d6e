"""A user's calendar: their activities, the planned next contacts of their leads (a
follow-up's `next_contact_at`, a call until the next follow-up), and the yearly dates of
accounts and contacts; days in the tenant's time zone. The same items make the ICS feed
and the daily agenda.

The items come from one query as the JSON array GET /calendar answers with (schemas.
CalendarItem; see repository.py): the endpoint passes it on as it is, and `items` reads it
for the feed and the agenda, each activity with its `row` (what the feed adds)."""

from __future__ import annotations

import uuid
from collections.abc import Hashable
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import orjson
from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.context import RequestContext, TenantId

from ..activities.repository import visible as activity_visible
from ..visibility import account_rule, lead_rule
from . import repository
from .days import months_between
from .repository import Rules, Seen

__all__ = ["Item", "Seen", "items", "items_json", "month_json", "seen_by", "visibility_key"]

Item = dict[str, Any]


def seen_by(ctx: RequestContext) -> Seen:
    """What `ctx`'s caller may see."""
    return Seen(activities=activity_visible(ctx), leads=lead_rule(ctx),
                accounts=account_rule(ctx))


def visibility_key(ctx: RequestContext) -> Hashable:
    """What decides seen_by(ctx)'s conditions (and the values in them)."""
    return (ctx.tenant.value, ctx.user_id, ctx.role, ctx.team_id, ctx.lead_scope,
            ctx.account_scope)


async def items_json(session: AsyncSession, tenant: TenantId, user_id: uuid.UUID, first: date,
                     last: date, zone: ZoneInfo | None, seen: Rules, *,
                     key: Hashable | None = None, full: bool = False) -> tuple[str, bytes]:
    """The time zone (`zone`, else the tenant's) and the items from `first` to `last`
    (local days in it) as a JSON array, in order."""
    return await repository.items_json(
        session, tenant, user_id, first=first, last=last,
        zone=None if zone is None else str(zone), months=months_between(first, last),
        seen=seen, key=key, full=full)


async def month_json(session: AsyncSession, tenant: TenantId, user_id: uuid.UUID,
                     first: date, last: date, seen: Rules, per_day: int, *,
                     key: Hashable | None = None) -> tuple[str, bytes, bytes]:
    """The month mode (the tenant's time zone): the zone, the first `per_day` items of
    each day, and each day's counts."""
    return await repository.month_json(
        session, tenant, user_id, first=first, last=last, zone=None,
        months=months_between(first, last), seen=seen, key=key, per_day=per_day)


def _moment(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


async def items(session: AsyncSession, tenant: TenantId, user_id: uuid.UUID, first: date,
                last: date, zone: ZoneInfo, seen: Seen) -> list[Item]:
    """The items as dicts with Python values (days, times), each activity's `row` with
    its version, updated_at, note, place and kind."""
    _, text = await items_json(session, tenant, user_id, first, last, zone, lambda: seen,
                               full=True)
    found: list[Item] = orjson.loads(text)
    for item in found:
        item["day"] = date.fromisoformat(item["day"])
        item["starts_at"] = _moment(item["starts_at"])
        item["ends_at"] = _moment(item["ends_at"])
        if item.get("row") is not None:
            item["row"]["updated_at"] = _moment(item["row"]["updated_at"])
        if item["anniversary"] is not None:
            item["anniversary"]["date"] = date.fromisoformat(item["anniversary"]["date"])
    return found

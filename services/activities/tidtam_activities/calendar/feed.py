"""The private ICS feed of a user's own items: a secret address (only its SHA-256 is kept),
revocable; calendar apps subscribe to it without logging in (the gateway forwards it with
the tenant named in the address). Items keep their UIDs across updates; an activity's
SEQUENCE is its version."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.context import RequestContext, TenantId
from crmkit.errors import NotFound

from ..activities.models import Activity
from ..records.models import AccountRecord
from .models import CalendarFeed
from .service import Item, Seen, items

PAST = timedelta(days=31)
AHEAD = timedelta(days=366)
SHORT = timedelta(minutes=30)  # an item with a time but no end


def _hash(secret: str) -> bytes:
    return hashlib.sha256(secret.encode()).digest()


async def create(session: AsyncSession, ctx: RequestContext, public_url: str) -> str:
    """A new secret address for the caller (any older one stops working)."""
    secret = secrets.token_urlsafe(32)
    stmt = insert(CalendarFeed).values(tenant_id=ctx.tenant.value, user_id=ctx.user_id,
                                       token_hash=_hash(secret))
    await session.execute(stmt.on_conflict_do_update(
        index_elements=[CalendarFeed.tenant_id, CalendarFeed.user_id],
        set_=dict(token_hash=stmt.excluded.token_hash, created_at=sa.func.now())))
    return f"{public_url.rstrip('/')}/api/v1/ics/{ctx.tenant.value}/{secret}.ics"


async def revoke(session: AsyncSession, ctx: RequestContext) -> None:
    gone = (await session.execute(sa.delete(CalendarFeed).where(
        CalendarFeed.tenant_id == ctx.tenant.value, CalendarFeed.user_id == ctx.user_id)
        .returning(CalendarFeed.user_id))).scalar_one_or_none()
    if gone is None:
        raise NotFound("you have no calendar feed")


async def owner_of(session: AsyncSession, tenant: TenantId, secret: str) -> uuid.UUID:
    user_id: uuid.UUID | None = (await session.execute(sa.select(CalendarFeed.user_id).where(
        CalendarFeed.tenant_id == tenant.value, CalendarFeed.token_hash == _hash(secret))
    )).scalar_one_or_none()
    if user_id is None:
        raise NotFound("no such calendar feed (revoked, or replaced by a newer address)")
    return user_id


async def render(session: AsyncSession, tenant: TenantId, user_id: uuid.UUID,
                 zone: ZoneInfo) -> bytes:
    """The user's own items (their activities, their leads' next contacts, the dates of
    their accounts) from a month ago to a year ahead."""
    today = datetime.now(zone).date()
    own = Seen(activities=Activity.owner_id == user_id, leads=sa.true(),
               accounts=AccountRecord.owner_id == user_id)
    found = await items(session, tenant, user_id, today - PAST, today + AHEAD, zone, own)
    cal = icalendar.Calendar()
    cal.add("prodid", "-//Tidtam//Calendar//TH")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", "Tidtam")
    cal.add("x-wr-timezone", str(zone))
    stamp = datetime.now(UTC)
    for item in found:
        cal.add_component(_event(item, stamp))
    return bytes(cal.to_ical())


def _event(item: Item, stamp: datetime) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", item["uid"])
    event.add("dtstamp", stamp)
    event.add("summary", _summary(item))
    starts = item["starts_at"]
    if item["all_day"] or starts is None:
        event.add("dtstart", item["day"])
        event.add("dtend", item["day"] + timedelta(days=1))
    else:
        event.add("dtstart", starts.astimezone(UTC))
        event.add("dtend", (item["ends_at"] or starts + SHORT).astimezone(UTC))
    if item["activity"] is not None:
        row = item["row"]
        event.add("sequence", row["version"])
        event.add("last-modified", row["updated_at"].astimezone(UTC))
        if row["note"]:
            event.add("description", row["note"])
        if row["place"] and row["place"].get("text"):
            event.add("location", row["place"]["text"])
        event.add("categories", [row["kind"]])
    else:
        event.add("categories", [item["type"]])
    return event


def _summary(item: Item) -> str:
    title: str = item["title"]
    if item["type"] == "next_contact":
        return f"โทรติดตาม / Follow-up call: {title}"
    if item["anniversary"] is not None:
        label = {"birthday": "วันเกิด / Birthday", "founding": "วันก่อตั้ง / Founded"}.get(
            item["anniversary"]["kind"], "วันครบรอบ / Anniversary")
        return f"{label}: {title} ({item['anniversary']['years']})"
    return title


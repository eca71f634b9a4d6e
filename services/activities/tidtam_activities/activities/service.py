"""Creating, reading, listing and editing activities; completing and cancelling them. Each
change stages its event and keeps the reminder schedule in step, in one transaction."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.context import RequestContext
from crmkit.errors import Conflict, Forbidden, NotFound, Unprocessable
from crmkit.paging import decode_cursor, encode_cursor
from tidtam_contracts.activities import (
    ActivityCancelledV1,
    ActivityCompletedV1,
    ActivityCreatedV1,
    ActivityUpdatedV1,
)

from ..users.service import require_active
from . import repository
from .events import stage_activity_event
from .repository import ActivityRow
from .schemas import ActivityCreate, ActivityOut, ActivityPage, ActivityPatch

# What the keyset cursor (µs since 1970, 16 digits) can hold, and more than a CRM plans.
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(2200, 1, 1, tzinfo=UTC)


def to_out(row: ActivityRow, now: datetime | None = None) -> ActivityOut:
    now = now or datetime.now(UTC)
    end = row["ends_at"] or row["due_at"]
    return ActivityOut.model_validate({
        **row, "overdue": row["status"] == "planned" and end is not None and end < now})


async def load(session: AsyncSession, ctx: RequestContext, activity_id: uuid.UUID, *,
               write: bool = False) -> ActivityRow:
    """The activity if the caller may see it (404 otherwise); with `write`, locked for the
    change, and 403 when the caller sees it only through a lead they sent on."""
    row = await repository.get(session, ctx, activity_id, write=write)
    if row is None:
        raise NotFound("no such activity")
    if write and not await repository.writable(session, ctx, activity_id):
        raise Forbidden("this activity belongs to a lead you sent on: you may read it only",
                        code="read_only")
    return row


def check_times(values: dict[str, Any]) -> None:
    """A meeting has starts_at < ends_at; a task or call a due_at; reminders need a time."""
    kind = values["kind"]
    for name in ("starts_at", "ends_at", "due_at"):
        moment = values.get(name)
        if moment is not None and not EARLIEST <= moment < LATEST:
            raise Unprocessable.on(f"body.{name}", "must be between 1970 and 2199",
                                   code="out_of_range")
    if kind == "meeting":
        for name in ("starts_at", "ends_at"):
            if values.get(name) is None:
                raise Unprocessable.on(f"body.{name}", "a meeting needs starts_at and ends_at",
                                       code="missing")
        if values["starts_at"] >= values["ends_at"]:
            raise Unprocessable.on("body.ends_at", "must be after starts_at",
                                   code="ends_before_start")
    elif kind in ("task", "call") and values.get("due_at") is None:
        raise Unprocessable.on("body.due_at", f"a {kind} needs due_at (when it is due)",
                               code="missing")
    if values.get("reminders") and _base(values) is None:
        raise Unprocessable.on("body.reminders", "reminders need starts_at or due_at to count "
                                                 "back from", code="reminders_without_time")
    place = values.get("place")
    if place and (place.get("lat") is None) != (place.get("lon") is None):
        raise Unprocessable.on("body.place.lon", "give lat and lon together, or neither",
                               code="incomplete_position")
    if values.get("contact_id") and not values.get("account_id"):
        raise Unprocessable.on("body.contact_id", "a contact needs the account_id it belongs to",
                               code="contact_without_account")


def _base(values: dict[str, Any]) -> datetime | None:
    base: datetime | None = values.get("starts_at") or values.get("due_at")
    return base


async def check_links(session: AsyncSession, ctx: RequestContext, values: dict[str, Any],
                      given: set[str]) -> None:
    """Linked records the caller can see (404 naming the field otherwise), and a contact of
    the account given (422 naming `contact_id` otherwise: known from `contact.*` events)."""
    lead_id = values.get("lead_id")
    if "lead_id" in given and lead_id is not None:
        if not await repository.lead_seen(session, ctx, lead_id, write=True):
            if await repository.lead_seen(session, ctx, lead_id, write=False):
                raise Forbidden.on("body.lead_id", "you sent this lead on: you may no longer "
                                                   "log activities on it", code="read_only")
            raise NotFound.on("body.lead_id", f"no lead {lead_id} that you can see",
                              code="unknown_lead")
    account_id = values.get("account_id")
    if "account_id" in given and account_id is not None \
            and not await repository.account_seen(session, ctx, account_id):
        raise NotFound.on("body.account_id", f"no account {account_id} that you can see",
                          code="unknown_account")
    contact_id = values.get("contact_id")
    if {"contact_id", "account_id"} & given and contact_id is not None \
            and not await repository.contact_of(session, ctx.tenant, contact_id=contact_id,
                                                account_id=account_id):
        raise Unprocessable.on("body.contact_id", f"no contact {contact_id} of account "
                                                  f"{account_id}", code="contact_not_of_account")
    owner = values["owner_id"]
    if "owner_id" in given and owner != ctx.user_id:
        await require_active(session, ctx, owner, "body.owner_id")
        if not await repository.may_assign(session, ctx, owner):
            raise NotFound.on("body.owner_id", f"{owner} is not someone you may assign "
                                               "activities to", code="unknown_owner")


def fire_times(values: dict[str, Any], now: datetime) -> dict[int, datetime]:
    """When each reminder of a planned activity fires; one already past is not scheduled."""
    base = _base(values)
    if values["status"] != "planned" or base is None:
        return {}
    times = {m: base - timedelta(minutes=m) for m in set(values["reminders"])}
    return {m: at for m, at in times.items() if at > now}


def _stored(body: ActivityCreate | ActivityPatch, fields: set[str]) -> dict[str, Any]:
    values: dict[str, Any] = {f: getattr(body, f) for f in fields}
    if "place" in values and values["place"] is not None:
        values["place"] = body.place.model_dump() if body.place else None
    if "reminders" in values:
        values["reminders"] = sorted(set(values["reminders"]))
    return values


async def create(session: AsyncSession, ctx: RequestContext, body: ActivityCreate) -> ActivityOut:
    values = _stored(body, set(type(body).model_fields))
    values["owner_id"] = body.owner_id or ctx.user_id
    values["status"] = "planned"
    check_times(values)
    await check_links(session, ctx, values, set(values))
    row = await repository.insert_activity(session, ctx.tenant, {
        **values, "id": uuid.uuid4(), "created_by": ctx.user_id, "version": 1})
    await repository.schedule(session, ctx.tenant, row["id"],
                              fire_times(dict(row), datetime.now(UTC)))
    out = to_out(row)
    await stage_activity_event(session, ctx.tenant, ActivityCreatedV1, out)
    return out


async def get(session: AsyncSession, ctx: RequestContext, activity_id: uuid.UUID) -> ActivityOut:
    return to_out(await load(session, ctx, activity_id))


def _planned(row: ActivityRow) -> None:
    if row["status"] != "planned":
        raise Conflict(f"this activity is {row['status']}; only planned ones change",
                       code="activity_closed")


async def patch(session: AsyncSession, ctx: RequestContext, activity_id: uuid.UUID,
                body: ActivityPatch) -> ActivityOut:
    current = await load(session, ctx, activity_id, write=True)
    _planned(current)
    given = set(body.model_fields_set)
    values = _stored(body, given)
    merged = {**current, **values}
    check_times(merged)
    changed = sorted(k for k, v in values.items() if current[k] != v)  # type: ignore[literal-required]
    if not changed:
        return to_out(current)
    await check_links(session, ctx, merged, set(changed))
    row = await repository.update(session, ctx.tenant, activity_id,
                                  {k: values[k] for k in changed})
    await repository.schedule(session, ctx.tenant, activity_id,
                              fire_times(dict(row), datetime.now(UTC)))
    out = to_out(row)
    await stage_activity_event(session, ctx.tenant, ActivityUpdatedV1, out, changed=changed)
    return out


async def complete(session: AsyncSession, ctx: RequestContext, activity_id: uuid.UUID,
                   result: str) -> ActivityOut:
    """Done, with what came of it: its reminders are dropped."""
    _planned(await load(session, ctx, activity_id, write=True))
    row = await repository.update(session, ctx.tenant, activity_id,
                                  {"status": "done", "result": result})
    await repository.schedule(session, ctx.tenant, activity_id, {})
    out = to_out(row)
    await stage_activity_event(session, ctx.tenant, ActivityCompletedV1, out)
    return out


async def cancel(session: AsyncSession, ctx: RequestContext, activity_id: uuid.UUID) -> ActivityOut:
    """Cancelled: its reminders are dropped."""
    _planned(await load(session, ctx, activity_id, write=True))
    row = await repository.update(session, ctx.tenant, activity_id, {"status": "cancelled"})
    await repository.schedule(session, ctx.tenant, activity_id, {})
    out = to_out(row)
    await stage_activity_event(session, ctx.tenant, ActivityCancelledV1, out)
    return out


async def list_page(session: AsyncSession, ctx: RequestContext, *, limit: int,
                    cursor: str | None, **filters: Any) -> ActivityPage:
    after = decode_cursor(cursor) if cursor else None
    start, end = filters.get("start"), filters.get("end")
    if start is not None and end is not None and start >= end:
        raise Unprocessable.on("query.to", "must be after `from`", code="range_reversed")
    rows = await repository.page(session, ctx, limit=limit + 1, after=after, **filters)
    now = datetime.now(UTC)
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        next_cursor = encode_cursor(rows[-1]["at"], rows[-1]["id"])
    return ActivityPage(items=[to_out(r, now) for r in rows], next_cursor=next_cursor)

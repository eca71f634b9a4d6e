"""GPS check-ins (R-CRM's rule): accepted only within 1 km (haversine) of the place, from a
fresh (≤ 2 minutes old, not in the future) and accurate (≤ 1 km) position. The check-in's
time is the server's."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from crmkit import outbox
from crmkit.context import RequestContext
from crmkit.errors import NotFound, Unprocessable
from crmkit.paging import decode_cursor, next_cursor
from tidtam_contracts.activities import CheckinRecordedV1

from ..activities import repository as activities
from ..contracts import EVENTS
from . import repository
from .geo import haversine_m
from .schemas import AccountPlace, CheckinIn, CheckinOut, CheckinPage, Position

MAX_DISTANCE_M = 1000.0
MAX_ACCURACY_M = 1000.0
MAX_AGE = timedelta(minutes=2)
# A phone's clock may run a little ahead of ours: this much "future" is not refused.
CLOCK_SKEW = timedelta(seconds=5)


def check_position(position: Position, now: datetime) -> None:
    if position.taken_at > now + CLOCK_SKEW:
        raise Unprocessable.on("body.position.taken_at", "is in the future: take the position "
                                                         "again", code="position_in_future")
    if position.taken_at < now - MAX_AGE:
        age = int((now - position.taken_at).total_seconds())
        raise Unprocessable.on("body.position.taken_at",
                               f"the position was taken {age} s ago, more than 2 minutes: "
                               "take it again", code="position_stale",
                               params={"age_s": age, "max_age_s": 120})
    if position.accuracy_m > MAX_ACCURACY_M:
        raise Unprocessable.on("body.position.accuracy_m",
                               f"the position is accurate only to {position.accuracy_m:.0f} m, "
                               "worse than 1,000 m: wait for a better fix (GPS on, outdoors)",
                               code="position_inaccurate",
                               params={"accuracy_m": position.accuracy_m,
                                       "max_accuracy_m": MAX_ACCURACY_M})


async def _place(session: AsyncSession, ctx: RequestContext,
                 body: CheckinIn) -> tuple[float, float, str | None]:
    place = body.place
    if not isinstance(place, AccountPlace):
        return place.lat, place.lon, place.name
    found = await repository.account_place(session, ctx, place.account_id)
    if found is None:
        raise NotFound.on("body.place.account_id", f"no account {place.account_id} that you "
                                                   "can see", code="unknown_account")
    if found["lat"] is None or found["lon"] is None:
        raise Unprocessable.on("body.place.account_id", "this account has no location: set "
                                                        "its location first",
                               code="account_without_location")
    return found["lat"], found["lon"], None


async def record(session: AsyncSession, ctx: RequestContext, body: CheckinIn) -> CheckinOut:
    now = datetime.now(UTC)
    check_position(body.position, now)
    lat, lon, name = await _place(session, ctx, body)
    activity = None if body.activity_id is None else \
        await activities.get(session, ctx, body.activity_id)
    if body.activity_id is not None and activity is None:
        raise NotFound.on("body.activity_id", f"no activity {body.activity_id} that you can "
                                              "see", code="unknown_activity")
    distance = haversine_m(body.position.lat, body.position.lon, lat, lon)
    if distance > MAX_DISTANCE_M:
        raise Unprocessable.on("body.position", f"you are {distance:,.0f} m from the place; "
                                                "check in within 1,000 m of it",
                               code="too_far", params={"distance_m": round(distance),
                                                       "max_distance_m": MAX_DISTANCE_M})
    row = await repository.insert(session, ctx.tenant, dict(
        id=uuid.uuid4(), user_id=ctx.user_id,
        account_id=body.place.account_id if isinstance(body.place, AccountPlace) else None,
        activity_id=body.activity_id, place_name=name, place_lat=lat, place_lon=lon,
        lat=body.position.lat, lon=body.position.lon, accuracy_m=body.position.accuracy_m,
        taken_at=body.position.taken_at, distance_m=distance, note=body.note))
    out = CheckinOut.model_validate(row)
    data = CheckinRecordedV1.model_validate(
        {**out.model_dump(), "lead_id": activity["lead_id"] if activity else None})
    await outbox.stage(session, EVENTS.event(data, tenant_id=ctx.tenant.value,
                                             subject=str(out.id)))
    return out


async def get(session: AsyncSession, ctx: RequestContext, checkin_id: uuid.UUID) -> CheckinOut:
    row = await repository.get(session, ctx, checkin_id)
    if row is None:
        raise NotFound("no such check-in")
    return CheckinOut.model_validate(row)


async def history(session: AsyncSession, ctx: RequestContext, *, limit: int,
                  cursor: str | None, user_id: uuid.UUID | None,
                  account_id: uuid.UUID | None) -> CheckinPage:
    after = decode_cursor(cursor) if cursor else None
    rows = await repository.page(session, ctx, limit=limit + 1, after=after, user_id=user_id,
                                 account_id=account_id)
    rows, cursor = next_cursor(rows, limit)
    return CheckinPage(items=[CheckinOut.model_validate(r) for r in rows], next_cursor=cursor)

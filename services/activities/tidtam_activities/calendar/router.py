from __future__ import annotations

import functools
import uuid
from datetime import date

import orjson
import sqlalchemy as sa
from fastapi import APIRouter, Path, Query, Request, Response

from crmkit.deps import Ctx, Db
from crmkit.errors import NotFound, Unprocessable, error_responses

from ..records.settings import zone_of
from ..users.models import User
from ..visibility import personal
from . import feed
from .schemas import CalendarOut, FeedOut
from .service import items_json, month_json, seen_by, visibility_key

MAX_DAYS = 92
MAX_PER_DAY = 50

router = APIRouter(prefix="/api/v1/calendar", tags=["calendar"])
public = APIRouter(prefix="/api/v1/ics", tags=["calendar"])


# Days a calendar may show: the time-zone arithmetic on year 1 or 9999 overflows.
EARLIEST, LATEST = date(1900, 1, 1), date(2999, 12, 31)


@router.get("", response_model=CalendarOut, responses=error_responses(401, 404, 422))
async def calendar(
    ctx: Ctx, db: Db,
    first: date = Query(alias="from", description="The first day (in the tenant's zone)"),
    last: date = Query(alias="to", description="The last day, included (at most 92 days "
                                               "after `from`)"),
    user_id: uuid.UUID | None = Query(None, description=(
        "Whose calendar: the caller's by default; managers their team's, admins anyone's "
        "(else 404)")),
    per_day: int | None = Query(None, ge=1, le=MAX_PER_DAY, description=(
        "The month mode: only the first `per_day` items of each day in `items`, and `days` "
        f"with each day's counts by type and `more` (1–{MAX_PER_DAY}, else 422); without "
        "it, every item")),
) -> Response:
    """"My Calendar": the user's activities (not cancelled), the planned next contacts of
    their leads (a follow-up's `next_contact_at`, shown as a call until the next follow-up),
    and the yearly dates (birthdays, founding dates) of the accounts and contacts the caller
    can see; 29 February falls on 28 February in other years. Days are in the tenant's
    time zone (the gateway's setting `time_zone`, default Asia/Bangkok); times are in
    UTC. Only what the caller may see is shown. A month view passes `per_day`: each day's
    first items, and its counts."""
    for name, day in (("from", first), ("to", last)):
        if not EARLIEST <= day <= LATEST:
            raise Unprocessable.on(f"query.{name}", f"must be a day from {EARLIEST} to {LATEST}",
                                   code="out_of_range", params={"min": str(EARLIEST),
                                                                "max": str(LATEST)})
    if last < first:
        raise Unprocessable.on("query.to", "must not be before `from`", code="range_reversed")
    if (last - first).days >= MAX_DAYS:
        raise Unprocessable.on("query.to", f"at most {MAX_DAYS} days from `from`",
                               code="range_too_long", params={"max_days": MAX_DAYS})
    whose = user_id or ctx.user_id
    if whose != ctx.user_id:
        known = (await db.execute(sa.select(personal(ctx, User.id)).where(
            User.tenant_id == ctx.tenant.value, User.id == whose))).scalar_one_or_none()
        if not known:
            raise NotFound.on("query.user_id", f"{whose} is not someone whose calendar you "
                                               "may see", code="unknown_user")
    # Built only when the statement for this visibility is compiled (kept after).
    seen, key = functools.partial(seen_by, ctx), visibility_key(ctx)
    # As CalendarOut documents it, the items as PostgreSQL wrote them: validating and
    # encoding a month of items through models took most of the answer's time
    # (bench/activities.py). The tenant's zone comes from the same statement.
    if per_day is None:
        zone, found = await items_json(db, ctx.tenant, whose, first, last, None, seen,
                                       key=key)
        tail = b',"items":' + found
    else:
        zone, items, days = await month_json(db, ctx.tenant, whose, first, last, seen,
                                             per_day, key=key)
        tail = b',"per_day":%d,"items":%s,"days":%s' % (per_day, items, days)
    head = orjson.dumps({"user_id": str(whose), "time_zone": zone, "from": first,
                         "to": last})[:-1]
    return Response(head + tail + b"}", media_type="application/json")


@router.post("/feed", status_code=201, response_model=FeedOut,
             responses=error_responses(401, 422))
async def create_feed(request: Request, ctx: Ctx, db: Db) -> FeedOut:
    """A private address of the caller's own calendar (ICS) for Google Calendar, Outlook
    and the like, which subscribe without logging in: keep it secret. Shown once; a new
    one replaces the old (which then answers 404)."""
    return FeedOut(url=await feed.create(db, ctx, request.app.state.settings.public_url))


@router.delete("/feed", status_code=204, response_class=Response,
               responses=error_responses(401, 404, 422))
async def revoke_feed(ctx: Ctx, db: Db) -> Response:
    """Revoke the caller's feed address: it answers 404 from now on."""
    await feed.revoke(db, ctx)
    return Response(status_code=204)


@public.get("/{tenant_id}/{secret}.ics", response_class=Response,
            responses={200: {"content": {"text/calendar": {}},
                             "description": "The calendar (RFC 5545)"},
                       **error_responses(404, 422)})
async def ics(ctx: Ctx, db: Db, tenant_id: uuid.UUID,
              secret: str = Path(pattern=r"^[A-Za-z0-9_-]{20,100}$")) -> Response:
    """A feed address from POST /api/v1/calendar/feed (no login: the secret is the key)."""
    if tenant_id != ctx.tenant.value:
        raise NotFound("no such calendar feed")
    user_id = await feed.owner_of(db, ctx.tenant, secret)
    body = await feed.render(db, ctx.tenant, user_id, await zone_of(db, ctx.tenant))
    return Response(body, media_type="text/calendar; charset=utf-8",
                    headers={"Cache-Control": "private, max-age=300"})

from __future__ import annotations

import uuid

from fastapi import APIRouter, Query

from crmkit.deps import Ctx, Db, IdempotentDb
from crmkit.errors import error_responses
from crmkit.idempotency import IdempotentRoute
from crmkit.paging import CURSOR_PATTERN

from . import service
from .schemas import CheckinIn, CheckinOut, CheckinPage

router = APIRouter(prefix="/api/v1/checkins", tags=["check-ins"], route_class=IdempotentRoute)


@router.post("", status_code=201, response_model=CheckinOut,
             responses=error_responses(401, 404, 422))
async def check_in(body: CheckinIn, ctx: Ctx, db: IdempotentDb) -> CheckinOut:
    """Check in at an account's location or at a point: accepted only within 1,000 m
    (haversine) of it. 422 `too_far` states the distance in metres (`params.distance_m`);
    a position taken more than 2 minutes ago (`position_stale`) or in the future
    (`position_in_future`), accurate only to more than 1,000 m (`position_inaccurate`), or
    an account without a location (`account_without_location`) is 422 too. The time of the
    check-in is the server's. Event `checkin.recorded`."""
    return await service.record(db, ctx, body)


@router.get("", response_model=CheckinPage, responses=error_responses(401, 422))
async def list_checkins(
    ctx: Ctx, db: Db, user_id: uuid.UUID | None = None, account_id: uuid.UUID | None = None,
    limit: int = Query(50, ge=1, le=200),
    cursor: str | None = Query(None, pattern=CURSOR_PATTERN,
                               description="`next_cursor` of the previous page"),
) -> CheckinPage:
    """Check-ins the caller may see, newest first: a user's (`user_id`), an account's
    (`account_id`)."""
    return await service.history(db, ctx, limit=limit, cursor=cursor, user_id=user_id,
                                 account_id=account_id)


@router.get("/{checkin_id:id}", response_model=CheckinOut,
            responses=error_responses(401, 404, 422))
async def get_checkin(checkin_id: uuid.UUID, ctx: Ctx, db: Db) -> CheckinOut:
    return await service.get(db, ctx, checkin_id)

from __future__ import annotations

import uuid

from fastapi import APIRouter, Query

from crmkit.deps import Ctx, Db, IdempotentDb
from crmkit.errors import error_responses
from crmkit.fields import Instant
from crmkit.idempotency import IdempotentRoute
from crmkit.paging import CURSOR_PATTERN
from tidtam_contracts.activities import ActivityKind, ActivityStatus

from . import service
from .schemas import ActivityCreate, ActivityOut, ActivityPage, ActivityPatch, CompleteIn

router = APIRouter(prefix="/api/v1/activities", tags=["activities"],
                   route_class=IdempotentRoute)


@router.post("", status_code=201, response_model=ActivityOut,
             responses=error_responses(401, 403, 404, 409, 422))
async def create_activity(body: ActivityCreate, ctx: Ctx, db: IdempotentDb) -> ActivityOut:
    """Plan or log a task, meeting, call or email. A lead or account the caller cannot see
    is 404 naming the field (a lead only in their Sent box: 403); a meeting needs
    `starts_at` < `ends_at`, a task or call `due_at` (422 naming the field). Event
    `activity.created`; reminders are scheduled."""
    return await service.create(db, ctx, body)


@router.get("", response_model=ActivityPage, responses=error_responses(401, 422))
async def list_activities(
    ctx: Ctx, db: Db,
    start: Instant | None = Query(None, alias="from", description=(
        "From this moment (with a time zone), by when the activity happens: a meeting's "
        "start, a task's or call's due time, else when it was logged")),
    end: Instant | None = Query(None, alias="to", description="Before this moment"),
    owner_id: uuid.UUID | None = None, lead_id: uuid.UUID | None = None,
    account_id: uuid.UUID | None = None, status: ActivityStatus | None = None,
    kind: ActivityKind | None = None,
    overdue: bool | None = Query(None, description="true: planned ones whose due (or end) "
                                                   "time has passed"),
    limit: int = Query(50, ge=1, le=200),
    cursor: str | None = Query(None, pattern=CURSOR_PATTERN,
                               description="`next_cursor` of the previous page"),
) -> ActivityPage:
    """Activities the caller may see, by when they happen (earliest first)."""
    return await service.list_page(db, ctx, limit=limit, cursor=cursor, start=start, end=end,
                                   owner_id=owner_id, lead_id=lead_id, account_id=account_id,
                                   status=status, kind=kind, overdue=overdue)


@router.get("/{activity_id:id}", response_model=ActivityOut,
            responses=error_responses(401, 404, 422))
async def get_activity(activity_id: uuid.UUID, ctx: Ctx, db: Db) -> ActivityOut:
    return await service.get(db, ctx, activity_id)


@router.patch("/{activity_id:id}", response_model=ActivityOut,
              responses=error_responses(401, 403, 404, 409, 422))
async def patch_activity(activity_id: uuid.UUID, body: ActivityPatch, ctx: Ctx,
                         db: Db) -> ActivityOut:
    """Only the fields sent change; a done or cancelled activity is 409. Moving it moves
    its reminders. Event `activity.updated` with `changed`."""
    return await service.patch(db, ctx, activity_id, body)


@router.post("/{activity_id:id}/complete", response_model=ActivityOut,
             responses=error_responses(401, 403, 404, 409, 422))
async def complete_activity(activity_id: uuid.UUID, body: CompleteIn, ctx: Ctx,
                            db: IdempotentDb) -> ActivityOut:
    """Mark it done with its `result` (its reminders are dropped); one already done or
    cancelled is 409. Event `activity.completed`."""
    return await service.complete(db, ctx, activity_id, body.result)


@router.post("/{activity_id:id}/cancel", response_model=ActivityOut,
             responses=error_responses(401, 403, 404, 409, 422))
async def cancel_activity(activity_id: uuid.UUID, ctx: Ctx, db: IdempotentDb) -> ActivityOut:
    """Cancel it (its reminders are dropped); one already done or cancelled is 409. Event
    `activity.cancelled`."""
    return await service.cancel(db, ctx, activity_id)

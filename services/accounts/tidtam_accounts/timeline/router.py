from __future__ import annotations

import uuid

from fastapi import APIRouter, Query

from crmkit.deps import Ctx, Db
from crmkit.errors import error_responses
from crmkit.paging import CURSOR_PATTERN

from . import service
from .schemas import TimelinePage

router = APIRouter(prefix="/api/v1/accounts/{account_id:id}", tags=["accounts"])


@router.get("/timeline", response_model=TimelinePage, responses=error_responses(401, 404, 422))
async def timeline(account_id: uuid.UUID, ctx: Ctx, db: Db,
                   limit: int = Query(50, ge=1, le=200),
                   cursor: str | None = Query(None, pattern=CURSOR_PATTERN,
                                              description="`next_cursor` of the previous "
                                                          "page")) -> TimelinePage:
    """What happened with the account, newest first: its leads (created, stage changes,
    lost, junked, restored, sent, transferred, converted) and their follow-ups, the
    activities on it or its leads (planned, done with their result, cancelled), the
    check-ins at it, and its deals (opened, changed, moved, won, lost, reopened: what
    changed, before → after). Built from
    the other services' events, so it may trail them by a moment. An account the caller
    may not see is 404."""
    return await service.page(db, ctx, account_id, limit=limit, cursor=cursor)

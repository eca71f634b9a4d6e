from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from crmkit.deps import Ctx, Db
from crmkit.errors import ErrorBody, error_responses

from . import service

router = APIRouter(tags=["events"])


class EventPage(BaseModel):
    items: list[dict[str, Any]] = Field(description="CloudEvents (JSON), oldest first, as "
                                                    "published")
    next_cursor: str | None = Field(description="Pass as `after` next time (the same cursor "
                                                "again when nothing new came)")


@router.get("/api/v1/events", response_model=EventPage,
            responses={**error_responses(401, 403, 422),
                       410: {"model": ErrorBody, "description": "The cursor is older than "
                             "the feed keeps events (TIDTAM_EVENT_FEED_DAYS)"}})
async def events(ctx: Ctx, db: Db,
                 after: str | None = Query(None, pattern=service.CURSOR_PATTERN,
                                           description="`next_cursor` of the last read"),
                 type: str | None = Query(None, max_length=100,
                                          pattern=r"^[a-z_]+(\.[a-z_]+|\.\*)?$",
                                          description="An event type (`lead.created`) or "
                                                      "all of an aggregate's (`lead.*`)"),
                 limit: int = Query(100, ge=1, le=1000)) -> EventPage:
    """The tenant's events in the order they were recorded (admins and API keys): an
    integrator that was offline reads what it missed from its last cursor, then goes back
    to webhooks or AMQP."""
    items, cursor = await service.page(db, ctx, after=after, type_=type, limit=limit)
    return EventPage(items=items, next_cursor=cursor)

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel

from crmkit.deps import Ctx, Db, IdempotentDb
from crmkit.errors import error_responses
from crmkit.idempotency import IdempotentRoute
from crmkit.paging import CURSOR_PATTERN

from .. import consumers as _consumers  # noqa: F401  (every handler registers its kinds)
from . import repository, service
from .schemas import Marked, MarkRead, NoticePage, UnreadCount, preferences_model
from .stream import unread_events

router = APIRouter(tags=["notifications"], route_class=IdempotentRoute)
if TYPE_CHECKING:
    Preferences = BaseModel
else:  # a field per registered kind, so the schema names them all
    Preferences = preferences_model()


@router.get("/api/v1/notifications", response_model=NoticePage,
            responses=error_responses(401, 422))
async def list_notices(ctx: Ctx, db: Db, limit: int = Query(50, ge=1, le=200),
                       cursor: str | None = Query(None, pattern=CURSOR_PATTERN,
                                                  description="`next_cursor` of the previous "
                                                              "page"),
                       unread: bool = Query(False, description="true: only unread ones")
                       ) -> NoticePage:
    """The caller's notices, newest first (each opens its record: `link`)."""
    return await service.page(db, ctx, limit=limit, cursor=cursor, unread=unread)


@router.get("/api/v1/notifications/unread-count", response_model=UnreadCount,
            responses=error_responses(401))
async def unread_count(ctx: Ctx, db: Db) -> UnreadCount:
    return UnreadCount(unread=await repository.unread(db, ctx.tenant, ctx.user_id))


@router.post("/api/v1/notifications/read", response_model=Marked,
             responses=error_responses(401, 404, 413, 422))
async def mark_read(body: MarkRead, ctx: Ctx, db: IdempotentDb) -> Marked:
    """Mark notices read: `{"ids": [...]}` (404 naming `ids` if one is not the caller's;
    nothing changes then) or `{"all": true}`."""
    return await service.mark_read(db, ctx, body)


@router.get("/api/v1/notifications/stream", response_class=StreamingResponse,
            responses={200: {"description": "Server-sent events: `event: unread` with "
                                            "`{\"unread\": <count>}` at once and on every "
                                            "change; a comment line every 15 s",
                             "content": {"text/event-stream": {"schema": {"type": "string"}}}},
                       **error_responses(401)})
async def stream(request: Request, ctx: Ctx) -> StreamingResponse:
    """The caller's unread count, live (for the bell)."""
    events = unread_events(request.app.state.notice_hub, request.app.state.sessionmaker, ctx)
    return StreamingResponse(events, media_type="text/event-stream",
                             headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})


@router.get("/api/v1/notification-preferences", response_model=Preferences,
            responses=error_responses(401))
async def get_preferences(ctx: Ctx, db: Db) -> dict[str, Any]:
    """Per kind of message: by email and/or in the app (every kind, defaults included)."""
    return {"kinds": await service.get_preferences(db, ctx)}


@router.put("/api/v1/notification-preferences", response_model=Preferences,
            responses=error_responses(401, 413, 422))
async def put_preferences(body: Preferences, ctx: Ctx, db: Db) -> dict[str, Any]:
    """Set the kinds named; the others keep their choice. An unknown kind is 422."""
    kinds = body.model_dump(exclude_none=True)["kinds"]
    return {"kinds": await service.put_preferences(db, ctx, kinds)}

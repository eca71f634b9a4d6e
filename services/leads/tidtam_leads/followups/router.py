from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Path, Query

from crmkit.deps import Ctx, Db, IdempotentDb
from crmkit.errors import error_responses
from crmkit.idempotency import IdempotentRoute

from . import service
from .schemas import EntryOut, FollowupIn, Kind

router = APIRouter(prefix="/api/v1/leads/{lead_id:id}", tags=["follow-ups"],
                   route_class=IdempotentRoute)


@router.post("/followups", status_code=201, response_model=EntryOut,
             responses=error_responses(401, 403, 404, 422))
async def log_followup(lead_id: uuid.UUID, body: FollowupIn, ctx: Ctx,
                       db: IdempotentDb) -> EntryOut:
    """Append to the lead's follow-up log. The log is append-only: there is no update or
    delete, and the database refuses both."""
    return await service.log(db, ctx, lead_id, body)


@router.get("/followups", response_model=list[EntryOut],
            responses=error_responses(401, 404, 422))
async def list_followups(lead_id: uuid.UUID, ctx: Ctx, db: Db,
                         kind: list[Kind] | None = Query(None)) -> list[EntryOut]:
    """The lead's log, oldest first, with author and time: follow-ups and every send, box
    move, stage change, restore and transfer (`kind`), and from the activities service's
    events the lead's activities (planned, done with their result, cancelled) and check-ins,
    which may trail them by a moment. `?kind=followup` for follow-ups only."""
    return await service.list_entries(db, ctx, lead_id, kind)


@router.get("/followups/{entry_id:int}", response_model=EntryOut,
            responses=error_responses(401, 404, 422))
async def get_followup(lead_id: uuid.UUID, entry_id: Annotated[int, Path(ge=1, le=2**63 - 1)],
                       ctx: Ctx, db: Db) -> EntryOut:
    """One entry of the lead's log (its `id` from the list). The log is append-only: PUT,
    PATCH and DELETE here are 405, and the database refuses them too."""
    return await service.get_entry(db, ctx, lead_id, entry_id)


@router.get("/history", response_model=list[EntryOut],
            responses=error_responses(401, 404, 422))
async def history(lead_id: uuid.UUID, ctx: Ctx, db: Db) -> list[EntryOut]:
    """The same log as GET /followups (kept as a clearer name for the whole history)."""
    return await service.list_entries(db, ctx, lead_id, None)

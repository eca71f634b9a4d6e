from __future__ import annotations

import uuid

from fastapi import APIRouter, Query, Request

from crmkit.deps import Ctx, IdempotentDb
from crmkit.errors import error_responses
from crmkit.idempotency import IdempotentRoute

from ..leads.schemas import Box
from . import service
from .schemas import BulkIn, BulkOut

router = APIRouter(tags=["lead actions"], route_class=IdempotentRoute)


@router.post("/api/v1/leads/bulk", response_model=BulkOut,
             responses=error_responses(401, 403, 404, 409, 422))
async def bulk(
    body: BulkIn, request: Request, ctx: Ctx, db: IdempotentDb,
    box: Box = Query("inbox", description="With all_matching: as GET /api/v1/leads"),
    q: str | None = Query(None, max_length=100, pattern=r"^[^\x00]*$"),
    label_id: uuid.UUID | None = None,
    pipeline_id: uuid.UUID | None = None,
    stage_id: uuid.UUID | None = None,
    owner_id: uuid.UUID | None = None,
    segment: uuid.UUID | None = None,
) -> BulkOut:
    """Send, label, unlabel, move stage, lose or junk many leads at once: `lead_ids` (at
    most 500), or `all_matching: true` with the list's own query parameters (and `cf.*`).

    Each lead is changed exactly as by its single action (same visibility, rules, history
    and events) and reported in `results`: `done`; `not_found` (no such lead, or one the
    caller may not see: a colleague's under `own` visibility); `refused` with the error's
    `code` and `message`. A wrong recipient, label, stage or reason is the whole request's
    error (404/409/422), nothing done. All of it commits together: with `Idempotency-Key`
    a retry replays the answer and changes nothing twice."""
    filters: dict[str, object] = dict(box=box, q=q, label_id=label_id,
                                      pipeline_id=pipeline_id, stage_id=stage_id,
                                      owner_id=owner_id, segment=segment)
    return await service.run(db, ctx, request, body, filters)

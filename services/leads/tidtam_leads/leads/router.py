from __future__ import annotations

import uuid

from fastapi import APIRouter, Query, Request, Response

from crmkit.deps import Ctx, Db
from crmkit.errors import error_responses
from crmkit.idempotency import IdempotentRoute, KeyHeader
from crmkit.paging import CURSOR_PATTERN

from . import service
from .schemas import Box, BoxCounts, LeadCreate, LeadCreated, LeadOut, LeadPage, LeadPatch

router = APIRouter(prefix="/api/v1/leads", tags=["leads"], route_class=IdempotentRoute)


@router.post("", status_code=201, response_model=LeadCreated,
             responses=error_responses(401, 404, 409, 422, 503))
async def create_lead(body: LeadCreate, request: Request, ctx: Ctx,
                      key: KeyHeader = None) -> Response:
    """Create a lead in its owner's Inbox. Open leads with the same phone or email are
    listed in `possible_duplicates`; the lead is created all the same. A source, owner,
    pipeline, stage or label the tenant does not have is 404 naming the field; a stage of
    another pipeline than `pipeline_id` is 409.

    With `account_id` (and optionally `contact_id`) the lead is made for an existing
    account: name, phone and email left out are the contact's (without `contact_id`, the
    account's primary contact, if any, which the lead then records as its contact), else
    the account's (its first phone and email), and `company` is the account's name for a
    company. A retired source is 409 `source_retired`, a retired label 409
    `label_retired`. An account
    or contact the caller may not see is 404 naming the field; the accounts service being
    unreachable is 503."""
    return await service.create_answer(request, ctx, body, key)


@router.get("", response_model=LeadPage, responses=error_responses(401, 404, 422))
async def list_leads(
    request: Request, ctx: Ctx, db: Db,
    box: Box = "inbox",
    q: str | None = Query(None, max_length=100, pattern=r"^[^\x00]*$",
                          description="Part of a name, phone (any form), email or company"),
    label_id: uuid.UUID | None = None,
    pipeline_id: uuid.UUID | None = None,
    stage_id: uuid.UUID | None = None,
    owner_id: uuid.UUID | None = None,
    qualified: bool | None = Query(None, description=(
        "`true`: qualified leads (POST …/qualify); `false`: the others (disqualified or "
        "not judged yet)")),
    segment: uuid.UUID | None = Query(None, description=(
        "A saved segment (GET /api/v1/segments?entity=lead): its filters apply too, ANDed "
        "with the ones given here; unknown or not visible to the caller: 404")),
    limit: int = Query(50, ge=1, le=200),
    cursor: str | None = Query(None, pattern=CURSOR_PATTERN,
                               description="`next_cursor` of the previous page"),
) -> Response:
    """A box, newest first. `sent`: leads the caller passed on to someone else.

    Custom fields filter too: `cf.<key>=value` (equality; for a multi_select field, "has
    this option"; for a checkbox, `false` also matches leads without a value) and
    `cf.<key>.min=` / `cf.<key>.max=` for number and date fields (inclusive). An unknown key
    or a value the field would refuse is 422 naming `query.cf.<key>`."""
    return await service.list_box(db, ctx, request=request, segment=segment, box=box,
                                  limit=limit, cursor=cursor, q=q,
                                  label_id=label_id, pipeline_id=pipeline_id,
                                  stage_id=stage_id, owner_id=owner_id, qualified=qualified)


@router.get("/counts", response_model=BoxCounts, responses=error_responses(401))
async def box_counts(ctx: Ctx, db: Db) -> BoxCounts:
    """How many leads each box holds for the caller, under the same visibility as the
    lists: `inbox`, `sent`, `lost`, `junk` are what `GET /leads?box=…` would list."""
    return await service.counts(db, ctx)


@router.get("/{lead_id:id}", response_model=LeadOut, responses=error_responses(401, 404, 422))
async def get_lead(lead_id: uuid.UUID, ctx: Ctx, db: Db) -> LeadOut:
    return await service.get(db, ctx, lead_id)


@router.patch("/{lead_id:id}", response_model=LeadOut,
              responses=error_responses(401, 403, 404, 422))
async def patch_lead(lead_id: uuid.UUID, body: LeadPatch, ctx: Ctx, db: Db) -> LeadOut:
    """Edit details. Status and stage change through the actions (`/send`, `/lost`, …)."""
    return await service.patch(db, ctx, lead_id, body)


@router.put("/{lead_id:id}/labels/{label_id}", response_model=LeadOut,
            responses=error_responses(401, 403, 404, 422))
async def add_label(lead_id: uuid.UUID, label_id: uuid.UUID, ctx: Ctx, db: Db) -> LeadOut:
    return await service.put_label(db, ctx, lead_id=lead_id, label_id=label_id, on=True)


@router.delete("/{lead_id:id}/labels/{label_id}", response_model=LeadOut,
               responses=error_responses(401, 403, 404, 422))
async def remove_label(lead_id: uuid.UUID, label_id: uuid.UUID, ctx: Ctx, db: Db) -> LeadOut:
    return await service.put_label(db, ctx, lead_id=lead_id, label_id=label_id, on=False)

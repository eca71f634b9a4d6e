from __future__ import annotations

import uuid

from fastapi import APIRouter, Query

from crmkit.deps import Ctx, Db, IdempotentDb
from crmkit.errors import error_responses
from crmkit.idempotency import IdempotentRoute
from crmkit.paging import CURSOR_PATTERN
from tidtam_contracts.deals import DealStatus

from ..actions.schemas import ReasonIn
from . import service
from .schemas import DealCreate, DealEntryOut, DealOut, DealPage, DealPatch, DealStageIn, DealWonIn

router = APIRouter(prefix="/api/v1/deals", tags=["deals"], route_class=IdempotentRoute)
ACTION_ERRORS = error_responses(401, 403, 404, 409, 422)


@router.post("", status_code=201, response_model=DealOut,
             responses=error_responses(401, 403, 404, 409, 422))
async def create_deal(body: DealCreate, ctx: Ctx, db: IdempotentDb) -> DealOut:
    """Open a deal with an account, on one of the tenant's pipelines (the leads' own):
    `stage_id`, else the first stage of `pipeline_id`, else of the standard pipeline. An
    owner, pipeline or stage the tenant does not have is 404 naming the field; a stage of
    another pipeline than `pipeline_id` is 409. An owner outside the caller's visibility is
    403. `account_id`/`contact_id` are references into the accounts service (not checked
    here yet)."""
    return await service.create(db, ctx, body)


@router.get("", response_model=DealPage, responses=error_responses(401, 422))
async def list_deals(
    ctx: Ctx, db: Db,
    status: DealStatus | None = None,
    pipeline_id: uuid.UUID | None = None,
    stage_id: uuid.UUID | None = None,
    owner_id: uuid.UUID | None = None,
    account_id: uuid.UUID | None = None,
    limit: int = Query(50, ge=1, le=200),
    cursor: str | None = Query(None, pattern=CURSOR_PATTERN,
                               description="`next_cursor` of the previous page"),
) -> DealPage:
    """The deals the caller may see (own / team / all, as leads), newest first."""
    return await service.list_page(db, ctx, limit=limit, cursor=cursor, filters=dict(
        status=status, pipeline_id=pipeline_id, stage_id=stage_id, owner_id=owner_id,
        account_id=account_id))


@router.get("/{deal_id}", response_model=DealOut, responses=error_responses(401, 404, 422))
async def get_deal(deal_id: uuid.UUID, ctx: Ctx, db: Db) -> DealOut:
    return await service.get(db, ctx, deal_id)


@router.patch("/{deal_id}", response_model=DealOut, responses=ACTION_ERRORS)
async def patch_deal(deal_id: uuid.UUID, body: DealPatch, ctx: Ctx, db: Db) -> DealOut:
    """Change name, owner, contact, amount, expected close date or probability; each change
    is kept in the history (before → after) and is `deal.updated`."""
    return await service.patch(db, ctx, deal_id, body)


@router.get("/{deal_id}/history", response_model=list[DealEntryOut],
            responses=error_responses(401, 404, 422))
async def deal_history(deal_id: uuid.UUID, ctx: Ctx, db: Db) -> list[DealEntryOut]:
    """Every change, oldest first: who, when, field → [before, after] (append-only)."""
    return await service.history(db, ctx, deal_id)


@router.post("/{deal_id}/stage", response_model=DealOut, responses=ACTION_ERRORS)
async def deal_stage(deal_id: uuid.UUID, body: DealStageIn, ctx: Ctx,
                     db: IdempotentDb) -> DealOut:
    """Another pipeline's stage moves the deal there; an earlier stage of a pipeline than
    the one the deal held there (also by way of another pipeline) is 409
    `stage_back_not_allowed` unless the tenant allows it or the caller is an admin."""
    return await service.change_stage(db, ctx, deal_id, body)


@router.post("/{deal_id}/won", response_model=DealOut, responses=ACTION_ERRORS)
async def deal_won(deal_id: uuid.UUID, body: DealWonIn, ctx: Ctx, db: IdempotentDb) -> DealOut:
    """Won, at `amount` (default: as it is) on `closed_on` (default: today in the tenant's
    time zone). Not open: 409."""
    return await service.won(db, ctx, deal_id, body)


@router.post("/{deal_id}/lost", response_model=DealOut, responses=ACTION_ERRORS)
async def deal_lost(deal_id: uuid.UUID, body: ReasonIn, ctx: Ctx, db: IdempotentDb) -> DealOut:
    """Lost, saying why (`reason`). Not open: 409."""
    return await service.lost(db, ctx, deal_id, body)


@router.post("/{deal_id}/reopen", response_model=DealOut, responses=ACTION_ERRORS)
async def deal_reopen(deal_id: uuid.UUID, ctx: Ctx, db: IdempotentDb) -> DealOut:
    """Back to open from won or lost (admins only: else 403)."""
    return await service.reopen(db, ctx, deal_id)

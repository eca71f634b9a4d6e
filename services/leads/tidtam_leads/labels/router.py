from __future__ import annotations

from fastapi import APIRouter

from crmkit.deps import Ctx, Db, IdempotentDb
from crmkit.errors import error_responses
from crmkit.idempotency import IdempotentRoute

from . import service
from .schemas import LabelIn, LabelOut

router = APIRouter(prefix="/api/v1/labels", tags=["labels"], route_class=IdempotentRoute)


@router.get("", response_model=list[LabelOut], responses=error_responses(401))
async def list_labels(ctx: Ctx, db: Db) -> list[LabelOut]:
    """System labels and the caller's personal ones."""
    return await service.list_visible(db, ctx)


@router.post("", status_code=201, response_model=LabelOut,
             responses=error_responses(401, 403, 409, 422))
async def create_label(body: LabelIn, ctx: Ctx, db: IdempotentDb) -> LabelOut:
    """System labels by admins only; personal labels by anyone, seen only by their maker."""
    return await service.create(db, ctx, body)

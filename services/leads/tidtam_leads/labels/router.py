from __future__ import annotations

import uuid

from fastapi import APIRouter, Query

from crmkit.deps import Ctx, Db, IdempotentDb
from crmkit.errors import error_responses
from crmkit.idempotency import IdempotentRoute

from . import service
from .schemas import LabelIn, LabelOut, LabelPatch

router = APIRouter(prefix="/api/v1/labels", tags=["labels"], route_class=IdempotentRoute)


@router.get("", response_model=list[LabelOut], responses=error_responses(401, 422))
async def list_labels(ctx: Ctx, db: Db, include_retired: bool = Query(
        False, description="Also the retired ones (`retired: true`), e.g. to name them on "
                           "older leads; pickers leave them out")) -> list[LabelOut]:
    """System labels and the caller's personal ones (never another user's)."""
    return await service.list_visible(db, ctx, include_retired=include_retired)


@router.post("", status_code=201, response_model=LabelOut,
             responses=error_responses(401, 403, 409, 422))
async def create_label(body: LabelIn, ctx: Ctx, db: IdempotentDb) -> LabelOut:
    """System labels by admins only; personal labels by anyone, seen only by their maker."""
    return await service.create(db, ctx, body)


@router.patch("/{label_id}", response_model=LabelOut,
              responses=error_responses(401, 403, 404, 409, 422))
async def patch_label(label_id: uuid.UUID, body: LabelPatch, ctx: Ctx, db: Db) -> LabelOut:
    """Rename, recolour or retire a label: system ones by admins (else 403), personal ones
    by their maker (another user's is 404). A name taken is 409 `already_exists`."""
    return await service.patch(db, ctx, label_id, body)

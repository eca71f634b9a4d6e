from __future__ import annotations

import uuid

from fastapi import APIRouter, Path, Query

from crmkit.deps import Ctx, Db, IdempotentDb
from crmkit.errors import error_responses
from crmkit.idempotency import IdempotentRoute

from . import service
from .schemas import ReasonIn, ReasonKind, ReasonOut, ReasonPatch, SourceIn, SourceOut, SourcePatch

router = APIRouter(tags=["catalog"], route_class=IdempotentRoute)
INCLUDE_RETIRED = Query(False, description="Also the retired ones (`retired: true`), e.g. to "
                                           "name them on older leads; pickers leave them out")
CHANGE = error_responses(401, 403, 404, 409, 422)


@router.get("/api/v1/lead-sources", response_model=list[SourceOut],
            responses=error_responses(401, 422))
async def list_sources(ctx: Ctx, db: Db, include_retired: bool = INCLUDE_RETIRED
                       ) -> list[SourceOut]:
    return await service.list_sources(db, ctx, include_retired=include_retired)


@router.post("/api/v1/lead-sources", status_code=201, response_model=SourceOut,
             responses=error_responses(401, 403, 409, 422))
async def add_source(body: SourceIn, ctx: Ctx, db: IdempotentDb) -> SourceOut:
    return await service.add_source(db, ctx, body)


@router.patch("/api/v1/lead-sources/{key}", response_model=SourceOut, responses=CHANGE)
async def patch_source(ctx: Ctx, db: Db, body: SourcePatch,
                       key: str = Path(pattern=r"^[a-z][a-z0-9_]{0,39}$")) -> SourceOut:
    """Rename or retire (admins only). A retired source stays on its leads; new leads and
    edits may not pick it (409 `source_retired`)."""
    return await service.patch_source(db, ctx, key, body)


@router.get("/api/v1/lead-reasons", response_model=list[ReasonOut],
            responses=error_responses(401, 422))
async def list_reasons(ctx: Ctx, db: Db, kind: ReasonKind | None = Query(None),
                       include_retired: bool = INCLUDE_RETIRED) -> list[ReasonOut]:
    return await service.list_reasons(db, ctx, kind, include_retired=include_retired)


@router.post("/api/v1/lead-reasons", status_code=201, response_model=ReasonOut,
             responses=error_responses(401, 403, 409, 422))
async def add_reason(body: ReasonIn, ctx: Ctx, db: IdempotentDb) -> ReasonOut:
    return await service.add_reason(db, ctx, body)


@router.patch("/api/v1/lead-reasons/{reason_id}", response_model=ReasonOut, responses=CHANGE)
async def patch_reason(reason_id: uuid.UUID, body: ReasonPatch, ctx: Ctx,
                       db: Db) -> ReasonOut:
    """Rename (`text`) or retire (admins only). A retired reason's text is refused for new
    lost or junk moves (409 `reason_retired`); leads that have it keep it."""
    return await service.patch_reason(db, ctx, reason_id, body)

from __future__ import annotations

from fastapi import APIRouter, Query

from crmkit.deps import Ctx, Db, IdempotentDb
from crmkit.errors import error_responses
from crmkit.idempotency import IdempotentRoute

from . import service
from .schemas import ReasonIn, ReasonKind, ReasonOut, SourceIn, SourceOut

router = APIRouter(tags=["catalog"], route_class=IdempotentRoute)


@router.get("/api/v1/lead-sources", response_model=list[SourceOut],
            responses=error_responses(401))
async def list_sources(ctx: Ctx, db: Db) -> list[SourceOut]:
    return await service.list_sources(db, ctx)


@router.post("/api/v1/lead-sources", status_code=201, response_model=SourceOut,
             responses=error_responses(401, 403, 409, 422))
async def add_source(body: SourceIn, ctx: Ctx, db: IdempotentDb) -> SourceOut:
    return await service.add_source(db, ctx, body)


@router.get("/api/v1/lead-reasons", response_model=list[ReasonOut],
            responses=error_responses(401, 422))
async def list_reasons(ctx: Ctx, db: Db, kind: ReasonKind | None = Query(None)) -> list[ReasonOut]:
    return await service.list_reasons(db, ctx, kind)


@router.post("/api/v1/lead-reasons", status_code=201, response_model=ReasonOut,
             responses=error_responses(401, 403, 409, 422))
async def add_reason(body: ReasonIn, ctx: Ctx, db: IdempotentDb) -> ReasonOut:
    return await service.add_reason(db, ctx, body)

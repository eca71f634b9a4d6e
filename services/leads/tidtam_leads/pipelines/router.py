from __future__ import annotations

import uuid

from fastapi import APIRouter

from crmkit.deps import Ctx, Db, IdempotentDb
from crmkit.errors import error_responses
from crmkit.idempotency import IdempotentRoute

from . import service
from .schemas import PipelineIn, PipelineOut, StageIn

router = APIRouter(prefix="/api/v1/pipelines", tags=["pipelines"], route_class=IdempotentRoute)


@router.get("", response_model=list[PipelineOut], responses=error_responses(401))
async def list_pipelines(ctx: Ctx, db: Db) -> list[PipelineOut]:
    """Every pipeline of the tenant, the standard one first, stages in order."""
    return await service.list_pipelines(db, ctx)


@router.post("", status_code=201, response_model=PipelineOut,
             responses=error_responses(401, 403, 409, 422))
async def create_pipeline(body: PipelineIn, ctx: Ctx, db: IdempotentDb) -> PipelineOut:
    """Admins only; at most 10 besides the standard one (the 11th is 409), each with at most
    10 stages."""
    return await service.create_pipeline(db, ctx, body)


@router.get("/{pipeline_id}", response_model=PipelineOut,
            responses=error_responses(401, 404, 422))
async def get_pipeline(pipeline_id: uuid.UUID, ctx: Ctx, db: Db) -> PipelineOut:
    return await service.get_pipeline(db, ctx, pipeline_id)


@router.post("/{pipeline_id}/stages", status_code=201, response_model=PipelineOut,
             responses=error_responses(401, 403, 404, 409, 422))
async def add_stage(pipeline_id: uuid.UUID, body: StageIn, ctx: Ctx,
                    db: IdempotentDb) -> PipelineOut:
    """Append a stage (admins only; at most 10 per pipeline: the 11th is 409)."""
    return await service.add_stage(db, ctx, pipeline_id, body)

from __future__ import annotations

import uuid

from fastapi import APIRouter, Query

from crmkit.deps import Ctx, Db, IdempotentDb
from crmkit.errors import error_responses
from crmkit.idempotency import IdempotentRoute

from . import changes, service
from .schemas import (
    PipelineDeleted,
    PipelineIn,
    PipelineLimits,
    PipelineOut,
    PipelinePatch,
    StageDeleted,
    StageIn,
    StageOrder,
    StagePatch,
)

router = APIRouter(prefix="/api/v1/pipelines", tags=["pipelines"], route_class=IdempotentRoute)
CHANGE = error_responses(401, 403, 404, 409, 422)
MOVE_TO_STAGE = Query(None, description="Where the leads of what is deleted go: a stage (of "
                                        "any pipeline but the deleted one)")


@router.get("", response_model=list[PipelineOut], responses=error_responses(401))
async def list_pipelines(ctx: Ctx, db: Db) -> list[PipelineOut]:
    """Every pipeline of the tenant, the standard one first, stages in order."""
    return await service.list_pipelines(db, ctx)


@router.get("/limits", response_model=PipelineLimits, responses=error_responses(401))
async def pipeline_limits(ctx: Ctx, db: Db) -> PipelineLimits:
    """How many pipelines (besides the standard one) and stages a tenant may have, and how
    many pipelines it has added. Past a limit, adding is 409 `limit_reached`."""
    return await service.limits(db, ctx)


@router.post("", status_code=201, response_model=PipelineOut,
             responses=error_responses(401, 403, 409, 422))
async def create_pipeline(body: PipelineIn, ctx: Ctx, db: IdempotentDb) -> PipelineOut:
    """Admins only; at most 10 besides the standard one (the 11th is 409 `limit_reached`),
    each with at most 10 stages."""
    return await service.create_pipeline(db, ctx, body)


@router.get("/{pipeline_id:id}", response_model=PipelineOut,
            responses=error_responses(401, 404, 422))
async def get_pipeline(pipeline_id: uuid.UUID, ctx: Ctx, db: Db) -> PipelineOut:
    return await service.get_pipeline(db, ctx, pipeline_id)


@router.patch("/{pipeline_id:id}", response_model=PipelineOut, responses=CHANGE)
async def rename_pipeline(pipeline_id: uuid.UUID, body: PipelinePatch, ctx: Ctx,
                          db: Db) -> PipelineOut:
    """Rename (admins only): `name`, `name_en` (null clears it)."""
    return await changes.rename_pipeline(db, ctx, pipeline_id, body)


@router.delete("/{pipeline_id:id}", response_model=PipelineDeleted, responses=CHANGE)
async def delete_pipeline(
    pipeline_id: uuid.UUID, ctx: Ctx, db: Db,
    move_to_stage_id: uuid.UUID | None = MOVE_TO_STAGE,
    move_to_pipeline_id: uuid.UUID | None = Query(
        None, description="Or: another pipeline, whose first stage the leads go to"),
) -> PipelineDeleted:
    """Delete a pipeline and its stages (admins only; not the standard one: 409
    `standard_pipeline`). With leads in it and no target it is 409 `pipeline_has_leads`
    saying how many; with one, each lead moves there as a stage move (history and
    `lead.stage_changed`)."""
    return await changes.delete_pipeline(db, ctx, pipeline_id,
                                         move_to_stage_id=move_to_stage_id,
                                         move_to_pipeline_id=move_to_pipeline_id)


@router.post("/{pipeline_id:id}/stages", status_code=201, response_model=PipelineOut,
             responses=CHANGE)
async def add_stage(pipeline_id: uuid.UUID, body: StageIn, ctx: Ctx,
                    db: IdempotentDb) -> PipelineOut:
    """Append a stage (admins only; at most 10 per pipeline: the 11th is 409
    `limit_reached`)."""
    return await service.add_stage(db, ctx, pipeline_id, body)


@router.put("/{pipeline_id:id}/stage-order", response_model=PipelineOut, responses=CHANGE)
async def reorder_stages(pipeline_id: uuid.UUID, body: StageOrder, ctx: Ctx,
                         db: Db) -> PipelineOut:
    """Reorder the stages (admins only): every stage id of the pipeline once, in the new
    order (else 422). New leads start in the first."""
    return await changes.reorder_stages(db, ctx, pipeline_id, body)


@router.patch("/{pipeline_id:id}/stages/{stage_id:id}", response_model=PipelineOut,
              responses=CHANGE)
async def rename_stage(pipeline_id: uuid.UUID, stage_id: uuid.UUID, body: StagePatch,
                       ctx: Ctx, db: Db) -> PipelineOut:
    """Rename a stage or set its default deal probability (admins only); the pipeline is
    returned. Deals take the probability when they enter the stage."""
    return await changes.rename_stage(db, ctx, pipeline_id, stage_id, body)


@router.delete("/{pipeline_id:id}/stages/{stage_id:id}", response_model=StageDeleted,
               responses=CHANGE)
async def delete_stage(pipeline_id: uuid.UUID, stage_id: uuid.UUID, ctx: Ctx, db: Db,
                       move_to_stage_id: uuid.UUID | None = MOVE_TO_STAGE) -> StageDeleted:
    """Delete a stage (admins only; not a pipeline's last: 409 `last_stage`). With leads in
    it and no `move_to_stage_id` it is 409 `stage_has_leads` saying how many; with one,
    each lead moves there as a stage move (history and `lead.stage_changed`)."""
    return await changes.delete_stage(db, ctx, pipeline_id, stage_id, move_to_stage_id)

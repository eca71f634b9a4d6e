"""Renaming, reordering and deleting pipelines and stages (admins only).

Leads on a deleted stage or pipeline move to the stage the admin names, each one as a stage
move: its history entry (`stage_changed`, with `because`) and its `lead.stage_changed`
event; the set-up event (`pipeline.stage_deleted`, `pipeline.deleted`) says how many moved.
Whoever owns them and whatever the stage-back setting: deleting the stage is the admin's
decision. Without a target, a stage or pipeline with leads is 409 saying how many and what
to send.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from crmkit import outbox
from crmkit.context import RequestContext
from crmkit.errors import NotFound, Unprocessable
from tidtam_contracts.lead_setup import (
    PipelineDeletedV1,
    PipelineStageDeletedV1,
    PipelineUpdatedV1,
)
from tidtam_contracts.leads import LeadStageChangedV2

from ..catalog import events
from ..errors import refused
from ..leads.events import lead_event
from . import repository
from .models import Pipeline, Stage
from .repository import MovedRow
from .schemas import (
    PipelineDeleted,
    PipelineOut,
    PipelinePatch,
    StageDeleted,
    StageOrder,
    StagePatch,
)
from .service import announce, get_pipeline, start_change

TARGET = "query.move_to_stage_id"


async def _pipeline(session: AsyncSession, ctx: RequestContext,
                    pid: uuid.UUID) -> tuple[Pipeline, list[Stage]]:
    found = await repository.list_all(session, ctx.tenant, pid)
    if not found:
        raise NotFound("no such pipeline")
    return found[0]


async def _setup_changed(session: AsyncSession, ctx: RequestContext) -> None:
    from ..catalog.service import setup_changed

    await setup_changed(session, ctx.tenant)


def _renamed(body: PipelinePatch, name: str, name_en: str | None) -> dict[str, str | None]:
    """The fields `body` changes (name may not be null; name_en null clears it)."""
    values: dict[str, str | None] = {}
    if body.name is not None and body.name != name:
        values["name"] = body.name
    if "name_en" in body.model_fields_set and body.name_en != name_en:
        values["name_en"] = body.name_en
    return values


async def rename_pipeline(session: AsyncSession, ctx: RequestContext, pid: uuid.UUID,
                          body: PipelinePatch) -> PipelineOut:
    await start_change(session, ctx, "rename pipelines")
    pipe, _ = await _pipeline(session, ctx, pid)
    values = _renamed(body, pipe.name, pipe.name_en)
    if not values:
        return await get_pipeline(session, ctx, pid)
    await repository.bump(session, ctx.tenant, pid, values)
    return await announce(session, ctx, pid, PipelineUpdatedV1, changed=sorted(values))


async def rename_stage(session: AsyncSession, ctx: RequestContext, pid: uuid.UUID,
                       sid: uuid.UUID, body: StagePatch) -> PipelineOut:
    await start_change(session, ctx, "rename stages")
    _, stages = await _pipeline(session, ctx, pid)
    stage = next((s for s in stages if s.id == sid), None)
    if stage is None:
        raise NotFound("the pipeline has no such stage")
    values: dict[str, object] = dict(_renamed(body, stage.name, stage.name_en))
    if "probability" in body.model_fields_set and body.probability != stage.probability:
        values["probability"] = body.probability
    if not values:
        return await get_pipeline(session, ctx, pid)
    await repository.update_stage(session, ctx.tenant, sid, values)
    await repository.bump(session, ctx.tenant, pid)
    return await announce(session, ctx, pid, PipelineUpdatedV1, changed=["stages"])


async def reorder_stages(session: AsyncSession, ctx: RequestContext, pid: uuid.UUID,
                         body: StageOrder) -> PipelineOut:
    await start_change(session, ctx, "reorder stages")
    _, stages = await _pipeline(session, ctx, pid)
    current = [s.id for s in stages]
    if sorted(body.stage_ids) != sorted(current):
        listed = ", ".join(f"{s.id} ({s.name})" for s in stages)
        raise Unprocessable.on("body.stage_ids", "must list every stage of the pipeline "
                                                 f"exactly once, in the new order: {listed}")
    if body.stage_ids == current:
        return await get_pipeline(session, ctx, pid)
    await repository.set_order(session, ctx.tenant, pid, body.stage_ids)
    await repository.bump(session, ctx.tenant, pid)
    await _setup_changed(session, ctx)  # the first stage (where new leads start) may differ
    return await announce(session, ctx, pid, PipelineUpdatedV1, changed=["stages"])


async def _move_off(session: AsyncSession, ctx: RequestContext, target: Stage | None, *,
                    count: int, because: str, from_stage: uuid.UUID | None = None,
                    from_pipeline: uuid.UUID | None = None) -> dict[str, Any]:
    """Move the leads (if any) to `target`, each with its event; what the set-up event
    says of it."""
    moved: list[MovedRow] = []
    if target is not None and count:
        moved = await repository.move_leads(session, ctx.tenant, from_stage=from_stage,
                                            from_pipeline=from_pipeline, to_stage=target,
                                            author=ctx.user_id, because=because)
        await outbox.stage_many(session, [lead_event(
            ctx.tenant, LeadStageChangedV2, row, from_pipeline_id=row["from_pipeline_id"],
            from_stage_id=row["from_stage_id"], to_pipeline_id=row["pipeline_id"],
            to_stage_id=row["stage_id"]) for row in moved])
    return dict(leads_moved=len(moved),
                moved_to_pipeline_id=target.pipeline_id if moved and target else None,
                moved_to_stage_id=target.id if moved and target else None)


async def _target(session: AsyncSession, ctx: RequestContext,
                  stage_id: uuid.UUID | None) -> Stage | None:
    if stage_id is None:
        return None
    stage = await repository.get_stage(session, ctx.tenant, stage_id)
    if stage is None:
        raise NotFound.on(TARGET, f"no stage {stage_id} in this tenant", code="unknown_stage")
    return stage


async def delete_stage(session: AsyncSession, ctx: RequestContext, pid: uuid.UUID,
                       sid: uuid.UUID, move_to_stage_id: uuid.UUID | None) -> StageDeleted:
    await start_change(session, ctx, "delete stages")
    _, stages = await _pipeline(session, ctx, pid)
    stage = next((s for s in stages if s.id == sid), None)
    if stage is None:
        raise NotFound("the pipeline has no such stage")
    if len(stages) == 1:
        raise refused("a pipeline needs at least one stage: add another first, or delete "
                      "the pipeline", "last_stage")
    if move_to_stage_id == sid:
        raise Unprocessable.on(TARGET, "is the stage being deleted; name another stage")
    target = await _target(session, ctx, move_to_stage_id)
    await repository.get_stage(session, ctx.tenant, sid, lock=True)
    count = await repository.count_leads(session, ctx.tenant, stage_id=sid)
    if count and target is None:
        raise refused(f"{count} lead(s) are in the stage \"{stage.name}\"; send "
                      "move_to_stage_id (another stage, of any pipeline) to move them there "
                      "and delete the stage", "stage_has_leads", TARGET)
    moved = await _move_off(session, ctx, target, count=count, because="stage_deleted",
                            from_stage=sid)
    await repository.delete_stages(session, ctx.tenant, pid=pid, sid=sid)
    await repository.set_order(session, ctx.tenant, pid, [s.id for s in stages if s.id != sid])
    await repository.bump(session, ctx.tenant, pid)
    await _setup_changed(session, ctx)
    out = await announce(session, ctx, pid, PipelineStageDeletedV1, stage_id=sid,
                         stage_name=stage.name, **moved)
    return StageDeleted(pipeline=out, leads_moved=moved["leads_moved"])


async def delete_pipeline(session: AsyncSession, ctx: RequestContext, pid: uuid.UUID, *,
                          move_to_stage_id: uuid.UUID | None,
                          move_to_pipeline_id: uuid.UUID | None) -> PipelineDeleted:
    await start_change(session, ctx, "delete pipelines")
    pipe, _ = await _pipeline(session, ctx, pid)
    if pipe.is_standard:
        raise refused("the standard pipeline cannot be deleted (new leads start there); "
                      "rename it instead", "standard_pipeline")
    target = await _target(session, ctx, move_to_stage_id)
    if target is None and move_to_pipeline_id is not None:
        target = await repository.first_stage(session, ctx.tenant, move_to_pipeline_id)
        if target is None:
            raise NotFound.on("query.move_to_pipeline_id",
                              f"no pipeline {move_to_pipeline_id} in this tenant")
    if target is not None and target.pipeline_id == pid:
        raise Unprocessable.on(TARGET if move_to_stage_id else "query.move_to_pipeline_id",
                               "is in the pipeline being deleted; name another pipeline's")
    if (target is not None and move_to_pipeline_id is not None
            and target.pipeline_id != move_to_pipeline_id):
        raise Unprocessable.on(TARGET, "is not a stage of move_to_pipeline_id")
    await repository.lock_stages(session, ctx.tenant, pid)
    count = await repository.count_leads(session, ctx.tenant, pipeline_id=pid)
    if count and target is None:
        raise refused(f"{count} lead(s) are in the pipeline \"{pipe.name}\"; send "
                      "move_to_pipeline_id (to its first stage) or move_to_stage_id (a "
                      "stage of another pipeline) to move them there and delete it",
                      "pipeline_has_leads", TARGET)
    moved = await _move_off(session, ctx, target, count=count, because="pipeline_deleted",
                            from_pipeline=pid)
    await repository.delete_stages(session, ctx.tenant, pid=pid)
    await repository.delete_pipeline(session, ctx.tenant, pid)
    await _setup_changed(session, ctx)
    version = pipe.version + 1
    await events.stage(session, ctx.tenant, PipelineDeletedV1.model_validate(dict(
        id=pid, name=pipe.name, name_en=pipe.name_en, version=version, **moved)),
        subject=str(pid), version=version)
    return PipelineDeleted(leads_moved=moved["leads_moved"])

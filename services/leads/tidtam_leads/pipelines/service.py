from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.context import RequestContext, TenantId
from crmkit.errors import Conflict, Forbidden, NotFound
from tidtam_contracts.lead_setup import PipelineCreatedV1, PipelineEvent, PipelineUpdatedV1

from ..catalog import cache, defaults, events
from ..catalog.cache import StartStage
from ..errors import refused
from . import repository
from .models import Pipeline, Stage
from .schemas import (
    MAX_EXTRA_PIPELINES,
    MAX_STAGES,
    PipelineIn,
    PipelineLimits,
    PipelineOut,
    StageIn,
    StageOut,
)

WROTE_CATALOG = "tidtam_leads.wrote_catalog"  # set by catalog.ensure_defaults
WROTE_PIPELINES = "tidtam_leads.wrote_pipelines"


def standard_pipeline_id(tenant: TenantId) -> uuid.UUID:
    return uuid.uuid5(tenant.value, "pipeline:standard")


async def standard_exists(session: AsyncSession, tenant: TenantId) -> bool:
    return await repository.standard_id(session, tenant) is not None


async def create_standard(session: AsyncSession, tenant: TenantId) -> None:
    pid = standard_pipeline_id(tenant)
    name, name_en = defaults.STANDARD_PIPELINE
    await repository.insert_pipeline(session, tenant, pid, name, name_en, True, [
        (uuid.uuid5(tenant.value, f"stage:standard:{i}"), n, en, None)
        for i, (n, en) in enumerate(defaults.STANDARD_STAGES)
    ])


def _out(pipe: Pipeline, stages: Sequence[Stage]) -> PipelineOut:
    return PipelineOut(id=pipe.id, name=pipe.name, name_en=pipe.name_en,
                       is_standard=pipe.is_standard,
                       stages=[StageOut(id=s.id, name=s.name, name_en=s.name_en,
                                        position=s.position, probability=s.probability)
                               for s in stages])


async def list_pipelines(session: AsyncSession, ctx: RequestContext) -> list[PipelineOut]:
    from ..catalog.service import ensure_defaults

    await ensure_defaults(session, ctx.tenant)
    return [_out(p, s) for p, s in await repository.list_all(session, ctx.tenant)]


async def get_pipeline(session: AsyncSession, ctx: RequestContext,
                       pid: uuid.UUID) -> PipelineOut:
    found = await repository.list_all(session, ctx.tenant, pid)
    if not found:
        raise NotFound("no such pipeline")
    return _out(*found[0])


async def start_change(session: AsyncSession, ctx: RequestContext, what: str) -> None:
    """Admins only; one change of the tenant's pipelines at a time (so two admins cannot
    both add the 10th and pass the limit, or reorder what the other deletes)."""
    if not ctx.is_admin:
        raise Forbidden(f"only an admin may {what}")
    session.info[WROTE_PIPELINES] = True
    await repository.lock_pipelines(session, ctx.tenant)


async def announce(session: AsyncSession, ctx: RequestContext, pid: uuid.UUID,
                   contract: type[PipelineEvent], **extra: object) -> PipelineOut:
    """Stage the pipeline's event (the pipeline as it is now) and return it."""
    pipe, stages = (await repository.list_all(session, ctx.tenant, pid))[0]
    out = _out(pipe, stages)
    data = contract.model_validate({**out.model_dump(), "version": pipe.version, **extra})
    await events.stage(session, ctx.tenant, data, subject=str(pid), version=pipe.version)
    return out


async def limits(session: AsyncSession, ctx: RequestContext) -> PipelineLimits:
    return PipelineLimits(max_pipelines=MAX_EXTRA_PIPELINES, max_stages=MAX_STAGES,
                          pipelines=await repository.count_extra(session, ctx.tenant))


async def create_pipeline(session: AsyncSession, ctx: RequestContext,
                          body: PipelineIn) -> PipelineOut:
    from ..catalog.service import ensure_defaults

    await start_change(session, ctx, "add pipelines")
    await ensure_defaults(session, ctx.tenant)
    if await repository.count_extra(session, ctx.tenant) >= MAX_EXTRA_PIPELINES:
        raise refused(f"a tenant may add at most {MAX_EXTRA_PIPELINES} pipelines besides "
                      "the standard one; delete one first", "limit_reached")
    pid = uuid.uuid4()
    await repository.insert_pipeline(session, ctx.tenant, pid, body.name, body.name_en, False,
                                     [(uuid.uuid4(), s.name, s.name_en, s.probability)
                                      for s in body.stages])
    return await announce(session, ctx, pid, PipelineCreatedV1)


async def add_stage(session: AsyncSession, ctx: RequestContext, pid: uuid.UUID,
                    body: StageIn) -> PipelineOut:
    await start_change(session, ctx, "add stages")
    await get_pipeline(session, ctx, pid)
    count = await repository.count_stages(session, ctx.tenant, pid)
    if count >= MAX_STAGES:
        raise refused(f"a pipeline has at most {MAX_STAGES} stages; this one already has "
                      f"{count}: delete one first", "limit_reached")
    await repository.insert_stage(session, ctx.tenant, pid=pid, sid=uuid.uuid4(),
                                  name=body.name, name_en=body.name_en, position=count,
                                  probability=body.probability)
    await repository.bump(session, ctx.tenant, pid)
    return await announce(session, ctx, pid, PipelineUpdatedV1, changed=["stages"])


async def resolve_stage(session: AsyncSession, ctx: RequestContext, *,
                        pipeline_id: uuid.UUID | None, stage_id: uuid.UUID | None,
                        prefix: str = "body") -> Stage | StartStage:
    """The stage a new lead starts in: given, or the first of the given (else standard)
    pipeline. Unknown ids are 422 naming the field."""
    known = cache.of(session)
    generation = known.generation
    if stage_id is None:
        cached = known.first_stage.get((ctx.tenant.value, pipeline_id))
        if cached is not None:
            return cached
    if stage_id is not None:
        stage = await repository.get_stage(session, ctx.tenant, stage_id)
        if stage is None:
            raise NotFound.on(f"{prefix}.stage_id", f"no stage {stage_id} in this tenant",
                              code="unknown_stage")
        if pipeline_id is not None and stage.pipeline_id != pipeline_id:
            raise Conflict.on(f"{prefix}.stage_id",
                                   "belongs to another pipeline than pipeline_id",
                              code="stage_of_other_pipeline")
        return stage
    pid = pipeline_id or await repository.standard_id(session, ctx.tenant)
    stage = await repository.first_stage(session, ctx.tenant, pid) if pid else None
    if stage is None:
        raise NotFound.on(f"{prefix}.pipeline_id", f"no pipeline {pipeline_id} in this "
                                                        "tenant", code="unknown_pipeline")
    if (not session.info.get(WROTE_CATALOG) and not session.info.get(WROTE_PIPELINES)
            and known.may_store(generation)):
        known.first_stage[(ctx.tenant.value, pipeline_id)] = StartStage(stage.id,
                                                                        stage.pipeline_id)
    return stage


async def get_stage(session: AsyncSession, ctx: RequestContext, sid: uuid.UUID) -> Stage | None:
    return await repository.get_stage(session, ctx.tenant, sid)

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.context import TenantId
from crmkit.db import rows_as

from ..leads.models import Lead
from ..leads.repository import COLUMNS, LeadRow
from .models import Pipeline, Stage


async def standard_id(session: AsyncSession, tenant: TenantId) -> uuid.UUID | None:
    return await session.scalar(sa.select(Pipeline.id).where(
        Pipeline.tenant_id == tenant.value, Pipeline.is_standard.is_(True)))


async def insert_pipeline(session: AsyncSession, tenant: TenantId, pid: uuid.UUID, name: str,
                          name_en: str | None, is_standard: bool,
                          stages: list[tuple[uuid.UUID, str, str | None, int | None]]
                          ) -> None:
    # ON CONFLICT DO NOTHING: the standard pipeline may be created by a racing request.
    await session.execute(insert(Pipeline).values(
        tenant_id=tenant.value, id=pid, name=name, name_en=name_en, is_standard=is_standard,
    ).on_conflict_do_nothing())
    await session.execute(insert(Stage).values([
        dict(tenant_id=tenant.value, id=sid, pipeline_id=pid, name=n, name_en=en, position=i,
             probability=prob)
        for i, (sid, n, en, prob) in enumerate(stages)
    ]).on_conflict_do_nothing())


async def insert_stage(session: AsyncSession, tenant: TenantId, *, pid: uuid.UUID,
                       sid: uuid.UUID, name: str, name_en: str | None, position: int,
                       probability: int | None = None) -> None:
    await session.execute(insert(Stage).values(
        tenant_id=tenant.value, id=sid, pipeline_id=pid, name=name, name_en=name_en,
        position=position, probability=probability))


async def lock_pipelines(session: AsyncSession, tenant: TenantId) -> None:
    """Serialise pipeline/stage additions of one tenant, so two admins cannot both add the
    10th and pass the limit."""
    await session.execute(sa.select(sa.func.pg_advisory_xact_lock(
        sa.func.hashtext("pipelines:" + str(tenant.value)))))


async def count_extra(session: AsyncSession, tenant: TenantId) -> int:
    return (await session.execute(sa.select(sa.func.count()).where(
        Pipeline.tenant_id == tenant.value, Pipeline.is_standard.is_(False)))).scalar_one()


async def count_stages(session: AsyncSession, tenant: TenantId, pid: uuid.UUID) -> int:
    return (await session.execute(sa.select(sa.func.count()).where(
        Stage.tenant_id == tenant.value, Stage.pipeline_id == pid))).scalar_one()


async def list_all(session: AsyncSession, tenant: TenantId,
                   pid: uuid.UUID | None = None) -> list[tuple[Pipeline, list[Stage]]]:
    q = sa.select(Pipeline).where(Pipeline.tenant_id == tenant.value)
    if pid:
        q = q.where(Pipeline.id == pid)
    pipes = list((await session.execute(
        q.order_by(Pipeline.is_standard.desc(), Pipeline.created_at, Pipeline.id)
        .execution_options(populate_existing=True))).scalars())
    if not pipes:
        return []
    stages = (await session.execute(sa.select(Stage).where(
        Stage.tenant_id == tenant.value, Stage.pipeline_id.in_([p.id for p in pipes]))
        .order_by(Stage.position).execution_options(populate_existing=True))).scalars()
    by_pipe: dict[uuid.UUID, list[Stage]] = {p.id: [] for p in pipes}
    for s in stages:
        by_pipe[s.pipeline_id].append(s)
    return [(p, by_pipe[p.id]) for p in pipes]


async def get_stage(session: AsyncSession, tenant: TenantId, sid: uuid.UUID, *,
                    lock: bool = False) -> Stage | None:
    """With `lock`, no lead can be put in the stage until the transaction ends."""
    return await session.get(Stage, (tenant.value, sid), with_for_update=lock or None)


async def first_stage(session: AsyncSession, tenant: TenantId, pid: uuid.UUID) -> Stage | None:
    return (await session.execute(sa.select(Stage).where(
        Stage.tenant_id == tenant.value, Stage.pipeline_id == pid)
        .order_by(Stage.position).limit(1))).scalar_one_or_none()


async def bump(session: AsyncSession, tenant: TenantId, pid: uuid.UUID,
               values: dict[str, Any] | None = None) -> None:
    """Apply `values` to the pipeline and count the change in its `version`."""
    await session.execute(sa.update(Pipeline).where(
        Pipeline.tenant_id == tenant.value, Pipeline.id == pid)
        .values(**(values or {}), version=Pipeline.version + 1))


async def update_stage(session: AsyncSession, tenant: TenantId, sid: uuid.UUID,
                       values: dict[str, Any]) -> None:
    await session.execute(sa.update(Stage).where(Stage.tenant_id == tenant.value,
                                                 Stage.id == sid).values(**values))


async def set_order(session: AsyncSession, tenant: TenantId, pid: uuid.UUID,
                    ordered: list[uuid.UUID]) -> None:
    """Positions 0, 1, … in the order of `ordered` (every stage of the pipeline). Out of
    the way first: (pipeline, position) is unique at every statement's end."""
    of_pipe = (Stage.tenant_id == tenant.value, Stage.pipeline_id == pid)
    await session.execute(sa.update(Stage).where(*of_pipe)
                          .values(position=-1 - Stage.position))
    order = sa.func.array_position(sa.literal(ordered, sa.ARRAY(sa.Uuid)), Stage.id)
    await session.execute(sa.update(Stage).where(*of_pipe).values(position=order - 1))


async def lock_stages(session: AsyncSession, tenant: TenantId, pid: uuid.UUID) -> None:
    """No lead can be put in the pipeline until the transaction ends."""
    await session.execute(sa.select(Stage.id).where(
        Stage.tenant_id == tenant.value, Stage.pipeline_id == pid).with_for_update())


async def delete_stages(session: AsyncSession, tenant: TenantId, *,
                        pid: uuid.UUID, sid: uuid.UUID | None = None) -> None:
    """One stage of the pipeline, or (sid None) all of them."""
    q = sa.delete(Stage).where(Stage.tenant_id == tenant.value, Stage.pipeline_id == pid)
    if sid is not None:
        q = q.where(Stage.id == sid)
    await session.execute(q)


async def delete_pipeline(session: AsyncSession, tenant: TenantId, pid: uuid.UUID) -> None:
    await session.execute(sa.delete(Pipeline).where(Pipeline.tenant_id == tenant.value,
                                                    Pipeline.id == pid))


async def count_leads(session: AsyncSession, tenant: TenantId, *,
                      pipeline_id: uuid.UUID | None = None,
                      stage_id: uuid.UUID | None = None) -> int:
    """Every lead (whoever owns it, whatever its box) in the pipeline or stage."""
    q = sa.select(sa.func.count()).select_from(Lead).where(Lead.tenant_id == tenant.value)
    q = q.where(Lead.stage_id == stage_id) if stage_id else q.where(
        Lead.pipeline_id == pipeline_id)
    return (await session.execute(q)).scalar_one()


class MovedRow(LeadRow):
    from_pipeline_id: uuid.UUID
    from_stage_id: uuid.UUID


# One statement: lock and move every lead of a stage (or pipeline) and write each one's
# history row as a stage move writes it; the moved rows come back for their events.
_MOVE = sa.text(f"""
WITH old AS (
    SELECT id, pipeline_id, stage_id FROM leads
    WHERE tenant_id = :tenant AND (stage_id = :from_stage OR pipeline_id = :from_pipeline)
    FOR UPDATE
), moved AS (
    UPDATE leads l SET pipeline_id = :to_pipeline, stage_id = :to_stage,
                       version = l.version + 1, updated_at = now()
    FROM old WHERE l.tenant_id = :tenant AND l.id = old.id
    RETURNING {", ".join("l." + c.name for c in COLUMNS)},
              old.pipeline_id AS from_pipeline_id, old.stage_id AS from_stage_id
), logged AS (
    INSERT INTO lead_history (tenant_id, lead_id, kind, author_id, detail)
    SELECT tenant_id, id, 'stage_changed', :author, jsonb_build_object(
        'from_pipeline_id', from_pipeline_id::text, 'from_stage_id', from_stage_id::text,
        'to_pipeline_id', pipeline_id::text, 'to_stage_id', stage_id::text,
        'because', CAST(:because AS text)) FROM moved
)
SELECT * FROM moved
""").bindparams(*(sa.bindparam(n, type_=sa.Uuid) for n in (
    "tenant", "from_stage", "from_pipeline", "to_pipeline", "to_stage", "author")))


async def move_leads(session: AsyncSession, tenant: TenantId, *,
                     from_stage: uuid.UUID | None = None,
                     from_pipeline: uuid.UUID | None = None, to_stage: Stage,
                     author: uuid.UUID, because: str) -> list[MovedRow]:
    result = await session.execute(_MOVE, dict(
        tenant=tenant.value, from_stage=from_stage, from_pipeline=from_pipeline,
        to_pipeline=to_stage.pipeline_id, to_stage=to_stage.id, author=author,
        because=because))
    return rows_as(MovedRow, result.mappings())

from __future__ import annotations

import uuid

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.context import TenantId

from .models import Pipeline, Stage


async def standard_id(session: AsyncSession, tenant: TenantId) -> uuid.UUID | None:
    return await session.scalar(sa.select(Pipeline.id).where(
        Pipeline.tenant_id == tenant.value, Pipeline.is_standard.is_(True)))


async def insert_pipeline(session: AsyncSession, tenant: TenantId, pid: uuid.UUID, name: str,
                          name_en: str | None, is_standard: bool,
                          stages: list[tuple[uuid.UUID, str, str | None]]) -> None:
    # ON CONFLICT DO NOTHING: the standard pipeline may be created by a racing request.
    await session.execute(insert(Pipeline).values(
        tenant_id=tenant.value, id=pid, name=name, name_en=name_en, is_standard=is_standard,
    ).on_conflict_do_nothing())
    await session.execute(insert(Stage).values([
        dict(tenant_id=tenant.value, id=sid, pipeline_id=pid, name=n, name_en=en, position=i)
        for i, (sid, n, en) in enumerate(stages)
    ]).on_conflict_do_nothing())


async def insert_stage(session: AsyncSession, tenant: TenantId, *, pid: uuid.UUID,
                       sid: uuid.UUID, name: str, name_en: str | None, position: int) -> None:
    await session.execute(insert(Stage).values(
        tenant_id=tenant.value, id=sid, pipeline_id=pid, name=name, name_en=name_en,
        position=position))


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
        q.order_by(Pipeline.is_standard.desc(), Pipeline.created_at, Pipeline.id))).scalars())
    if not pipes:
        return []
    stages = (await session.execute(sa.select(Stage).where(
        Stage.tenant_id == tenant.value, Stage.pipeline_id.in_([p.id for p in pipes]))
        .order_by(Stage.position))).scalars()
    by_pipe: dict[uuid.UUID, list[Stage]] = {p.id: [] for p in pipes}
    for s in stages:
        by_pipe[s.pipeline_id].append(s)
    return [(p, by_pipe[p.id]) for p in pipes]


async def get_stage(session: AsyncSession, tenant: TenantId, sid: uuid.UUID) -> Stage | None:
    return await session.get(Stage, (tenant.value, sid))


async def first_stage(session: AsyncSession, tenant: TenantId, pid: uuid.UUID) -> Stage | None:
    return (await session.execute(sa.select(Stage).where(
        Stage.tenant_id == tenant.value, Stage.pipeline_id == pid)
        .order_by(Stage.position).limit(1))).scalar_one_or_none()

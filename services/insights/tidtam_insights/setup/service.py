"""The set-up events: the tenant's time zone (gateway tenant.settings_changed; a new zone
dates every fact again), teams (team.*), pipelines and stages (pipeline.*). The standard
pipeline every tenant starts with is made without an event: its ids are the leads
service's (uuid5 of the tenant), its names the defaults until an admin renames it."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.consumer import Delivery, Handler, on, on_each
from crmkit.context import TenantId
from tidtam_contracts.gateway import (
    TeamCreatedV1,
    TeamDeletedV1,
    TeamRenamedV1,
    TenantSettingsChangedV1,
)
from tidtam_contracts.lead_setup import (
    PipelineCreatedV1,
    PipelineDeletedV1,
    PipelineStageDeletedV1,
    PipelineUpdatedV1,
)

from ..facts import repository as facts
from . import repository

# The leads service's standard pipeline (tidtam_leads.pipelines: uuid5 of the tenant).
STANDARD_STAGES = ["ใหม่", "ติดต่อแล้ว", "เสนอราคา", "ต่อรอง", "ปิดการขาย"]


def standard_pipeline_id(tenant: TenantId) -> uuid.UUID:
    return uuid.uuid5(tenant.value, "pipeline:standard")


def standard_stage_names(tenant: TenantId) -> dict[uuid.UUID, tuple[int, str]]:
    return {uuid.uuid5(tenant.value, f"stage:standard:{i}"): (i, name)
            for i, name in enumerate(STANDARD_STAGES)}


async def default_pipeline(session: AsyncSession, tenant: TenantId) -> uuid.UUID:
    return await repository.standard_pipeline(session, tenant) or standard_pipeline_id(tenant)


async def settings_changed(session: AsyncSession,
                           event: Delivery[TenantSettingsChangedV1]) -> None:
    zone = event.data.time_zone
    if await repository.put_time_zone(session, event.tenant, zone, event.sequence):
        await facts.redate(session, event.tenant, zone)


async def team_changed(session: AsyncSession, event: Delivery[Any]) -> None:
    data = event.data
    await repository.put_team(session, event.tenant, data.id, getattr(data, "name", None),
                              deleted=isinstance(data, TeamDeletedV1))


async def pipeline_changed(session: AsyncSession, event: Delivery[Any]) -> None:
    p = event.data
    stages = [{"id": s.id, "name": s.name, "position": s.position} for s in p.stages]
    await repository.put_pipeline(session, event.tenant, pipeline_id=p.id, name=p.name,
                                  is_standard=p.is_standard, version=p.version, stages=stages)


async def pipeline_deleted(session: AsyncSession, event: Delivery[PipelineDeletedV1]) -> None:
    await repository.delete_pipeline(session, event.tenant, event.data.id)


HANDLERS: list[Handler[Any]] = [
    on(TenantSettingsChangedV1, settings_changed),
    *on_each([TeamCreatedV1, TeamRenamedV1, TeamDeletedV1], team_changed),
    *on_each([PipelineCreatedV1, PipelineUpdatedV1, PipelineStageDeletedV1], pipeline_changed),
    on(PipelineDeletedV1, pipeline_deleted),
]

"""SQL of the set-up reports name things by."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.context import TenantId

DEFAULT_TIME_ZONE = "Asia/Bangkok"


async def time_zone(session: AsyncSession, tenant: TenantId) -> str:
    name = (await session.execute(sa.text(
        "SELECT time_zone FROM tenant_settings WHERE tenant_id = :t"),
        {"t": tenant.value})).scalar_one_or_none()
    return str(name or DEFAULT_TIME_ZONE)


async def put_time_zone(session: AsyncSession, tenant: TenantId, zone: str,
                        sequence: int) -> bool:
    """Keeps the newer setting; True when the zone is now another than before."""
    before = (await session.execute(sa.text(
        "SELECT time_zone FROM tenant_settings WHERE tenant_id = :t FOR UPDATE"),
        {"t": tenant.value})).scalar_one_or_none()
    written = (await session.execute(sa.text(
        "INSERT INTO tenant_settings (tenant_id, time_zone, sequence) VALUES (:t, :z, :s) "
        "ON CONFLICT (tenant_id) DO UPDATE SET time_zone = excluded.time_zone, sequence = "
        "excluded.sequence WHERE tenant_settings.sequence <= excluded.sequence "
        "RETURNING time_zone"), {"t": tenant.value, "z": zone, "s": sequence})).first()
    return written is not None and (before or DEFAULT_TIME_ZONE) != zone


async def put_team(session: AsyncSession, tenant: TenantId, team_id: uuid.UUID,
                   name: str | None, *, deleted: bool = False) -> None:
    await session.execute(sa.text(
        "INSERT INTO teams (tenant_id, id, name, deleted) VALUES (:t, :id, coalesce(:name, ''), "
        ":deleted) ON CONFLICT (tenant_id, id) DO UPDATE SET name = coalesce(:name, "
        "teams.name), deleted = excluded.deleted"),
        {"t": tenant.value, "id": team_id, "name": name, "deleted": deleted})


async def put_pipeline(session: AsyncSession, tenant: TenantId, *, pipeline_id: uuid.UUID,
                       name: str, is_standard: bool, version: int,
                       stages: Sequence[dict[str, Any]]) -> None:
    written = (await session.execute(sa.text(
        "INSERT INTO pipelines (tenant_id, id, name, is_standard, deleted, version) VALUES "
        "(:t, :id, :name, :std, false, :v) ON CONFLICT (tenant_id, id) DO UPDATE SET name = "
        "excluded.name, is_standard = excluded.is_standard, version = excluded.version "
        "WHERE pipelines.version < excluded.version RETURNING id"),
        {"t": tenant.value, "id": pipeline_id, "name": name, "std": is_standard,
         "v": version})).first()
    if written is None:
        return
    await session.execute(sa.text(
        "UPDATE stages SET deleted = true WHERE tenant_id = :t AND pipeline_id = :p"),
        {"t": tenant.value, "p": pipeline_id})
    if stages:
        await session.execute(sa.text(
            "INSERT INTO stages (tenant_id, id, pipeline_id, name, position, deleted) VALUES "
            "(:t, :id, :p, :name, :position, false) ON CONFLICT (tenant_id, id) DO UPDATE SET "
            "pipeline_id = excluded.pipeline_id, name = excluded.name, position = "
            "excluded.position, deleted = false"),
            [{"t": tenant.value, "p": pipeline_id, **s} for s in stages])


async def delete_pipeline(session: AsyncSession, tenant: TenantId,
                          pipeline_id: uuid.UUID) -> None:
    await session.execute(sa.text(
        "UPDATE pipelines SET deleted = true WHERE tenant_id = :t AND id = :p"),
        {"t": tenant.value, "p": pipeline_id})


async def standard_pipeline(session: AsyncSession, tenant: TenantId) -> uuid.UUID | None:
    found = (await session.execute(sa.text(
        "SELECT id FROM pipelines WHERE tenant_id = :t AND is_standard AND NOT deleted "
        "LIMIT 1"), {"t": tenant.value})).scalar_one_or_none()
    return found if found is None else uuid.UUID(str(found))

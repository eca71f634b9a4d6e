"""The tenant's calendar settings, from the gateway's tenant.settings_changed: the time
zone of its days and the time of the daily agenda (Asia/Bangkok and 07:00 until one
comes)."""

from __future__ import annotations

import uuid
from datetime import time
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy import BigInteger, Text, Time
from sqlalchemy.dialects.postgresql import UUID, insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from crmkit.consumer import Delivery, Handler, on
from crmkit.context import TenantId
from tidtam_contracts.gateway import TenantSettingsChangedV1

from ..db import Base

DEFAULT_TIME_ZONE = "Asia/Bangkok"
DEFAULT_AGENDA_TIME = time(7, 0)


class TenantSettings(Base):
    __tablename__ = "tenant_settings"

    tenant_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    time_zone: Mapped[str] = mapped_column(Text)
    agenda_time: Mapped[time] = mapped_column(Time)
    sequence: Mapped[int] = mapped_column(BigInteger)


async def settings_changed(session: AsyncSession,
                           event: Delivery[TenantSettingsChangedV1]) -> None:
    data = event.data
    values: dict[str, Any] = dict(
        tenant_id=event.tenant.value, time_zone=data.time_zone,
        agenda_time=time.fromisoformat(data.agenda_time), sequence=event.sequence)
    stmt = insert(TenantSettings).values(**values)
    await session.execute(stmt.on_conflict_do_update(
        index_elements=[TenantSettings.tenant_id],
        set_={k: stmt.excluded[k] for k in values if k != "tenant_id"},
        where=TenantSettings.sequence <= stmt.excluded.sequence))


async def zone_of(session: AsyncSession, tenant: TenantId) -> ZoneInfo:
    name = (await session.execute(sa.select(TenantSettings.time_zone).where(
        TenantSettings.tenant_id == tenant.value))).scalar_one_or_none()
    return ZoneInfo(name or DEFAULT_TIME_ZONE)


HANDLERS: list[Handler[Any]] = [on(TenantSettingsChangedV1, settings_changed)]

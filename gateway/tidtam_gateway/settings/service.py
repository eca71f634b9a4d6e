from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from . import repository
from .schemas import SettingsOut, SettingsPatch


async def get_settings(session: AsyncSession) -> SettingsOut:
    row = await repository.get(session)
    if row is None:  # a tenant from before settings existed: the documented defaults
        return SettingsOut(lead_visibility="all", account_visibility="all",
                           allow_stage_back=False)
    return SettingsOut.model_validate(row, from_attributes=True)


async def update_settings(session: AsyncSession, tenant_id: uuid.UUID,
                          data: SettingsPatch) -> SettingsOut:
    changes = data.model_dump(exclude_unset=True)
    if not changes:
        return await get_settings(session)
    row = await repository.upsert(session, tenant_id, changes)
    return SettingsOut.model_validate(row, from_attributes=True)

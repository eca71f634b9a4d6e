from __future__ import annotations

import typing
import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from tidtam_contracts.gateway import TenantSettingsChangedV1

from ..eventing import stage
from . import repository
from .schemas import SettingItem, SettingsOut, SettingsPatch, SettingValues

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _items(values: SettingValues) -> list[SettingItem]:
    """The catalogue, from SettingValues' own fields: a Literal is a choice of its
    values, a bool a boolean."""
    items = []
    for key, field in SettingValues.model_fields.items():
        allowed = ([str(a) for a in typing.get_args(field.annotation)]
                   if typing.get_origin(field.annotation) is typing.Literal else None)
        items.append(SettingItem(key=key, value=getattr(values, key),
                                 type="boolean" if allowed is None else "choice",
                                 allowed=allowed, default=field.default,
                                 description=field.description or ""))
    return items


def _out(values: SettingValues) -> SettingsOut:
    return SettingsOut(**values.model_dump(), items=_items(values))


async def get_settings(session: AsyncSession) -> SettingsOut:
    row = await repository.get(session)
    if row is None:  # a tenant from before settings existed: the documented defaults
        return _out(SettingValues())
    return _out(SettingValues.model_validate(row, from_attributes=True))


async def update_settings(session: AsyncSession, tenant_id: uuid.UUID,
                          data: SettingsPatch) -> SettingsOut:
    changes = data.model_dump(exclude_unset=True)
    if not changes:
        return await get_settings(session)
    row = await repository.upsert(session, tenant_id, changes)
    values = SettingValues.model_validate(row, from_attributes=True)
    # The services that work by the tenant's calendar (activities) or print its documents
    # (documents) keep their own copy.
    await stage(session, TenantSettingsChangedV1(
        id=tenant_id, time_zone=values.time_zone, agenda_time=values.agenda_time,
        document_digits=values.document_digits),
        tenant_id=tenant_id, subject=tenant_id,
        sequence=(row.updated_at - EPOCH) // timedelta(microseconds=1))
    return _out(values)

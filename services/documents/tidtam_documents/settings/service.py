"""The tenant's document digits (Thai ๐๑๒ or Arabic 012), from the gateway's
tenant.settings_changed; Arabic until one comes. Applied when a document is rendered, so
an issued document keeps the digits it was issued with (its PDF is kept)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.consumer import Delivery, Handler, on
from crmkit.context import TenantId
from tidtam_contracts.gateway import TenantSettingsChangedV1

from ..pdf.render import Digits
from .models import TenantSettings


async def settings_changed(session: AsyncSession,
                           event: Delivery[TenantSettingsChangedV1]) -> None:
    values: dict[str, Any] = {"tenant_id": event.tenant.value,
                              "document_digits": event.data.document_digits,
                              "sequence": event.sequence}
    stmt = insert(TenantSettings).values(**values)
    await session.execute(stmt.on_conflict_do_update(
        index_elements=[TenantSettings.tenant_id],
        set_={k: stmt.excluded[k] for k in values if k != "tenant_id"},
        where=TenantSettings.sequence <= stmt.excluded.sequence))


async def digits_of(session: AsyncSession, tenant: TenantId) -> Digits:
    found = await session.scalar(sa.select(TenantSettings.document_digits).where(
        TenantSettings.tenant_id == tenant.value))
    return "thai" if found == "thai" else "arabic"


HANDLERS: list[Handler[Any]] = [on(TenantSettingsChangedV1, settings_changed)]

"""`lead.conversion_requested` → the account and contact, and the answer to leads."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.consumer import Delivery, Handler, on
from tidtam_contracts.leads import LeadConversionRequestedV1

from . import service


async def conversion_requested(session: AsyncSession,
                               event: Delivery[LeadConversionRequestedV1]) -> None:
    await service.convert(session, event.tenant, event.data, event.correlationid)


HANDLERS: list[Handler[Any]] = [on(LeadConversionRequestedV1, conversion_requested)]

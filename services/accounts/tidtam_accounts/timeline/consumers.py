"""The timeline's events: every lead event it shows or links by, our own merges, and the
activities service's activities and check-ins (activities.py), quotes sent to the
customer, and deals (deals.py)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.consumer import Delivery, Handler, on, on_each
from tidtam_contracts.accounts import AccountMergedV1
from tidtam_contracts.documents import QuoteSentV1

from . import service
from .activities import HANDLERS as ACTIVITIES
from .deals import HANDLERS as DEALS


async def merged(session: AsyncSession, event: Delivery[AccountMergedV1]) -> None:
    await service.apply_merged(session, event.tenant, event.data)


HANDLERS: list[Handler[Any]] = [*on_each(service.LEAD_EVENTS, service.apply_lead_event),
                                on(AccountMergedV1, merged), *ACTIVITIES,
                                on(QuoteSentV1, service.apply_quote_sent), *DEALS]

"""The timeline's events: every lead event it shows or links by, and our own merges."""

from __future__ import annotations

from crmkit.consumer import Consumer

from . import service

BINDINGS = [*service.LEAD_EVENTS, "account.merged"]


def register(consumer: Consumer) -> None:
    for type_ in service.LEAD_EVENTS:
        consumer.handler(type_)(_lead_event)

    @consumer.handler("account.merged")
    async def merged(session, event, tenant):
        await service.apply_merged(session, tenant, event.data)


async def _lead_event(session, event, tenant):
    await service.apply_lead_event(session, tenant, event)

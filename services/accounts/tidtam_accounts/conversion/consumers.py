"""`lead.conversion_requested` → the account and contact, and the answer to leads."""

from __future__ import annotations

from crmkit.consumer import Consumer

from . import service

BINDINGS = ["lead.conversion_requested"]


def register(consumer: Consumer) -> None:
    @consumer.handler("lead.conversion_requested")
    async def conversion_requested(session, event, tenant):
        await service.convert(session, tenant, event.data, event.correlationid)

"""Helpers for the conversion tests: a peer publisher that can redeliver an event as is, and
a bounded wait for a lead's state."""

from __future__ import annotations

import uuid

import anyio

from crmkit.events import CloudEvent
from crmkit.testing.tenants import GatewayEvents


class PeerEvents(GatewayEvents):
    """Publishes like a peer service (the accounts service's answers)."""

    async def account(self, type_: str, tenant_id: uuid.UUID, data: dict) -> CloudEvent:
        subject = data.get("account_id") or data.get("id") or data.get("lead_id")
        return await self.publish(type_, tenant_id, subject, data,
                                  source="/services/accounts")


async def wait_lead(api, headers, lead_id, until, timeout: float = 15.0) -> dict:
    """GET the lead until `until(lead)` holds (the consumer is asynchronous)."""
    with anyio.fail_after(timeout):
        while True:
            r = await api.get(f"/api/v1/leads/{lead_id}", headers=headers)
            assert r.status_code == 200, r.text
            if until(r.json()):
                return r.json()
            await anyio.sleep(0.05)

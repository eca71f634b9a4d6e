"""Helpers for the conversion tests: a peer publisher that can redeliver an event as is, and
a bounded wait for a lead's state."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import anyio

from crmkit.events import CloudEvent
from crmkit.testing.tenants import GatewayEvents


class PeerEvents(GatewayEvents):
    """Publishes like a peer service (the accounts service's answers)."""

    async def account(self, type_: str, tenant_id: uuid.UUID, data: dict) -> CloudEvent:
        subject = data.get("account_id") or data.get("id") or data.get("lead_id")
        return await self.publish(type_, tenant_id, subject, data,
                                  source="/services/accounts")


def account_data(account_id: str, owner_id: uuid.UUID, **over) -> dict:
    """An account as account events carry it (tidtam_contracts.accounts.Account)."""
    now = datetime.now(UTC).isoformat()
    return {"id": account_id, "kind": "company", "name": "บริษัท ตัวอย่าง จำกัด",
            "name_en": None, "tax_id": None, "branch": None, "branch_label": None,
            "address": None, "phones": [], "emails": [], "website": None, "line_id": None,
            "location": None, "owner_id": str(owner_id), "credit_limit": None,
            "credit_days": None, "bill_discount": None, "anniversaries": [], "labels": [],
            "custom": {}, "version": 1, "created_at": now, "updated_at": now, **over}


async def wait_lead(api, headers, lead_id, until, timeout: float = 15.0) -> dict:
    """GET the lead until `until(lead)` holds (the consumer is asynchronous)."""
    with anyio.fail_after(timeout):
        while True:
            r = await api.get(f"/api/v1/leads/{lead_id}", headers=headers)
            assert r.status_code == 200, r.text
            if until(r.json()):
                return r.json()
            await anyio.sleep(0.05)

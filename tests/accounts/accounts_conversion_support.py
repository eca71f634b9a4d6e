"""For the conversion and timeline tests: the leads service's events, published on the real
broker as leads publishes them (same envelope, `source: /services/leads`)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import anyio

from crmkit.events import CloudEvent
from crmkit.testing.tenants import GatewayEvents


class LeadsPeer(GatewayEvents):
    async def lead(self, type_: str, tenant_id: uuid.UUID, data: dict,
                   sequence: int = 1, dataversion: str | None = None) -> CloudEvent:
        """Lead events are v2 (conversion requests v1) unless `dataversion` says else."""
        subject = data.get("id") or data.get("lead_id")
        if dataversion is None:
            dataversion = "1" if type_ == "lead.conversion_requested" else "2"
        return await self.publish(type_, tenant_id, subject, data, sequence,
                                  source="/services/leads", dataversion=dataversion)


def lead_data(tenant, owner, **over) -> dict:
    """A lead event's data, v2 (tidtam_contracts.leads.Lead)."""
    now = datetime.now(UTC).isoformat()
    return {"id": str(uuid.uuid4()), "name": "คุณสมศักดิ์ ใจดี", "phone": "+66812345678",
            "email": f"somsak.{uuid.uuid4().hex[:6]}@example.co.th",
            "company": None, "note": None, "potential": None,
            "source": "website", "owner_id": str(owner.id), "box": "inbox",
            "reason": None, "sent_by": [], "pipeline_id": str(uuid.uuid4()),
            "stage_id": str(uuid.uuid4()), "custom": {}, "account_id": None,
            "contact_id": None, "conversion_status": None, "version": 1, "created_at": now,
            "updated_at": now, **over}


def conversion_request(tenant, person, *, account_id=None, account=None, contact=None,
                       owner_ids=None, lead_id=None) -> dict:
    return {
        "conversion_id": str(uuid.uuid4()), "lead_id": str(lead_id or uuid.uuid4()),
        "account_id": str(account_id) if account_id else None, "account": account,
        "contact": contact or {"name": "คุณสมศักดิ์ ใจดี", "phones": ["+66812345678"],
                               "emails": ["somsak@example.co.th"]},
        "requested_by": {"user_id": str(person.id), "role": person.role,
                         "team_id": str(person.team_id) if person.team_id else None,
                         "account_owner_ids": owner_ids},
    }


async def answer_for(capture, conversion_id: str, timeout: float = 15.0) -> dict:
    """The accounts service's answer (converted or failed) to one conversion."""
    with anyio.fail_after(timeout):
        while True:
            for e in capture.events:
                if e.get("type") in ("account.lead_converted", "account.conversion_failed") \
                        and e["data"].get("conversion_id") == conversion_id:
                    return e
            await anyio.sleep(0.05)

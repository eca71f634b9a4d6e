"""An erase (PDPA) that leads runs before it consumes a `lead.captured` about the same
person staged earlier (the capture service's event still on its way) must not be undone by
it: the erase remembers the person's keyed hashes (`privacy_erased`), and a capture staged
before the erase makes no lead. One captured after the erase (a new submission) is a lead
as any."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import anyio
import pytest
from leads_support import SECRET, fetchval

from crmkit.events import CloudEvent
from crmkit.privacy import request_hashes

pytestmark = pytest.mark.integration


def _captured(tenant, email: str, at: datetime) -> CloudEvent:
    data = {"submission_id": str(uuid.uuid4()), "channel": "web_form", "form_id": None,
            "source": "website", "owner_id": None, "name": "คุณลบแล้ว", "phone": "",
            "email": email, "company": None, "note": None, "custom": {}, "consent": None,
            "captured_at": at.isoformat()}
    return CloudEvent(source="/services/capture", type="lead.captured",
                      subject=data["submission_id"], tenantid=str(tenant.id),
                      time=at.isoformat(), data=data)


async def _until(leads_db, sql: str, *args: object) -> None:
    with anyio.fail_after(20):
        while True:
            if await fetchval(leads_db.owner_url, sql, *args):
                return
            await anyio.sleep(0.05)


async def _leads_with(leads_db, email: str) -> int:
    return int(await fetchval(leads_db.owner_url, "SELECT count(*) FROM leads WHERE "
                              "email = $1", email))


async def test_a_capture_staged_before_the_erase_makes_no_lead_after_it(
        tenant, gateway_events, leads_db):
    email = f"pdpa-{uuid.uuid4().hex[:8]}@example.co.th"
    staged = datetime.now(UTC) - timedelta(seconds=5)  # before the erase request
    request_id = uuid.uuid4()
    await gateway_events.publish("privacy.requested", tenant.id, request_id, {
        "request_id": str(request_id), "kind": "erase",
        **request_hashes(SECRET, email=email, phone=None, line_id=None),
        "requested_by": str(tenant.admin.id), "requested_at": datetime.now(UTC).isoformat()})
    await _until(leads_db, "SELECT count(*) FROM outbox WHERE event_type = "
                 "'privacy.answered' AND payload->'data'->>'request_id' = $1",
                 str(request_id))

    late = _captured(tenant, email, staged)  # staged before, consumed after the erase
    await gateway_events.republish(late)
    await _until(leads_db, "SELECT count(*) FROM processed_events WHERE event_id = $1",
                 uuid.UUID(late.id))
    assert await _leads_with(leads_db, email) == 0

    new = _captured(tenant, email, datetime.now(UTC) + timedelta(seconds=1))
    await gateway_events.republish(new)  # a submission after the erase
    await _until(leads_db, "SELECT count(*) FROM leads WHERE email = $1", email)
    assert await _leads_with(leads_db, email) == 1

"""`projection.backfill_requested` (aggregate `contact`), as the activities service asks
it: every contact of that tenant, and only of that tenant, is published again as it
stands (`contact.restated`, its sequence the contact's version); a redelivered request is
skipped (the consumer's dedupe), any other aggregate restates nothing."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from accounts_support import make_tenant, thai_company

pytestmark = pytest.mark.integration


async def _contacts(api, tenant, n: int, names: list[str]) -> list[dict]:
    h = tenant.headers(tenant.admin)
    acc = (await api.post("/api/v1/accounts", json=thai_company(n), headers=h)).json()
    made = []
    for name in names:
        r = await api.post(f"/api/v1/accounts/{acc['id']}/contacts", headers=h,
                           json={"name": name, "birthday": "1990-02-28"})
        assert r.status_code == 201, r.text
        made.append(r.json())
    return made


async def test_a_request_restates_every_contact_of_the_tenant(
        api, tenant, gateway_events, account_events, accounts_db):
    mine = await _contacts(api, tenant, 41, ["คุณหนึ่ง", "คุณสอง", "คุณสาม"])
    # One changed since: restated at its newer version.
    h = tenant.headers(tenant.admin)
    r = await api.patch(f"/api/v1/accounts/{mine[0]['account_id']}/contacts/{mine[0]['id']}",
                        json={"position": "ผู้จัดการ"}, headers=h)
    assert r.status_code == 200, r.text
    mine[0] = r.json()
    other = await make_tenant(gateway_events, accounts_db.owner_url)
    theirs = await _contacts(api, other, 42, ["คุณอื่น"])

    request = await gateway_events.publish(
        "projection.backfill_requested", tenant.id, uuid.uuid4(),
        {"aggregate": "contact", "requested_by": "activities"},
        source="/services/activities")
    for contact in mine:
        event = await account_events.assert_published(
            "contact.restated", lambda e, c=contact: e["subject"] == c["id"])
        assert event["tenantid"] == str(tenant.id)
        assert event["sequence"] == contact["version"]
        assert event["data"] == contact
    await gateway_events.republish(request)  # a redelivery restates nothing again
    await asyncio.sleep(1.5)
    restated = account_events.of_type("contact.restated")
    assert sorted(e["subject"] for e in restated) == sorted(c["id"] for c in mine)
    assert theirs[0]["id"] not in {e["subject"] for e in restated}

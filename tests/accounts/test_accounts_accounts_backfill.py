"""`projection.backfill_requested` (aggregate `account`), as the leads service asks it
(`python -m tidtam_leads.accounts.backfill`): every live account of that tenant, and only
of that tenant, is published again as it stands (`account.restated`, its sequence the
account's version, its data the account as GET shows it); a merged-away account is not; a
redelivered request is skipped (the consumer's dedupe)."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from accounts_support import make_tenant, thai_company

pytestmark = pytest.mark.integration

ACCOUNTS = "/api/v1/accounts"


async def _account(api, tenant, n: int) -> dict:
    r = await api.post(ACCOUNTS, json=thai_company(n), headers=tenant.headers(tenant.admin))
    assert r.status_code == 201, r.text
    return r.json()


async def test_a_request_restates_every_live_account_of_the_tenant(
        api, tenant, gateway_events, account_events, accounts_db):
    h = tenant.headers(tenant.admin)
    mine = [await _account(api, tenant, n) for n in (61, 62, 63)]
    r = await api.patch(f"{ACCOUNTS}/{mine[0]['id']}", json={"website": "https://a.co.th"},
                        headers=h)
    assert r.status_code == 200, r.text
    merged = await _account(api, tenant, 64)
    r = await api.post(f"{ACCOUNTS}/{mine[1]['id']}/merge", json={"from_id": merged["id"]},
                       headers={**h, "Idempotency-Key": str(uuid.uuid4())})
    assert r.status_code == 200, r.text
    mine = [(await api.get(f"{ACCOUNTS}/{a['id']}", headers=h)).json() for a in mine]
    other = await make_tenant(gateway_events, accounts_db.owner_url)
    theirs = await _account(api, other, 65)

    request = await gateway_events.publish(
        "projection.backfill_requested", tenant.id, uuid.uuid4(),
        {"aggregate": "account", "requested_by": "leads"}, source="/services/leads")
    for account in mine:
        event = await account_events.assert_published(
            "account.restated", lambda e, a=account: e["subject"] == a["id"])
        assert event["tenantid"] == str(tenant.id)
        assert event["sequence"] == account["version"]
        assert event["data"] == account
    await gateway_events.republish(request)  # a redelivery restates nothing again
    await asyncio.sleep(1.5)
    restated = account_events.of_type("account.restated")
    assert sorted(e["subject"] for e in restated) == sorted(a["id"] for a in mine)
    assert merged["id"] not in {e["subject"] for e in restated}
    assert theirs["id"] not in {e["subject"] for e in restated}
    assert account_events.of_type("contact.restated") == []

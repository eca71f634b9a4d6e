"""Quotes for a deal (issue 16): the documents service knows deals from `deal.*` events, a
quote names one of the customer quoted (else 409) that the caller sees (else 404), and its
acceptance says which deal in `quote.accepted` (the leads service then sets the amount)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from doc_support import given_account, given_lead, known, publish

from crmkit.testing.tenants import fetchval
from tidtam_contracts.deals import DealCreatedV1

pytestmark = pytest.mark.integration
QUOTES = "/api/v1/quotes"
LINE = {"description": "ระบบ CRM", "quantity": 1, "unit_price": "30000", "vat_type": "vat7"}


async def _deal(gateway_events, tenant, doc_db, owner: uuid.UUID, **over: Any) -> dict:
    now = datetime.now(UTC).isoformat()
    data = {"id": str(uuid.uuid4()), "name": "ระบบ CRM 12 ที่นั่ง",
            "account_id": str(uuid.uuid4()), "contact_id": None, "owner_id": str(owner),
            "pipeline_id": str(uuid.uuid4()), "stage_id": str(uuid.uuid4()),
            "amount": None, "expected_close": None, "probability": None, "status": "open",
            "lost_reason": None, "closed_on": None, "lead_id": None, "version": 1,
            "created_at": now, "updated_at": now, **over}
    await publish(gateway_events, tenant, DealCreatedV1, data, "/services/leads")
    await known(doc_db.owner_url, "deals", data["id"], 1)
    return data


async def test_a_quote_for_a_deal_and_its_acceptance(api, tenant, gateway_events, doc_db):
    me = tenant.headers(tenant.sales1, "own")
    account = await given_account(gateway_events, tenant, doc_db.owner_url, tenant.sales1.id)
    deal = await _deal(gateway_events, tenant, doc_db, tenant.sales1.id,
                       account_id=account["id"])
    other = await _deal(gateway_events, tenant, doc_db, tenant.sales1.id)
    hidden = await _deal(gateway_events, tenant, doc_db, tenant.sales2.id,
                         account_id=account["id"])
    body = {"account_id": account["id"], "lines": [LINE]}
    for deal_id, status, code in ((str(uuid.uuid4()), 404, "unknown_deal"),
                                  (hidden["id"], 404, "unknown_deal"),
                                  (other["id"], 409, "deal_of_other_party")):
        r = await api.post(QUOTES, headers=me, json={**body, "deal_id": deal_id})
        assert r.status_code == status, r.text
        assert r.json()["fields"][0]["field"] == "body.deal_id"
        assert r.json()["fields"][0]["code"] == code
    r = await api.post(QUOTES, headers=me, json={**body, "deal_id": deal["id"]})
    assert r.status_code == 201 and r.json()["deal_id"] == deal["id"], r.text
    q = r.json()
    listed = (await api.get(QUOTES, headers=me, params={"deal_id": deal["id"]})).json()
    assert [x["id"] for x in listed["items"]] == [q["id"]]
    assert (await api.post(f"{QUOTES}/{q['id']}/issue", headers=me)).status_code == 200
    rev = (await api.post(f"{QUOTES}/{q['id']}/revise", headers=me)).json()
    assert rev["deal_id"] == deal["id"]  # a revision stays with the deal
    r = await api.post(f"{QUOTES}/{q['id']}/accept", headers=me)
    assert r.status_code == 200, r.text
    staged = await fetchval(doc_db.owner_url, "SELECT array[payload->'data'->>'deal_id', "
                            "payload->'data'->>'before_vat'] FROM outbox WHERE event_type = "
                            "'quote.accepted' AND payload->>'subject' = $1", q["id"])
    assert staged == [deal["id"], "30000.00"]


async def test_a_lead_s_quote_may_name_the_deal_it_became(api, tenant, gateway_events,
                                                          doc_db):
    me = tenant.headers(tenant.sales1)
    lead = await given_lead(gateway_events, tenant, doc_db.owner_url, tenant.sales1.id)
    deal = await _deal(gateway_events, tenant, doc_db, tenant.sales1.id, lead_id=lead["id"])
    r = await api.post(QUOTES, headers=me, json={"lead_id": lead["id"], "lines": [LINE],
                                                 "deal_id": deal["id"]})
    assert r.status_code == 201 and r.json()["deal_id"] == deal["id"], r.text

"""A customer's documents: GET /api/v1/accounts/{id}/documents (the account's quotes and
those of its leads) and GET /api/v1/leads/{id}/documents, under the same visibility."""

from __future__ import annotations

import pytest
from doc_support import given_account, given_lead

pytestmark = pytest.mark.integration

LINE = [{"description": "งานออกแบบ", "quantity": 1, "unit_price": 5000}]


async def test_an_accounts_documents_include_its_leads(api, tenant, gateway_events, doc_db):
    acc = await given_account(gateway_events, tenant, doc_db.owner_url, tenant.sales1.id)
    lead = await given_lead(gateway_events, tenant, doc_db.owner_url, tenant.sales1.id,
                            account_id=acc["id"])
    other = await given_lead(gateway_events, tenant, doc_db.owner_url, tenant.sales1.id)
    me = tenant.headers(tenant.sales1, "team", account_visibility="team")
    own = (await api.post("/api/v1/quotes", headers=me,
                          json={"account_id": acc["id"], "lines": LINE})).json()
    of_lead = (await api.post("/api/v1/quotes", headers=me,
                              json={"lead_id": lead["id"], "lines": LINE})).json()
    await api.post("/api/v1/quotes", headers=me, json={"lead_id": other["id"], "lines": LINE})
    r = await api.get(f"/api/v1/accounts/{acc['id']}/documents", headers=me)
    assert r.status_code == 200, r.text
    assert [d["id"] for d in r.json()["items"]] == [of_lead["id"], own["id"]]
    r = await api.get(f"/api/v1/leads/{lead['id']}/documents", headers=me)
    assert [d["id"] for d in r.json()["items"]] == [of_lead["id"]]
    # Someone who may not see the account (or lead) gets 404, not an empty list.
    outsider = tenant.headers(tenant.sales3, "team", account_visibility="team")
    assert (await api.get(f"/api/v1/accounts/{acc['id']}/documents",
                          headers=outsider)).status_code == 404
    assert (await api.get(f"/api/v1/leads/{lead['id']}/documents",
                          headers=outsider)).status_code == 404

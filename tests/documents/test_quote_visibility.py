"""Who sees a quote: it follows its lead (owner, team, senders read-only) or its account;
anything else, and another tenant, is 404 (existence does not leak)."""

from __future__ import annotations

import pytest
from doc_support import given_account, given_lead, make_tenant

pytestmark = pytest.mark.integration

LINE = [{"description": "งานติดตั้ง", "quantity": 1, "unit_price": 1000}]


async def _seen(api, tenant, who, visibility, qid, *, account_visibility="all"):
    r = await api.get(f"/api/v1/quotes/{qid}", headers=tenant.headers(
        who, visibility, account_visibility=account_visibility))
    return r.status_code


@pytest.mark.parametrize(("visibility", "expected"), [
    ("all", {"admin": 200, "manager": 200, "sales1": 200, "sales2": 200, "sales3": 200}),
    ("team", {"admin": 200, "manager": 200, "sales1": 200, "sales2": 200, "sales3": 404}),
    ("own", {"admin": 200, "manager": 200, "sales1": 200, "sales2": 404, "sales3": 404}),
])
async def test_a_lead_quote_follows_the_leads_visibility(api, tenant, gateway_events, doc_db,
                                                         visibility, expected):
    lead = await given_lead(gateway_events, tenant, doc_db.owner_url, tenant.sales1.id)
    q = (await api.post("/api/v1/quotes", headers=tenant.headers(tenant.sales1),
                        json={"lead_id": lead["id"], "lines": LINE})).json()
    seen = {key: await _seen(api, tenant, tenant.people[key], visibility, q["id"])
            for key in expected}
    assert seen == expected
    listed = {key: [x["id"] for x in (await api.get("/api/v1/quotes", headers=tenant.headers(
        tenant.people[key], visibility), params={"lead_id": lead["id"]})).json()["items"]]
        for key in expected}
    assert listed == {k: [q["id"]] if v == 200 else [] for k, v in expected.items()}


async def test_a_sender_reads_but_may_not_change(api, tenant, gateway_events, doc_db):
    lead = await given_lead(gateway_events, tenant, doc_db.owner_url, tenant.sales1.id,
                            sent_by=[str(tenant.sales3.id)])
    q = (await api.post("/api/v1/quotes", headers=tenant.headers(tenant.sales1, "own"),
                        json={"lead_id": lead["id"], "lines": LINE})).json()
    sender = tenant.headers(tenant.sales3, "own")
    assert (await api.get(f"/api/v1/quotes/{q['id']}", headers=sender)).status_code == 200
    assert (await api.patch(f"/api/v1/quotes/{q['id']}", headers=sender,
                            json={"lines": LINE})).status_code == 403
    assert (await api.post("/api/v1/quotes", headers=sender, json={
        "lead_id": lead["id"], "lines": LINE})).status_code == 403
    # Someone who cannot see the lead cannot quote it, and is told nothing more.
    r = await api.post("/api/v1/quotes", headers=tenant.headers(tenant.sales2, "own"),
                       json={"lead_id": lead["id"], "lines": LINE})
    assert r.status_code == 404 and r.json()["fields"][0]["field"] == "body.lead_id"


async def test_an_account_quote_follows_the_accounts_visibility(api, tenant, gateway_events,
                                                                doc_db):
    acc = await given_account(gateway_events, tenant, doc_db.owner_url, tenant.sales3.id)
    q = (await api.post("/api/v1/quotes", headers=tenant.headers(tenant.sales3),
                        json={"account_id": acc["id"], "lines": LINE})).json()
    assert await _seen(api, tenant, tenant.sales1, "all", q["id"],
                       account_visibility="team") == 404
    assert await _seen(api, tenant, tenant.sales1, "all", q["id"]) == 200
    assert await _seen(api, tenant, tenant.manager, "all", q["id"],
                       account_visibility="own") == 404
    assert await _seen(api, tenant, tenant.admin, "own", q["id"],
                       account_visibility="own") == 200


async def test_another_tenant_sees_nothing(api, tenant, gateway_events, doc_db):
    lead = await given_lead(gateway_events, tenant, doc_db.owner_url, tenant.sales1.id)
    q = (await api.post("/api/v1/quotes", headers=tenant.headers(tenant.sales1),
                        json={"lead_id": lead["id"], "lines": LINE})).json()
    other = await make_tenant(gateway_events, doc_db.owner_url)
    admin = other.headers(other.admin)
    assert (await api.get(f"/api/v1/quotes/{q['id']}", headers=admin)).status_code == 404
    assert (await api.post(f"/api/v1/quotes/{q['id']}/issue",
                           headers=admin)).status_code == 404
    assert (await api.post("/api/v1/quotes", headers=admin, json={
        "lead_id": lead["id"], "lines": LINE})).status_code == 404
    assert (await api.get("/api/v1/quotes", headers=admin)).json()["items"] == []

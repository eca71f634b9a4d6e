"""`lead.conversion_requested` → account and contact, acting as the requester, answered with
`account.lead_converted` or `account.conversion_failed` (published here like leads does)."""

from __future__ import annotations

import uuid

import pytest
from accounts_conversion_support import LeadsPeer, answer_for, conversion_request
from accounts_support import make_tenant, thai_company

from crmkit.context import context_for, tenant_from_event

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
async def leads_peer(accounts_amqp):
    peer = LeadsPeer(accounts_amqp)
    await peer.start()
    yield peer
    await peer.stop()


def test_context_for_keeps_the_requesters_account_scope():
    tenant = tenant_from_event(str(uuid.uuid4()))
    me, mate = uuid.uuid4(), uuid.uuid4()
    ctx = context_for(tenant, me, "sales", None, [me, mate])
    assert ctx.account_scope.owner_ids == {me, mate} and ctx.user_id == me
    assert not ctx.account_scope.may_write(uuid.uuid4())
    assert not ctx.lead_scope.may_write(me)                 # no leads in this service
    assert context_for(tenant, me, "admin", None, None).account_scope.sees_all


async def test_new_account_and_contact_once(api, tenant, leads_peer, account_events):
    account = {"kind": "company", "name": "บริษัท แปลงลีด จำกัด", "phones": ["+6621234567"],
               "emails": ["sales@plaeng.co.th"], "owner_id": str(tenant.sales1.id),
               "labels": ["VIP"]}
    req = conversion_request(tenant, tenant.sales1, account=account,
                             contact={"name": "คุณสมศักดิ์", "phones": ["+66812345678"],
                                      "emails": ["somsak@plaeng.co.th"],
                                      "position": "ผู้จัดการ"},
                             owner_ids=[str(tenant.sales1.id)])
    event = await leads_peer.lead("lead.conversion_requested", tenant.id, req)
    answer = await answer_for(account_events, req["conversion_id"])
    assert answer["type"] == "account.lead_converted", answer
    data = answer["data"]
    conversion = uuid.UUID(req["conversion_id"])
    assert data["account_id"] == str(uuid.uuid5(conversion, "account"))
    assert data["contact_id"] == str(uuid.uuid5(conversion, "contact"))
    assert data["lead_id"] == req["lead_id"]
    h = tenant.headers(tenant.sales1, account_visibility="own")
    made = (await api.get(f"/api/v1/accounts/{data['account_id']}", headers=h)).json()
    assert made["name"] == "บริษัท แปลงลีด จำกัด" and made["owner_id"] == str(tenant.sales1.id)
    assert made["labels"] == ["VIP"]
    contact = (await api.get(f"/api/v1/accounts/{data['account_id']}/contacts/"
                             f"{data['contact_id']}", headers=h)).json()
    assert contact["position"] == "ผู้จัดการ" and contact["is_primary"] is True

    # Redelivered as is, and published again under a new event id (a replay): the same
    # account and contact, never a second one.
    await leads_peer.republish(event)
    account_events.events.clear()
    await leads_peer.lead("lead.conversion_requested", tenant.id, req)
    again = await answer_for(account_events, req["conversion_id"])
    assert again["type"] == "account.lead_converted" and again["data"] == data
    found = (await api.get("/api/v1/accounts", params={"q": "แปลงลีด"}, headers=h)).json()
    assert [a["id"] for a in found["items"]] == [data["account_id"]]
    contacts = (await api.get(f"/api/v1/accounts/{data['account_id']}/contacts",
                              headers=h)).json()
    assert [c["id"] for c in contacts["items"]] == [data["contact_id"]]


async def test_existing_account_gets_a_contact(api, tenant, leads_peer, account_events):
    h = tenant.headers(tenant.admin)
    acc = (await api.post("/api/v1/accounts", json=thai_company(701), headers=h)).json()
    req = conversion_request(tenant, tenant.admin, account_id=acc["id"])
    await leads_peer.lead("lead.conversion_requested", tenant.id, req)
    answer = await answer_for(account_events, req["conversion_id"])
    assert answer["type"] == "account.lead_converted"
    assert answer["data"]["account_id"] == acc["id"]
    contacts = (await api.get(f"/api/v1/accounts/{acc['id']}/contacts", headers=h)).json()
    assert [c["name"] for c in contacts["items"]] == ["คุณสมศักดิ์ ใจดี"]


async def _failed(leads_peer, account_events, tenant, req) -> str:
    await leads_peer.lead("lead.conversion_requested", tenant.id, req)
    answer = await answer_for(account_events, req["conversion_id"])
    assert answer["type"] == "account.conversion_failed", answer
    assert answer["data"]["lead_id"] == req["lead_id"]
    return answer["data"]["reason"]


async def test_refusals_leave_nothing_behind(api, tenant, leads_peer, account_events):
    h = tenant.headers(tenant.admin)
    # an invalid field of the new account
    req = conversion_request(tenant, tenant.admin, account={
        "kind": "company", "name": "บริษัท เลขผิด จำกัด", "tax_id": "0105558000001"})
    reason = await _failed(leads_peer, account_events, tenant, req)
    assert reason.startswith("account.tax_id:"), reason
    # an account the requester may not see (sales3's, asked by sales1 seeing their own)
    theirs = (await api.post("/api/v1/accounts", headers=h, json=thai_company(
        702, owner_id=str(tenant.sales3.id)))).json()
    req = conversion_request(tenant, tenant.sales1, account_id=theirs["id"],
                             owner_ids=[str(tenant.sales1.id)])
    reason = await _failed(leads_peer, account_events, tenant, req)
    assert theirs["id"] in reason and "not visible" in reason
    # an invalid contact: the account made in the same attempt is not kept either
    req = conversion_request(tenant, tenant.admin, account={"name": "ร้านเต็มโควตา"},
                             contact={"name": "x", "phones": ["abc"], "emails": []})
    reason = await _failed(leads_peer, account_events, tenant, req)
    assert reason.startswith("contact.phones.0:"), reason
    found = (await api.get("/api/v1/accounts", params={"q": "เต็มโควตา"}, headers=h)).json()
    assert found["items"] == []


async def test_quota_reached_fails_the_conversion(api, gateway_events, accounts_db,
                                                  leads_peer, account_events):
    tenant = await make_tenant(gateway_events, accounts_db.owner_url, plan="free",
                               contact_limit=1)
    h = tenant.headers(tenant.admin)
    acc = (await api.post("/api/v1/accounts", json=thai_company(703), headers=h)).json()
    r = await api.post(f"/api/v1/accounts/{acc['id']}/contacts", json={"name": "คนแรก"},
                       headers=h)
    assert r.status_code == 201
    req = conversion_request(tenant, tenant.admin, account={"name": "ร้านใหม่"})
    reason = await _failed(leads_peer, account_events, tenant, req)
    assert "free plan allows 1 contacts" in reason
    found = (await api.get("/api/v1/accounts", params={"q": "ร้านใหม่"}, headers=h)).json()
    assert found["items"] == []


async def test_conversion_events_are_in_the_catalogue(api):
    doc = (await api.get("/asyncapi.json")).json()
    assert {"account_lead_converted", "account_conversion_failed"} <= set(doc["channels"])

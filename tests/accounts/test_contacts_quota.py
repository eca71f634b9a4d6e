"""Contacts of an account, and the plan's contact quota (also under concurrent creates)."""

from __future__ import annotations

import asyncio

import pytest
from accounts_support import make_tenant, thai_company

pytestmark = pytest.mark.integration


async def _account(api, tenant, n, who=None):
    r = await api.post("/api/v1/accounts", json=thai_company(n),
                       headers=tenant.headers(who or tenant.admin))
    assert r.status_code == 201, r.text
    return r.json()


async def test_contacts_crud_and_primary(api, tenant, account_events):
    acc = await _account(api, tenant, 30)
    h = tenant.headers(tenant.admin)
    url = f"/api/v1/accounts/{acc['id']}/contacts"
    first = (await api.post(url, json={
        "name": "คุณสมหมาย ใจงาม", "position": "ผู้จัดการฝ่ายจัดซื้อ", "phones": ["0812345678"],
        "emails": ["sommai@thairung.co.th"], "line_id": "sommai", "birthday": "1985-02-14",
    }, headers=h)).json()
    assert first["is_primary"] is True and first["phones"] == ["+66812345678"]
    second = await api.post(url, json={"name": "คุณบี", "is_primary": True}, headers=h)
    assert second.status_code == 201 and second.json()["is_primary"] is True
    again = (await api.get(f"{url}/{first['id']}", headers=h)).json()
    assert again["is_primary"] is False and again["version"] == first["version"] + 1
    listed = (await api.get(url, headers=h)).json()["items"]
    assert [c["id"] for c in listed] == [second.json()["id"], first["id"]]
    primary = (await api.get(url, params={"is_primary": "true"}, headers=h)).json()["items"]
    assert [c["id"] for c in primary] == [second.json()["id"]]
    others = (await api.get(url, params={"is_primary": "false"}, headers=h)).json()["items"]
    assert [c["id"] for c in others] == [first["id"]]
    r = await api.patch(f"{url}/{first['id']}", json={"position": "กรรมการผู้จัดการ"}, headers=h)
    assert r.status_code == 200 and r.json()["position"] == "กรรมการผู้จัดการ"
    event = await account_events.assert_published(
        "contact.updated", lambda e: e["subject"] == first["id"] and
        e["data"]["position"] == "กรรมการผู้จัดการ")
    assert event["data"]["changed"] == ["position"]
    await account_events.assert_published("contact.created",
                                          lambda e: e["subject"] == first["id"])
    # A contact's phone finds its account in the picker.
    found = (await api.get("/api/v1/accounts", params={"q": "081-234-5678"}, headers=h)).json()
    assert [a["id"] for a in found["items"]] == [acc["id"]]
    assert (await api.delete(f"{url}/{first['id']}", headers=h)).status_code == 204
    assert (await api.get(f"{url}/{first['id']}", headers=h)).status_code == 404


async def test_contact_errors(api, tenant):
    acc = await _account(api, tenant, 31)
    h = tenant.headers(tenant.admin)
    url = f"/api/v1/accounts/{acc['id']}/contacts"
    r = await api.post(url, json={"name": " "}, headers=h)
    assert r.status_code == 422 and r.json()["fields"][0]["field"] == "body.name"
    r = await api.post(url, json={"name": "x", "phones": ["abc"]}, headers=h)
    assert r.status_code == 422
    other = await _account(api, tenant, 32)
    made = (await api.post(url, json={"name": "คุณซี"}, headers=h)).json()
    # A contact read through another account is not there.
    r = await api.get(f"/api/v1/accounts/{other['id']}/contacts/{made['id']}", headers=h)
    assert r.status_code == 404


async def test_quota_names_limit_and_plan(api, gateway_events, accounts_db):
    tenant = await make_tenant(gateway_events, accounts_db.owner_url, plan="free",
                               contact_limit=3)
    acc = await _account(api, tenant, 33)
    h = tenant.headers(tenant.admin)
    url = f"/api/v1/accounts/{acc['id']}/contacts"
    made = [await api.post(url, json={"name": f"คน {i}"}, headers=h) for i in range(3)]
    assert [r.status_code for r in made] == [201, 201, 201]
    r = await api.post(url, json={"name": "เกิน"}, headers=h)
    assert r.status_code == 409
    body = r.json()
    assert body["code"] == "contact_quota_exceeded"
    assert "free" in body["message"] and "3" in body["message"]
    # Deleting one frees its place.
    assert (await api.delete(f"{url}/{made[0].json()['id']}", headers=h)).status_code == 204
    assert (await api.post(url, json={"name": "แทน"}, headers=h)).status_code == 201
    # The operator moves the tenant to a larger plan: the gateway's event lifts the limit.
    await gateway_events.publish("tenant.plan_changed", tenant.id, tenant.id,
                                 {"id": str(tenant.id), "plan": "pro", "contact_limit": 5},
                                 sequence=2)
    for _ in range(100):
        r = await api.post(url, json={"name": "หลังอัปเกรด"}, headers=h)
        if r.status_code == 201:
            break
        await asyncio.sleep(0.1)
    assert r.status_code == 201


async def test_quota_holds_under_concurrent_creates(api, gateway_events, accounts_db):
    limit = 10
    tenant = await make_tenant(gateway_events, accounts_db.owner_url, plan="free",
                               contact_limit=limit)
    accounts = [await _account(api, tenant, 40 + i) for i in range(3)]
    h = tenant.headers(tenant.admin)

    async def add(i):
        acc = accounts[i % 3]
        return (await api.post(f"/api/v1/accounts/{acc['id']}/contacts",
                               json={"name": f"พร้อมกัน {i}"}, headers=h)).status_code

    codes = await asyncio.gather(*(add(i) for i in range(30)))
    assert codes.count(201) == limit and codes.count(409) == 30 - limit
    total = 0
    for acc in accounts:
        total += len((await api.get(f"/api/v1/accounts/{acc['id']}/contacts",
                                    params={"limit": 200}, headers=h)).json()["items"])
    assert total == limit


async def test_an_anniversary_names_a_contact_of_the_account(api, tenant):
    acc = await _account(api, tenant, 34)
    other = await _account(api, tenant, 35)
    h = tenant.headers(tenant.admin)
    mine = (await api.post(f"/api/v1/accounts/{acc['id']}/contacts", json={"name": "คุณเอ"},
                           headers=h)).json()
    theirs = (await api.post(f"/api/v1/accounts/{other['id']}/contacts",
                             json={"name": "คุณบี"}, headers=h)).json()
    day = {"kind": "birthday", "date": "1980-04-13", "note": "วันสงกรานต์"}
    r = await api.patch(f"/api/v1/accounts/{acc['id']}", headers=h,
                        json={"anniversaries": [{**day, "contact_id": mine["id"]}]})
    assert r.status_code == 200 and r.json()["anniversaries"][0]["contact_id"] == mine["id"]
    r = await api.patch(f"/api/v1/accounts/{acc['id']}", headers=h,
                        json={"anniversaries": [day, {**day, "contact_id": theirs["id"]}]})
    assert r.status_code == 404
    assert r.json()["fields"][0]["field"] == "body.anniversaries.1.contact_id"

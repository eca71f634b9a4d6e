"""Leads ↔ accounts across the real processes (gateway, leads, accounts): a lead made from
an account, and a conversion that survives either service being stopped mid-way without
making a second account or contact; the account's timeline shows the lead."""

from __future__ import annotations

import uuid

import asyncpg
import pytest

from crmkit.testing.capture import EventCapture
from crmkit.testing.tenants import pg_dsn

from .conftest import post_until_created, until

pytestmark = pytest.mark.e2e


async def _lead_status(system, lead_id: str) -> str | None:
    conn = await asyncpg.connect(pg_dsn(system.db_url("leads", owner=True)))
    try:
        return await conn.fetchval("SELECT conversion_status FROM leads WHERE id = $1",
                                   uuid.UUID(lead_id))
    finally:
        await conn.close()


def test_lead_from_an_account_through_the_gateway(gw, make_tenant):
    t = make_tenant()
    t.add_user("sales", "sales")
    t.add_user("other", "sales")
    r = gw.patch("/api/v1/settings", headers=t.h("admin"), json={"account_visibility": "own"})
    assert r.status_code == 200, r.text
    tag = uuid.uuid4().hex[:6]
    r = post_until_created(gw, "/api/v1/accounts", t.h("sales"), {
        "kind": "company", "name": f"บริษัท ลูกค้าเก่า {tag} จำกัด",
        "phones": ["02-123-4567"], "emails": [f"buy-{tag}@old.co.th"]})
    assert r.status_code == 201, r.text
    account = r.json()
    # No contact yet: the account's own name, first phone and email.
    r = post_until_created(gw, "/api/v1/leads", t.h("sales"),
                            {"account_id": account["id"], "source": "website"})
    assert r.status_code == 201, r.text
    lead = r.json()
    assert (lead["name"], lead["phone"], lead["email"]) == (
        account["name"], "+6621234567", f"buy-{tag}@old.co.th")
    assert lead["company"] == account["name"] and lead["account_id"] == account["id"]
    assert lead["contact_id"] is None

    r = gw.post(f"/api/v1/accounts/{account['id']}/contacts", headers=t.h("sales"), json={
        "name": "คุณมาลี ซื้อบ่อย", "phones": ["089-999-0000"], "emails": [f"malee-{tag}@old.co.th"]})
    assert r.status_code == 201, r.text
    contact = r.json()
    assert contact["is_primary"] is True  # the first contact
    r = gw.post(f"/api/v1/accounts/{account['id']}/contacts", headers=t.h("sales"), json={
        "name": "คุณสมปอง บัญชี", "phones": ["02-555-0000"], "emails": [f"acc-{tag}@old.co.th"]})
    assert r.status_code == 201 and r.json()["is_primary"] is False
    other_contact = r.json()

    # Without contact_id: the primary contact's name, phone and email (what salespeople
    # expect), the company still the account's.
    r = gw.post("/api/v1/leads", headers=t.h("sales"), json={
        "account_id": account["id"], "source": "website", "note": "ขายรอบสอง"})
    assert r.status_code == 201, r.text
    again = r.json()
    assert (again["name"], again["phone"], again["email"]) == (
        "คุณมาลี ซื้อบ่อย", "+66899990000", f"malee-{tag}@old.co.th")
    assert again["company"] == account["name"]
    assert again["contact_id"] == contact["id"] and again["id"] != lead["id"]
    # A chosen contact wins; what the body gives wins over both.
    r = gw.post("/api/v1/leads", headers=t.h("sales"), json={
        "account_id": account["id"], "contact_id": other_contact["id"], "source": "website",
        "name": "คุณสมปอง (ฝ่ายบัญชี)"})
    assert r.status_code == 201, r.text
    third = r.json()
    assert (third["name"], third["phone"], third["email"]) == (
        "คุณสมปอง (ฝ่ายบัญชี)", "+6625550000", f"acc-{tag}@old.co.th")
    assert third["contact_id"] == other_contact["id"]
    # Another salesperson who may not see the account (account_visibility own): 404.
    r = post_until_created(gw, "/api/v1/leads", t.h("other"),
                            {"account_id": account["id"], "source": "website"}, timeout=3)
    assert r.status_code == 404 and r.json()["fields"][0]["field"] == "body.account_id"
    r = gw.post("/api/v1/leads", headers=t.h("sales"), json={
        "account_id": account["id"], "contact_id": str(uuid.uuid4()), "source": "website"})
    assert r.status_code == 404 and r.json()["fields"][0]["field"] == "body.contact_id"
    r = post_until_created(gw, "/api/v1/accounts", t.h("sales"),
                            {"kind": "person", "name": f"คุณไม่มีอีเมล {tag}",
                             "phones": ["081-111-2222"]})
    no_email = r.json()
    r = gw.post("/api/v1/leads", headers=t.h("sales"),
                json={"account_id": no_email["id"], "source": "website"})
    assert r.status_code == 422 and r.json()["fields"][0]["field"] == "body.email"
    assert "no email" in r.json()["message"]
    # the account's timeline shows its leads
    timeline = until(lambda: gw.get(f"/api/v1/accounts/{account['id']}/timeline",
                                     headers=t.h("sales")),
                      lambda page: len(page["items"]) == 3)
    assert {e["lead_id"] for e in timeline["items"]} == {lead["id"], again["id"], third["id"]}
    assert {e["kind"] for e in timeline["items"]} == {"lead_created"}


async def test_conversion_survives_both_services_stopping(system, gw, make_tenant,
                                                          lead_events):
    t = make_tenant()
    t.add_user("sales", "sales")
    company = f"บริษัท แปลงร่าง {uuid.uuid4().hex[:6]} จำกัด"
    lead = t.create_lead("sales", company=company)
    pipelines = gw.get("/api/v1/pipelines", headers=t.h("sales")).json()
    items = pipelines["items"] if isinstance(pipelines, dict) else pipelines
    r = gw.post(f"/api/v1/leads/{lead['id']}/stage", headers=t.h("sales"),
                json={"stage_id": items[0]["stages"][1]["id"]})
    assert r.status_code == 200, r.text
    answers = EventCapture(system.amqp_url, binding="account.#")
    await answers.start()
    accounts_port, leads_port = system.accounts.port, system.leads.port
    try:
        # 1. The accounts service is down when the lead is converted.
        system.accounts.kill()
        r = gw.post(f"/api/v1/leads/{lead['id']}/convert", headers=t.h("sales"),
                    json={"account": {}, "contact": {"position": "เจ้าของกิจการ"}})
        assert r.status_code == 202, r.text
        assert r.json()["conversion_status"] == "converting"
        request = await lead_events.assert_published(
            "lead.conversion_requested", lambda e: e["subject"] == lead["id"], timeout=15)
        conversion = request["data"]["conversion_id"]
        got = gw.get(f"/api/v1/leads/{lead['id']}", headers=t.h("sales")).json()
        assert got["conversion_status"] == "converting" and got["account_id"] is None

        # 2. The leads service goes down too, before it hears the answer.
        system.leads.kill()
        system.accounts = system.accounts_process(port=accounts_port).start()
        answer = await answers.assert_published(
            "account.lead_converted", lambda e: e["data"]["conversion_id"] == conversion,
            timeout=30)
        assert await _lead_status(system, lead["id"]) == "converting"

        # 3. Leads comes back and finishes.
        system.leads = system.leads_process(port=leads_port).start()
        done = until(lambda: gw.get(f"/api/v1/leads/{lead['id']}", headers=t.h("sales")),
                      lambda x: x["conversion_status"] == "converted")
    finally:
        await answers.stop()
        for name, port in (("accounts", accounts_port), ("leads", leads_port)):
            proc = getattr(system, name)
            if proc.proc is None or proc.proc.poll() is not None:
                setattr(system, name, system.service_process(name, port).start())

    account_id = answer["data"]["account_id"]
    assert done["account_id"] == account_id
    assert done["contact_id"] == answer["data"]["contact_id"]
    assert account_id == str(uuid.uuid5(uuid.UUID(conversion), "account"))
    h = t.h("sales")
    account = gw.get(f"/api/v1/accounts/{account_id}", headers=h).json()
    assert account["name"] == company and account["kind"] == "company"
    assert account["owner_id"] == t.users["sales"]
    r = gw.get("/api/v1/accounts", headers=h, params={"q": company})
    assert r.status_code == 200, r.text
    found = r.json()["items"]
    assert [a["id"] for a in found] == [account_id]                  # exactly one account
    contacts = gw.get(f"/api/v1/accounts/{account_id}/contacts", headers=h).json()["items"]
    assert len(contacts) == 1 and contacts[0]["position"] == "เจ้าของกิจการ"
    assert contacts[0]["name"] == lead["name"]
    # The account's timeline tells the lead's story, from before the conversion too, and
    # the deal the conversion opened (its entry and the conversion's share a moment: either
    # may be first).
    timeline = until(lambda: gw.get(f"/api/v1/accounts/{account_id}/timeline", headers=h),
                      lambda page: len(page["items"]) == 4)
    kinds = [e["kind"] for e in timeline["items"]]
    assert sorted(kinds[:2]) == ["deal_created", "lead_converted"], kinds
    assert kinds[2:] == ["lead_stage_changed", "lead_created"], kinds
    # Converting it again is refused.
    r = gw.post(f"/api/v1/leads/{lead['id']}/convert", headers=h,
                json={"account_id": account_id})
    assert r.status_code == 409

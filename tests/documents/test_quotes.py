"""Quotations: totals from lines and the catalogue, the price-edit rule, the account's bill
discount, the status flow with revisions, and numbers gapless and unique under 32 concurrent
issues."""

from __future__ import annotations

import asyncio
import uuid
from datetime import date

import pytest
from doc_support import given_account, given_lead

from crmkit.testing.tenants import fetchval

pytestmark = pytest.mark.integration
BE = date.today().year + 543


async def _product(api, tenant, **over):
    body = {"sku": f"P-{uuid.uuid4().hex[:6]}", "name": "กล้องวงจรปิด", "unit": "ชุด",
            "unit_price": "2500.00", "vat_type": "vat7", **over}
    r = await api.post("/api/v1/products", headers=tenant.headers(tenant.admin), json=body)
    assert r.status_code == 201, r.text
    return r.json()


@pytest.fixture
async def lead(tenant, gateway_events, doc_db):
    return await given_lead(gateway_events, tenant, doc_db.owner_url, tenant.sales1.id)


async def _quote(api, tenant, who, lead, lines, **over):
    return await api.post("/api/v1/quotes", headers=tenant.headers(who, "team"),
                          json={"lead_id": lead["id"], "lines": lines, **over})


async def test_a_draft_priced_from_the_catalogue_and_free_lines(api, tenant, lead):
    cam = await _product(api, tenant)
    r = await _quote(api, tenant, tenant.sales1, lead, [
        {"product_id": cam["id"], "quantity": 2, "discount_percent": 10},
        {"description": "ค่าติดตั้ง", "quantity": "1.5", "unit": "ชั่วโมง",
         "unit_price": "800", "vat_type": "exempt"}], bill_discount_amount="100",
        wht_rate=3)
    assert r.status_code == 201, r.text
    q = r.json()
    first, second = q["lines"]
    assert (first["description"], first["unit"], first["unit_price"], first["sku"],
            first["amount"]) == ("กล้องวงจรปิด", "ชุด", "2500.00", cam["sku"], "4500.00")
    assert second["amount"] == "1200.00" and second["vat_type"] == "exempt"
    # 5700 − 100 shared 4500:1200 → vat7 base 4421.05, VAT 309.47; WHT 3 % of 5600.
    assert (q["subtotal"], q["bill_discount"], q["before_vat"], q["vat"], q["grand_total"],
            q["wht"], q["net_payable"]) == ("5700.00", "100.00", "5600.00", "309.47",
                                            "5909.47", "168.00", "5741.47")
    assert q["amount_in_words"] == "ห้าพันเก้าร้อยเก้าบาทสี่สิบเจ็ดสตางค์"
    assert (q["status"], q["number"], q["revision"]) == ("draft", None, 0)


async def test_the_price_edit_rule(api, tenant, lead):
    cam = await _product(api, tenant)
    lines = [{"description": "ค่าขนส่ง", "quantity": 1, "unit_price": 300},
             {"product_id": cam["id"], "quantity": 1, "unit_price": "2400"}]
    r = await _quote(api, tenant, tenant.sales1, lead, lines)
    assert r.status_code == 409, r.text
    assert r.json()["code"] == "price_not_editable"
    assert r.json()["fields"][0]["field"] == "body.lines.1.unit_price"
    assert r.json()["fields"][0]["params"]["catalogue_price"] == "2500.00"
    # The catalogue's own price is fine; so is any price when the tenant allows edits.
    lines[1]["unit_price"] = "2500"
    assert (await _quote(api, tenant, tenant.sales1, lead, lines)).status_code == 201
    lines[1]["unit_price"] = "2400"
    allowed = tenant.headers(tenant.sales1, "team", allow_price_edit=True)
    r = await api.post("/api/v1/quotes", headers=allowed, json={"lead_id": lead["id"],
                                                                "lines": lines})
    assert r.status_code == 201 and r.json()["lines"][1]["unit_price"] == "2400.00"
    # An admin may always.
    assert (await _quote(api, tenant, tenant.admin, lead, lines)).status_code == 201


async def test_unknown_and_inactive_products_name_the_line(api, tenant, lead):
    old = await _product(api, tenant, active=False)
    r = await _quote(api, tenant, tenant.sales1, lead, [
        {"product_id": str(uuid.uuid4()), "quantity": 1}])
    assert r.status_code == 404 and r.json()["fields"][0]["field"] == "body.lines.0.product_id"
    r = await _quote(api, tenant, tenant.sales1, lead, [{"product_id": old["id"],
                                                         "quantity": 1}])
    assert r.status_code == 409 and r.json()["code"] == "product_inactive"


@pytest.mark.parametrize(("body", "field"), [
    ({"lines": [{"description": "x", "quantity": 0, "unit_price": 1}]}, "body.lines.0.quantity"),
    ({"lines": [{"description": "x", "quantity": 1}]}, "body.lines.0"),
    ({"lines": [{"description": "x", "quantity": 1, "unit_price": 10,
                 "discount_amount": 11}]}, "body.lines.0.discount"),
    ({"lines": [{"description": "x", "quantity": 1, "unit_price": 10}],
      "bill_discount_amount": 11}, "body.bill_discount"),
    ({"lines": [], "wht_rate": 4}, "body.wht_rate"),
    ({"lines": [{"description": "x", "quantity": 999999999,
                 "unit_price": "999999999999.99"}]}, "body.lines"),
])
async def test_bad_input_is_422_naming_the_field(api, tenant, lead, body, field):
    r = await api.post("/api/v1/quotes", headers=tenant.headers(tenant.sales1),
                       json={"lead_id": lead["id"], **body})
    assert r.status_code == 422, r.text
    assert any(f["field"].startswith(field) for f in r.json()["fields"]), r.json()


async def test_an_accounts_bill_discount_is_the_default(api, tenant, gateway_events, doc_db):
    acc = await given_account(gateway_events, tenant, doc_db.owner_url, tenant.sales1.id,
                              bill_discount={"kind": "percent", "value": "5"})
    line = [{"description": "บริการดูแลระบบรายปี", "quantity": 1, "unit_price": 10000}]
    r = await api.post("/api/v1/quotes", headers=tenant.headers(tenant.sales1),
                       json={"account_id": acc["id"], "lines": line})
    assert r.status_code == 201, r.text
    assert (r.json()["bill_discount_percent"], r.json()["before_vat"]) == ("5.00", "9500.00")
    r = await api.post("/api/v1/quotes", headers=tenant.headers(tenant.sales1),
                       json={"account_id": acc["id"], "lines": line,
                             "bill_discount_amount": 0})
    assert r.json()["before_vat"] == "10000.00"


async def test_status_flow_with_revisions(api, tenant, lead, doc_db):
    me = tenant.headers(tenant.sales1)
    line = {"description": "ที่ปรึกษาโครงการ", "quantity": 10, "unit": "วัน",
            "unit_price": 5000}
    q = (await _quote(api, tenant, tenant.sales1, lead, [line])).json()
    r = await api.patch(f"/api/v1/quotes/{q['id']}", headers=me,
                        json={"lines": [line, line], "notes": "ราคานี้รวมค่าเดินทาง"})
    assert r.status_code == 200 and r.json()["before_vat"] == "100000.00"
    issued = (await api.post(f"/api/v1/quotes/{q['id']}/issue", headers=me)).json()
    assert issued["status"] == "sent" and issued["number"].startswith(f"QT{BE}-")
    assert issued["issue_date"] == date.today().isoformat()
    base = issued["number"]
    # Sent: no edits, no second issue; a revision instead.
    r = await api.patch(f"/api/v1/quotes/{q['id']}", headers=me, json={"lines": [line]})
    assert r.status_code == 409 and r.json()["code"] == "quote_status"
    assert (await api.post(f"/api/v1/quotes/{q['id']}/issue", headers=me)).status_code == 409
    rev = (await api.post(f"/api/v1/quotes/{q['id']}/revise", headers=me)).json()
    assert (rev["status"], rev["revision"], rev["previous_id"], rev["number"]) == (
        "draft", 1, q["id"], None)
    await api.patch(f"/api/v1/quotes/{rev['id']}", headers=me, json={"lines": [line]})
    rev = (await api.post(f"/api/v1/quotes/{rev['id']}/issue", headers=me)).json()
    assert rev["number"] == f"{base}-R1" and rev["before_vat"] == "50000.00"
    old = (await api.get(f"/api/v1/quotes/{q['id']}", headers=me)).json()
    assert old["superseded_by"] == rev["id"] and old["before_vat"] == "100000.00"
    r = await api.post(f"/api/v1/quotes/{q['id']}/accept", headers=me)
    assert r.status_code == 409 and r.json()["code"] == "quote_superseded"
    accepted = (await api.post(f"/api/v1/quotes/{rev['id']}/accept", headers=me)).json()
    assert accepted["status"] == "accepted"
    assert (await api.post(f"/api/v1/quotes/{rev['id']}/reject", headers=me)).status_code == 409
    staged = await fetchval(doc_db.owner_url, "SELECT payload->'data'->>'before_vat' FROM "
                            "outbox WHERE event_type = 'quote.accepted' AND "
                            "payload->>'subject' = $1", rev["id"])
    assert staged == "50000.00"


async def test_a_quote_past_its_validity_is_expired(api, tenant, lead):
    me = tenant.headers(tenant.sales1)
    q = (await _quote(api, tenant, tenant.sales1, lead, [
        {"description": "x", "quantity": 1, "unit_price": 1}],
        valid_until="2020-01-31")).json()
    await api.post(f"/api/v1/quotes/{q['id']}/issue", headers=me)
    got = (await api.get(f"/api/v1/quotes/{q['id']}", headers=me)).json()
    assert got["status"] == "expired"
    assert (await api.post(f"/api/v1/quotes/{q['id']}/accept", headers=me)).status_code == 409
    listed = (await api.get("/api/v1/quotes", headers=me,
                            params={"lead_id": lead["id"], "status": "expired"})).json()
    assert [x["id"] for x in listed["items"]] == [q["id"]]


async def test_an_empty_draft_is_not_issued_and_takes_no_number(api, tenant, lead):
    me = tenant.headers(tenant.sales1)
    empty = (await _quote(api, tenant, tenant.sales1, lead, [])).json()
    r = await api.post(f"/api/v1/quotes/{empty['id']}/issue", headers=me)
    assert r.status_code == 409 and r.json()["code"] == "quote_empty"
    full = (await _quote(api, tenant, tenant.sales1, lead, [
        {"description": "x", "quantity": 1, "unit_price": 1}])).json()
    issued = (await api.post(f"/api/v1/quotes/{full['id']}/issue", headers=me)).json()
    assert issued["number"] == f"QT{BE}-0001"


async def test_32_concurrent_issues_get_gapless_unique_numbers(api, tenant, lead):
    me = tenant.headers(tenant.sales1)
    drafts = await asyncio.gather(*[_quote(api, tenant, tenant.sales1, lead, [
        {"description": f"งาน {i}", "quantity": 1, "unit_price": 100}]) for i in range(32)])
    answers = await asyncio.gather(*[api.post(f"/api/v1/quotes/{d.json()['id']}/issue",
                                              headers=me) for d in drafts])
    assert all(a.status_code == 200 for a in answers), [a.text for a in answers]
    numbers = sorted(a.json()["number"] for a in answers)
    assert numbers == [f"QT{BE}-{n:04d}" for n in range(1, 33)]

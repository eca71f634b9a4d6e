"""`POST /quotes/preview`: the totals the web UI's editor shows while typing are the ones a
created quote gets (same rules: catalogue, price rule, the account's bill discount), and
nothing is written."""

from __future__ import annotations

import uuid

import pytest
from doc_support import given_account, given_lead

from crmkit.testing.tenants import fetchval

pytestmark = pytest.mark.integration

TOTALS = ("subtotal", "bill_discount", "before_vat", "vat_rate", "vat", "grand_total", "wht",
          "net_payable", "amount_in_words", "bill_discount_percent", "bill_discount_amount",
          "wht_rate")


async def _product(api, tenant, price="2500.00"):
    r = await api.post("/api/v1/products", headers=tenant.headers(tenant.admin), json={
        "sku": f"P-{uuid.uuid4().hex[:6]}", "name": "กล้องวงจรปิด", "unit": "ชุด",
        "unit_price": price, "vat_type": "vat7"})
    assert r.status_code == 201, r.text
    return r.json()


async def test_preview_equals_the_created_quote_and_writes_nothing(api, tenant, gateway_events,
                                                                   doc_db):
    lead = await given_lead(gateway_events, tenant, doc_db.owner_url, tenant.sales1.id)
    cam = await _product(api, tenant)
    body = {"lead_id": lead["id"], "bill_discount_amount": "100", "wht_rate": 3, "lines": [
        {"product_id": cam["id"], "quantity": 2, "discount_percent": 10},
        {"description": "ค่าติดตั้ง", "quantity": "1.5", "unit": "ชั่วโมง",
         "unit_price": "800", "vat_type": "exempt"}]}
    me = tenant.headers(tenant.sales1)
    before = await fetchval(doc_db.owner_url, "SELECT count(*) FROM quotes")
    r = await api.post("/api/v1/quotes/preview", headers=me, json=body)
    assert r.status_code == 200, r.text
    shown = r.json()
    assert (shown["grand_total"], shown["vat"], shown["wht"], shown["net_payable"],
            shown["amount_in_words"]) == ("5909.47", "309.47", "168.00", "5741.47",
                                          "ห้าพันเก้าร้อยเก้าบาทสี่สิบเจ็ดสตางค์")
    assert [x["amount"] for x in shown["lines"]] == ["4500.00", "1200.00"]
    assert shown["lines"][0]["description"] == "กล้องวงจรปิด"
    assert await fetchval(doc_db.owner_url, "SELECT count(*) FROM quotes") == before
    made = (await api.post("/api/v1/quotes", headers=me, json=body)).json()
    assert {k: shown[k] for k in TOTALS} == {k: made[k] for k in TOTALS}
    assert shown["lines"] == made["lines"]


async def test_preview_applies_the_rules_of_a_quote(api, tenant, gateway_events, doc_db):
    acc = await given_account(gateway_events, tenant, doc_db.owner_url, tenant.sales1.id,
                              bill_discount={"kind": "percent", "value": "5"})
    me = tenant.headers(tenant.sales1)
    line = {"description": "บริการดูแลระบบรายปี", "quantity": 1, "unit_price": 10000}
    r = await api.post("/api/v1/quotes/preview", headers=me,
                       json={"account_id": acc["id"], "lines": [line]})
    assert (r.json()["bill_discount_percent"], r.json()["before_vat"]) == ("5.00", "9500.00")
    # No party: no account default; an empty draft totals zero.
    r = await api.post("/api/v1/quotes/preview", headers=me, json={"lines": [line]})
    assert r.json()["before_vat"] == "10000.00"
    r = await api.post("/api/v1/quotes/preview", headers=me, json={})
    assert (r.status_code, r.json()["grand_total"], r.json()["amount_in_words"]) == (
        200, "0.00", "ศูนย์บาทถ้วน")
    # The price rule names the line; an admin may.
    cam = await _product(api, tenant)
    lines = [line, {"product_id": cam["id"], "quantity": 1, "unit_price": "2400"}]
    r = await api.post("/api/v1/quotes/preview", headers=me, json={"lines": lines})
    assert r.status_code == 409 and r.json()["code"] == "price_not_editable"
    assert r.json()["fields"][0]["field"] == "body.lines.1.unit_price"
    r = await api.post("/api/v1/quotes/preview", headers=tenant.headers(tenant.admin),
                       json={"lines": lines})
    assert r.status_code == 200 and r.json()["lines"][1]["unit_price"] == "2400.00"
    # Bad input is a 4xx naming the field; an unseen party is 404.
    r = await api.post("/api/v1/quotes/preview", headers=me,
                       json={"lines": [{**line, "quantity": 0}]})
    assert r.status_code == 422 and r.json()["fields"][0]["field"].startswith("body.lines.0")
    r = await api.post("/api/v1/quotes/preview", headers=me,
                       json={"lead_id": str(uuid.uuid4()), "lines": [line]})
    assert r.status_code == 404 and r.json()["fields"][0]["field"] == "body.lead_id"
    r = await api.post("/api/v1/quotes/preview", headers=me,
                       json={"lead_id": str(uuid.uuid4()), "account_id": acc["id"]})
    assert r.status_code == 422

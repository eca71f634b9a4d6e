"""Invoices (ใบแจ้งหนี้) from quotes: series IV, due date from the account's credit days
(learnt from its events), kept PDFs; a tax invoice from an invoice; credit notes (ใบลดหนี้)
against an issued tax invoice with every 86/10 field in the PDF's text; the tenant's
document digits from tenant.settings_changed."""

from __future__ import annotations

import subprocess
import uuid
from datetime import date, timedelta

import anyio
import pytest
from doc_support import given_account, given_lead
from test_tax_invoice import PROFILE

from crmkit.testing.tenants import fetchval
from tidtam_documents.pdf.thaiformat import be_date

pytestmark = pytest.mark.integration
BE = date.today().year + 543


def text_of(pdf: bytes) -> str:
    return subprocess.run(["pdftotext", "-raw", "-", "-"], input=pdf, capture_output=True,
                          check=True).stdout.decode().replace("\n", " ")


async def _sent(api, tenant, gateway_events, doc_db, *, lead=False, **account):
    me = tenant.headers(tenant.sales1)
    if lead:
        party = {"lead_id": (await given_lead(gateway_events, tenant, doc_db.owner_url,
                                              tenant.sales1.id))["id"]}
    else:
        acc = await given_account(gateway_events, tenant, doc_db.owner_url, tenant.sales1.id,
                                  **account)
        party = {"account_id": acc["id"]}
    q = (await api.post("/api/v1/quotes", headers=me, json={
        **party, "bill_discount_amount": 0, "wht_rate": 3, "notes": "ชำระโดยโอนเงิน",
        "lines": [{"description": "ค่าบริการติดตั้งระบบกล้องวงจรปิด", "quantity": 2,
                   "unit": "จุด", "unit_price": "3500"},
                  {"description": "ค่าเดินทาง", "quantity": 1, "unit": "เที่ยว",
                   "unit_price": 500, "vat_type": "exempt"}]})).json()
    r = await api.post(f"/api/v1/quotes/{q['id']}/issue", headers=me)
    assert r.status_code == 200, r.text
    return r.json()


async def kept(doc_db, key: str) -> int:
    return await fetchval(doc_db.owner_url, "SELECT count(*) FROM pdf_files WHERE key = $1",
                          key)


async def test_an_invoice_from_a_quote(api, tenant, gateway_events, doc_db):
    me = tenant.headers(tenant.sales1)
    q = await _sent(api, tenant, gateway_events, doc_db, credit_days=45)
    # The issued quote's PDF was kept when it was issued, before anyone asked for it.
    assert await kept(doc_db, f"quote/{q['id']}") == 1
    r = await api.post(f"/api/v1/quotes/{q['id']}/invoice", headers=me)
    assert r.status_code == 201, r.text
    inv = r.json()
    assert inv["number"] == f"IV{BE}-0001" and inv["quote_number"] == q["number"]
    assert inv["credit_days"] == 45
    assert inv["due_date"] == (date.today() + timedelta(days=45)).isoformat()
    assert inv["grand_total"] == "7990.00" and inv["wht"] == "225.00"
    assert inv["net_payable"] == "7765.00" and inv["customer"]["name"] == "บริษัท ลูกค้าดี จำกัด"
    assert await kept(doc_db, f"invoice/{inv['id']}") == 1
    text = text_of((await api.get(f"/api/v1/invoices/{inv['id']}/pdf", headers=me)).content)
    for expected in ("ใบแจ้งหนี้", inv["number"], q["number"], "7,990.00", "7,765.00",
                     be_date(date.today() + timedelta(days=45)), "45 วัน",
                     "ชำระโดยโอนเงิน"):
        assert expected in text, expected
    # One per quote; listed by quote and account; another owner's is 404.
    r = await api.post(f"/api/v1/quotes/{q['id']}/invoice", headers=me)
    assert r.status_code == 409 and r.json()["code"] == "already_issued"
    page = (await api.get("/api/v1/invoices", headers=me,
                          params={"account_id": inv["account_id"]})).json()
    assert [i["id"] for i in page["items"]] == [inv["id"]]
    other = tenant.headers(tenant.sales2, "own", account_visibility="own")
    assert (await api.get(f"/api/v1/invoices/{inv['id']}", headers=other)).status_code == 404
    assert (await api.get("/api/v1/invoices", headers=other)).json()["items"] == []


async def test_invoice_rules(api, tenant, gateway_events, doc_db):
    me = tenant.headers(tenant.sales1)
    acc = await given_account(gateway_events, tenant, doc_db.owner_url, tenant.sales1.id)
    draft = (await api.post("/api/v1/quotes", headers=me, json={
        "account_id": acc["id"], "lines": [{"description": "x", "quantity": 1,
                                            "unit_price": 1}]})).json()
    r = await api.post(f"/api/v1/quotes/{draft['id']}/invoice", headers=me)
    assert r.status_code == 409 and r.json()["code"] == "quote_status"
    # A lead without an account: no credit days, due on the issue date.
    q = await _sent(api, tenant, gateway_events, doc_db, lead=True)
    inv = (await api.post(f"/api/v1/quotes/{q['id']}/invoice", headers=me)).json()
    assert inv["credit_days"] == 0 and inv["due_date"] == inv["issue_date"]
    # A superseded revision is not invoiced.
    q2 = await _sent(api, tenant, gateway_events, doc_db)
    rev = (await api.post(f"/api/v1/quotes/{q2['id']}/revise", headers=me)).json()
    await api.post(f"/api/v1/quotes/{rev['id']}/issue", headers=me)
    r = await api.post(f"/api/v1/quotes/{q2['id']}/invoice", headers=me)
    assert r.status_code == 409 and r.json()["code"] == "quote_superseded"


async def test_tax_invoice_and_credit_notes(api, tenant, gateway_events, doc_db):
    me = tenant.headers(tenant.sales1)
    await api.put("/api/v1/company-profile", headers=tenant.headers(tenant.admin),
                  json=PROFILE)
    q = await _sent(api, tenant, gateway_events, doc_db)
    inv = (await api.post(f"/api/v1/quotes/{q['id']}/invoice", headers=me)).json()
    r = await api.post(f"/api/v1/invoices/{inv['id']}/tax-invoice", headers=me)
    assert r.status_code == 201, r.text
    tx = r.json()
    assert tx["invoice_id"] == inv["id"] and tx["quote_id"] == q["id"]
    assert tx["number"] == f"TX{BE}-0001" and tx["grand_total"] == "7990.00"
    for kind in ("original", "copy"):
        assert await kept(doc_db, f"tax-invoice/{tx['id']}/{kind}") == 1
    assert (await api.get(f"/api/v1/invoices/{inv['id']}", headers=me)).json()[
        "tax_invoice_id"] == tx["id"]
    r = await api.post(f"/api/v1/invoices/{inv['id']}/tax-invoice", headers=me)
    assert r.status_code == 409 and r.json()["code"] == "already_issued"
    r = await api.post(f"/api/v1/quotes/{q['id']}/tax-invoice", headers=me)
    assert r.status_code == 409

    # Credit notes: at most the tax invoice's value before VAT (7,500.00), all together.
    url = f"/api/v1/tax-invoices/{tx['id']}/credit-notes"
    r = await api.post(url, headers=me, json={"reason": "x", "lines": [
        {"description": "เกิน", "quantity": 1, "unit_price": "7500.01"}]})
    assert r.status_code == 422 and r.json()["fields"][0]["code"] == "credit_too_large"
    r = await api.post(url, headers=me, json={
        "reason": "กล้องชำรุด 1 จุด ส่งคืน", "lines": [
            {"description": "ค่าบริการติดตั้งระบบกล้องวงจรปิด", "quantity": 1, "unit": "จุด",
             "unit_price": "3500"}]})
    assert r.status_code == 201, r.text
    cn = r.json()
    assert cn["number"] == f"CN{BE}-0001" and cn["tax_invoice_number"] == tx["number"]
    assert (cn["original_value"], cn["difference"], cn["correct_value"], cn["vat"],
            cn["total"]) == ("7500.00", "3500.00", "4000.00", "245.00", "3745.00")
    text = text_of((await api.get(f"/api/v1/credit-notes/{cn['id']}/pdf",
                                  headers=me)).content)
    fields = {
        "the words ใบลดหนี้": "ใบลดหนี้",
        "seller's name, tax ID and branch": PROFILE["name"],
        "seller's tax ID": PROFILE["tax_id"],
        "seller's head office": "สำนักงานใหญ่",
        "seller's address": "88 อาคารสาทรซิตี้ ชั้น 12",
        "buyer's name": "บริษัท ลูกค้าดี จำกัด",
        "buyer's address": "99/1 ถนนสุขุมวิท",
        "buyer's tax ID": "0105558000006",
        "its number": cn["number"],
        "its date": be_date(date.today()),
        "the tax invoice's number": tx["number"],
        "the original value": "7,500.00",
        "the correct value": "4,000.00",
        "the difference": "3,500.00",
        "VAT on the difference": "245.00",
        "the reason": "กล้องชำรุด 1 จุด ส่งคืน",
        "original": "ต้นฉบับ",
    }
    for what, expected in fields.items():
        assert expected in text, what
    copy = text_of((await api.get(f"/api/v1/credit-notes/{cn['id']}/pdf", headers=me,
                                  params={"copy": "true"})).content)
    assert "สำเนา" in copy and "เอกสารออกเป็นชุด" in copy
    # What is left: 4,000.00, and no more.
    r = await api.post(url, headers=me, json={"reason": "y", "lines": [
        {"description": "ส่วนลด", "quantity": 1, "unit_price": "4000.01"}]})
    assert r.status_code == 422
    r = await api.post(url, headers=me, json={"reason": "y", "lines": [
        {"description": "ส่วนลด", "quantity": 1, "unit_price": "4000"}]})
    assert r.status_code == 201 and r.json()["correct_value"] == "0.00"
    listed = (await api.get(url, headers=me)).json()["items"]
    assert [c["number"] for c in listed] == [f"CN{BE}-0001", f"CN{BE}-0002"]
    with pytest.raises(Exception, match="never changes"):
        await fetchval(doc_db.owner_url, "DELETE FROM credit_notes WHERE id = $1",
                       uuid.UUID(cn["id"]))
    assert (await api.get(f"/api/v1/credit-notes/{cn['id']}",
                          headers=tenant.headers(tenant.sales2, "own",
                                                 account_visibility="own"))).status_code \
        == 404


async def settled(doc_db, tenant, column: str, value: object) -> None:
    """Waits until the service's copy of the tenant's settings has `column` = `value`."""
    with anyio.fail_after(15):
        while True:
            if await fetchval(doc_db.owner_url, f"SELECT {column} FROM tenant_settings "
                              "WHERE tenant_id = $1", tenant.id) == value:
                return
            await anyio.sleep(0.05)


async def test_thai_digits_from_the_tenant_setting(api, tenant, gateway_events, doc_db):
    me = tenant.headers(tenant.sales1)
    await gateway_events.publish("tenant.settings_changed", tenant.id, tenant.id, {
        "id": str(tenant.id), "time_zone": "Asia/Bangkok", "agenda_time": "07:00",
        "document_digits": "thai"}, sequence=2)
    await settled(doc_db, tenant, "document_digits", "thai")
    q = await _sent(api, tenant, gateway_events, doc_db)
    text = text_of((await api.get(f"/api/v1/quotes/{q['id']}/pdf", headers=me)).content)
    assert "๗,๙๙๐.๐๐" in text and "7,990.00" not in text
    assert f"QT{BE}-0001".translate(str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")) in text
    # An older event delivered late changes nothing.
    await gateway_events.publish("tenant.settings_changed", tenant.id, tenant.id, {
        "id": str(tenant.id), "time_zone": "Asia/Bangkok", "agenda_time": "07:00"},
        sequence=1)
    await gateway_events.publish("tenant.settings_changed", tenant.id, tenant.id, {
        "id": str(tenant.id), "time_zone": "Asia/Bangkok", "agenda_time": "07:00",
        "document_digits": "arabic"}, sequence=3)
    await settled(doc_db, tenant, "sequence", 3)
    # The issued quote keeps the digits it was issued with.
    again = text_of((await api.get(f"/api/v1/quotes/{q['id']}/pdf", headers=me)).content)
    assert "๗,๙๙๐.๐๐" in again

"""Full tax invoices (Revenue Code 86/4) from accepted quotes: every required field in the
PDF's text (pdftotext), original and copy, numbered in their own series, frozen by the
database; and the company profile they print."""

from __future__ import annotations

import subprocess
import uuid
from datetime import date

import pytest
from doc_support import given_account, given_lead

from crmkit.testing.tenants import fetchval

pytestmark = pytest.mark.integration
BE = date.today().year + 543
PROFILE = {"name": "บริษัท ติดตาม โซลูชั่น จำกัด", "name_en": "Tidtam Solutions Co., Ltd.",
           "tax_id": "0105561000011", "branch": "00000",
           "address": "88 อาคารสาทรซิตี้ ชั้น 12 ถนนสาทรใต้ แขวงทุ่งมหาเมฆ เขตสาทร "
                      "กรุงเทพมหานคร 10120", "phone": "02-123-4567"}


def text_of(pdf: bytes) -> str:
    return subprocess.run(["pdftotext", "-raw", "-", "-"], input=pdf, capture_output=True,
                          check=True).stdout.decode()


async def _accepted(api, tenant, gateway_events, doc_db, **account):
    acc = await given_account(gateway_events, tenant, doc_db.owner_url, tenant.sales1.id,
                              **account)
    me = tenant.headers(tenant.sales1)
    q = (await api.post("/api/v1/quotes", headers=me, json={
        "account_id": acc["id"], "bill_discount_amount": 0, "lines": [
            {"description": "ค่าบริการติดตั้งระบบกล้องวงจรปิด", "quantity": 2, "unit": "จุด",
             "unit_price": "3500"},
            {"description": "ค่าเดินทาง", "quantity": 1, "unit": "เที่ยว", "unit_price": 500,
             "vat_type": "exempt"}]})).json()
    await api.post(f"/api/v1/quotes/{q['id']}/issue", headers=me)
    await api.post(f"/api/v1/quotes/{q['id']}/accept", headers=me)
    return q


async def test_the_company_profile(api, tenant):
    assert (await api.get("/api/v1/company-profile",
                          headers=tenant.headers(tenant.sales1))).status_code == 404
    assert (await api.put("/api/v1/company-profile", headers=tenant.headers(tenant.sales1),
                          json=PROFILE)).status_code == 403
    r = await api.put("/api/v1/company-profile", headers=tenant.headers(tenant.admin),
                      json={**PROFILE, "tax_id": "0105561000012"})
    assert r.status_code == 422 and r.json()["fields"][0]["field"] == "body.tax_id"
    r = await api.put("/api/v1/company-profile", headers=tenant.headers(tenant.admin),
                      json=PROFILE)
    assert r.status_code == 200 and r.json()["branch_label"] == "สำนักงานใหญ่"


async def test_every_86_4_field_is_in_the_tax_invoice(api, tenant, gateway_events, doc_db):
    me = tenant.headers(tenant.sales1)
    q = await _accepted(api, tenant, gateway_events, doc_db)
    r = await api.post(f"/api/v1/quotes/{q['id']}/tax-invoice", headers=me)
    assert r.status_code == 409 and r.json()["code"] == "company_profile_missing"
    await api.put("/api/v1/company-profile", headers=tenant.headers(tenant.admin),
                  json=PROFILE)
    r = await api.post(f"/api/v1/quotes/{q['id']}/tax-invoice", headers=me)
    assert r.status_code == 201, r.text
    tx = r.json()
    assert tx["number"] == f"TX{BE}-0001"
    original = text_of((await api.get(f"/api/v1/tax-invoices/{tx['id']}/pdf",
                                      headers=me)).content)
    copy = text_of((await api.get(f"/api/v1/tax-invoices/{tx['id']}/pdf",
                                  headers=me, params={"copy": "true"})).content)
    fields = {
        "the words ใบกำกับภาษี": "ใบกำกับภาษี",
        "seller's name": PROFILE["name"],
        "seller's address": "88 อาคารสาทรซิตี้ ชั้น 12",
        "seller's tax ID": PROFILE["tax_id"],
        "seller's head office / branch": "สำนักงานใหญ่",
        "buyer's name": "บริษัท ลูกค้าดี จำกัด",
        "buyer's address": "99/1 ถนนสุขุมวิท คลองเตยเหนือ วัฒนา กรุงเทพมหานคร 10110",
        "buyer's tax ID": "0105558000006",
        "serial number": tx["number"],
        "goods or services": "ค่าบริการติดตั้งระบบกล้องวงจรปิด",
        "quantity and value": "2 จุด 3,500.00 7,000.00",
        "VAT shown separately": "ภาษีมูลค่าเพิ่ม 7% 490.00",
        "issue date": f"{date.today().day} ",
        "total": "7,990.00",
    }
    flat = original.replace("\n", " ")
    for what, expected in fields.items():
        assert expected in flat, what
    from tidtam_documents.pdf.thaiformat import be_date
    assert be_date(date.today()) in flat
    assert "ต้นฉบับ" in original and "เอกสารออกเป็นชุด" not in original
    assert "สำเนา" in copy and "เอกสารออกเป็นชุด" in copy
    # One per quote; never changed, not even by the database owner.
    r = await api.post(f"/api/v1/quotes/{q['id']}/tax-invoice", headers=me)
    assert r.status_code == 409 and r.json()["code"] == "already_issued"
    with pytest.raises(Exception, match="never changes"):
        await fetchval(doc_db.owner_url, "UPDATE tax_invoices SET number = 'x' WHERE id = $1",
                       uuid.UUID(tx["id"]))


async def test_only_an_accepted_quote_of_an_account_with_an_address(api, tenant,
                                                                   gateway_events, doc_db):
    await api.put("/api/v1/company-profile", headers=tenant.headers(tenant.admin),
                  json=PROFILE)
    me = tenant.headers(tenant.sales1)
    lead = await given_lead(gateway_events, tenant, doc_db.owner_url, tenant.sales1.id)
    q = (await api.post("/api/v1/quotes", headers=me, json={
        "lead_id": lead["id"], "lines": [{"description": "x", "quantity": 1,
                                          "unit_price": 1}]})).json()
    r = await api.post(f"/api/v1/quotes/{q['id']}/tax-invoice", headers=me)
    assert r.status_code == 409 and r.json()["code"] == "quote_status"
    await api.post(f"/api/v1/quotes/{q['id']}/issue", headers=me)
    await api.post(f"/api/v1/quotes/{q['id']}/accept", headers=me)
    r = await api.post(f"/api/v1/quotes/{q['id']}/tax-invoice", headers=me)
    assert r.status_code == 409 and r.json()["code"] == "buyer_incomplete"
    q2 = await _accepted(api, tenant, gateway_events, doc_db, address=None)
    r = await api.post(f"/api/v1/quotes/{q2['id']}/tax-invoice", headers=me)
    assert r.status_code == 409 and r.json()["code"] == "buyer_incomplete"

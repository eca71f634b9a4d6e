"""GET /api/v1/quotes/{id}/pdf through the real service: a draft as a marked preview (never
kept), an issued quote rendered once and kept, someone else's quote 404."""

from __future__ import annotations

import subprocess

import pytest
from doc_support import given_account, given_lead, make_tenant

from crmkit.testing.tenants import fetchval

pytestmark = pytest.mark.integration


def text_of(pdf: bytes) -> str:
    return subprocess.run(["pdftotext", "-raw", "-", "-"], input=pdf, capture_output=True,
                          check=True).stdout.decode()


async def test_draft_preview_then_the_issued_pdf_kept(api, tenant, gateway_events, doc_db):
    acc = await given_account(gateway_events, tenant, doc_db.owner_url, tenant.sales1.id)
    me = tenant.headers(tenant.sales1)
    q = (await api.post("/api/v1/quotes", headers=me, json={
        "account_id": acc["id"], "valid_until": "2027-03-07", "notes": "ราคานี้ยืนถึงสิ้นเดือน",
        "lines": [{"description": "ค่าบริการติดตั้งระบบกล้องวงจรปิด", "quantity": 2,
                   "unit": "จุด", "unit_price": "3500"}]})).json()
    r = await api.get(f"/api/v1/quotes/{q['id']}/pdf", headers=me)
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    assert "ฉบับร่าง" in text_of(r.content)
    key = f"quote/{q['id']}"  # a draft's preview is never kept
    assert await fetchval(doc_db.owner_url, "SELECT count(*) FROM pdf_files WHERE key = $1",
                          key) == 0
    # Signed again: the first render waits for the workers to start, which on a loaded
    # machine can outlast the signed context's 60 s.
    me = tenant.headers(tenant.sales1)
    issued = (await api.post(f"/api/v1/quotes/{q['id']}/issue", headers=me)).json()
    me = tenant.headers(tenant.sales1)
    r = await api.get(f"/api/v1/quotes/{q['id']}/pdf", headers=me)
    assert r.status_code == 200, (issued, r.text)
    text = text_of(r.content)
    assert issued["number"] in text and "ฉบับร่าง" not in text
    assert f'filename="{issued["number"]}.pdf"' in r.headers["content-disposition"]
    for expected in ("ใบเสนอราคา", "บริษัท ลูกค้าดี จำกัด", "0105558000006", "สำนักงานใหญ่",
                     "7,490.00", "เจ็ดพันสี่ร้อยเก้าสิบบาทถ้วน", "7 มีนาคม 2570",
                     "มานะ ขายเก่ง", "ราคานี้ยืนถึงสิ้นเดือน"):
        assert expected in text, expected
    again = await api.get(f"/api/v1/quotes/{q['id']}/pdf", headers=me)
    assert again.content == r.content
    kept = await fetchval(doc_db.owner_url, "SELECT count(*) FROM pdf_files WHERE key = $1",
                          f"quote/{q['id']}")
    assert kept == 1


async def test_someone_elses_quote_pdf_is_404(api, tenant, gateway_events, doc_db):
    lead = await given_lead(gateway_events, tenant, doc_db.owner_url, tenant.sales1.id)
    q = (await api.post("/api/v1/quotes", headers=tenant.headers(tenant.sales1), json={
        "lead_id": lead["id"], "lines": []})).json()
    assert (await api.get(f"/api/v1/quotes/{q['id']}/pdf", headers=tenant.headers(
        tenant.sales3, "team"))).status_code == 404
    other = await make_tenant(gateway_events, doc_db.owner_url)
    assert (await api.get(f"/api/v1/quotes/{q['id']}/pdf",
                          headers=other.headers(other.admin))).status_code == 404

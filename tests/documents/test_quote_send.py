"""POST /quotes/{id}/send: a draft is issued, the quote is `sent`, and `quote.sent` is
staged with the recipients, the message and the PDF kept at issue (byte for byte); the
notifications service emails it (tests/notifications/test_quote_email.py)."""

from __future__ import annotations

import base64
import hashlib
import json
import uuid

import pytest
from doc_support import given_lead

from crmkit.testing.tenants import fetchval

pytestmark = pytest.mark.integration


async def test_send_issues_and_stages_the_pdf(api, tenant, gateway_events, doc_db):
    me = tenant.headers(tenant.sales1)
    lead = await given_lead(gateway_events, tenant, doc_db.owner_url, tenant.sales1.id)
    q = (await api.post("/api/v1/quotes", headers=me, json={
        "lead_id": lead["id"], "lines": [{"description": "ค่าบริการ", "quantity": 1,
                                          "unit_price": 1000}]})).json()
    r = await api.post(f"/api/v1/quotes/{q['id']}/send", headers=me,
                       json={"to": "not an address"})
    assert r.status_code == 422 and r.json()["fields"][0]["field"] == "body.to"
    r = await api.post(f"/api/v1/quotes/{q['id']}/send", headers={
        **me, "Idempotency-Key": str(uuid.uuid4())}, json={
        "to": "somsri@example.co.th", "cc": ["boss@example.co.th"],
        "message": "<b>ตามที่คุยกันไว้ครับ</b>", "language": "th"})
    assert r.status_code == 200, r.text
    sent = r.json()
    assert sent["status"] == "sent" and sent["number"]
    pdf = (await api.get(f"/api/v1/quotes/{q['id']}/pdf", headers=me)).content
    payload = await fetchval(doc_db.owner_url, "SELECT payload FROM outbox WHERE event_type = "
                             "'quote.sent' AND payload->>'subject' = $1", q["id"])
    data = (json.loads(payload) if isinstance(payload, str) else payload)["data"]
    assert (data["to"], data["cc"], data["message"], data["language"]) == (
        "somsri@example.co.th", ["boss@example.co.th"], "<b>ตามที่คุยกันไว้ครับ</b>", "th")
    assert base64.b64decode(data["attachment"]["content_base64"]) == pdf
    assert data["attachment"]["sha256"] == hashlib.sha256(pdf).hexdigest()
    assert data["attachment"]["filename"] == f"{sent['number']}.pdf"
    # Sent again: fine; accepted: no longer sent (409); another user read-only: 404/403.
    r = await api.post(f"/api/v1/quotes/{q['id']}/send", headers=me,
                       json={"to": "somsri@example.co.th", "language": "en"})
    assert r.status_code == 200
    assert await fetchval(doc_db.owner_url, "SELECT count(*) FROM outbox WHERE event_type = "
                          "'quote.sent' AND payload->>'subject' = $1", q["id"]) == 2
    await api.post(f"/api/v1/quotes/{q['id']}/accept", headers=me)
    r = await api.post(f"/api/v1/quotes/{q['id']}/send", headers=me,
                       json={"to": "somsri@example.co.th"})
    assert r.status_code == 409 and r.json()["code"] == "quote_status"
    r = await api.post(f"/api/v1/quotes/{q['id']}/send", json={"to": "a@b.co"},
                       headers=tenant.headers(tenant.sales2, "own"))
    assert r.status_code == 404

"""Email-to-lead through a provider's inbound webhook, through the gateway: the signing
secret sealed and never shown, the inbound address kept, the signature over the raw body
(good, wrong secret, one byte altered, none), a first message making a lead, the sender's
next message a follow-up on it, the provider's retry making nothing new, form posts
(Mailgun's fields) taken as JSON is, and a bad sender a 422."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import uuid
from urllib.parse import urlencode

import httpx
import pytest
from capture_support import count, until

pytestmark = pytest.mark.e2e
SECRET = "mail-signing-secret-0123456789"


def sign(secret: str, raw: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()


@pytest.fixture
def inbox(tenant, system):
    r = tenant.gw.put("/api/v1/capture/email", headers=tenant.admin,
                      json={"signing_secret": SECRET})
    assert r.status_code == 200, r.text
    return r.json()


def deliver(tenant, inbox, raw: bytes, signature: str | None,
            kind: str = "application/json") -> httpx.Response:
    headers = {"Content-Type": kind, "X-Forwarded-For": "203.0.113.202"}
    if signature is not None:
        headers["X-Signature-256"] = signature
    return tenant.gw.post(httpx.URL(inbox["webhook_url"]).path, content=raw, headers=headers)


def mail(sender: str, subject: str, body: str, message_id: str | None = None) -> bytes:
    return json.dumps({"sender": sender, "subject": subject, "body": body,
                       "message_id": message_id or f"<{uuid.uuid4().hex}@mail.example>"},
                      ensure_ascii=False).encode()


def test_secret_sealed_and_address_kept(tenant, inbox, system):
    assert inbox["secrets_set"] is True and inbox["source"] == "email"
    assert inbox["address"].startswith("lead-") and "@" in inbox["address"]
    shown = tenant.gw.get("/api/v1/capture/email", headers=tenant.admin)
    assert shown.status_code == 200 and SECRET not in shown.text
    assert shown.json()["address"] == inbox["address"]
    again = tenant.gw.put("/api/v1/capture/email", headers=tenant.admin,
                          json={"signing_secret": SECRET})
    assert again.json()["address"] == inbox["address"]
    assert again.json()["webhook_url"] == inbox["webhook_url"]
    stored = asyncio.run(count(system.db_url("capture", owner=True),
                               "SELECT count(*) FROM email_inboxes WHERE tenant_id = $1 "
                               "AND secret_sealed LIKE 'fernet:%' AND secret_sealed NOT "
                               "LIKE $2", uuid.UUID(tenant.id), f"%{SECRET}%"))
    assert stored == 1
    assert tenant.gw.get("/api/v1/capture/email",
                         headers=tenant.user("sales")).status_code == 403


def test_signatures_lead_follow_up_and_retry(tenant, inbox, system):
    who = f"mail-{uuid.uuid4().hex[:8]}@example.co.th"
    name = f"คุณวิภา {uuid.uuid4().hex[:6]}"
    raw = mail(f"{name} <{who.upper()}>", "ขอใบเสนอราคา", "สนใจแพ็กเกจ 50 ผู้ใช้")
    for forged in (deliver(tenant, inbox, raw, sign("another-secret-entirely", raw)),
                   deliver(tenant, inbox, raw.replace(b"50", b"51"), sign(SECRET, raw)),
                   deliver(tenant, inbox, raw, None)):
        assert forged.status_code == 401, forged.text
        assert forged.json()["code"] == "unauthorized"
    capture_db = system.db_url("capture", owner=True)
    taken = "SELECT count(*) FROM email_messages WHERE tenant_id = $1"
    assert asyncio.run(count(capture_db, taken, uuid.UUID(tenant.id))) == 0
    assert deliver(tenant, inbox, raw, sign(SECRET, raw)).status_code == 200
    lead = until(lambda: tenant.gw.get("/api/v1/leads", params={"q": name},
                                       headers=tenant.admin),
                 lambda body: any(x["name"] == name for x in body["items"]))["items"][0]
    assert lead["email"] == who and lead["source"] == "email"
    # The provider's retry of the same message makes nothing new.
    assert deliver(tenant, inbox, raw, sign(SECRET, raw)).status_code == 200
    # The sender writes again, as Mailgun posts it (a form post): a follow-up on the lead.
    form = urlencode({"sender": who, "subject": "ติดตาม", "body-plain": "ส่งราคาได้เลยครับ",
                      "Message-Id": f"<{uuid.uuid4().hex}@mail.example>"}).encode()
    assert deliver(tenant, inbox, form, sign(SECRET, form),
                   "application/x-www-form-urlencoded").status_code == 200
    history = until(lambda: tenant.gw.get(f"/api/v1/leads/{lead['id']}/history",
                                          headers=tenant.admin),
                    lambda entries: any(e["kind"] == "followup" for e in entries))
    followups = [e for e in history if e["kind"] == "followup"]
    assert len(followups) == 1 and "ส่งราคาได้เลยครับ" in followups[0]["note"]
    assert followups[0]["channel"] == "email"
    r = tenant.gw.get("/api/v1/leads", params={"q": who}, headers=tenant.admin)
    assert [x["email"] for x in r.json()["items"]].count(who) == 1
    assert asyncio.run(count(capture_db, taken, uuid.UUID(tenant.id))) == 2


def test_bad_sender_bodies_and_unknown_webhook(tenant, inbox):
    raw = mail("not an address", "hi", "there")
    bad = deliver(tenant, inbox, raw, sign(SECRET, raw))
    assert bad.status_code == 422 and bad.json()["fields"][0]["field"] == "body.sender"
    junk = b"{not json"
    assert deliver(tenant, inbox, junk, sign(SECRET, junk)).status_code == 422
    gone = tenant.id.replace("-", "") + "C" * 22
    r = tenant.gw.post(f"/capture/email/{gone}", content=b"{}",
                       headers={"X-Signature-256": sign(SECRET, b"{}"),
                                "Content-Type": "application/json"})
    assert r.status_code == 404
    assert tenant.gw.delete("/api/v1/capture/email", headers=tenant.admin).status_code == 204
    ok = mail("a@example.com", "x", "y")
    assert deliver(tenant, inbox, ok, sign(SECRET, ok)).status_code == 404

"""Email on a real SMTP server (aiosmtpd): headers, the Thai subject encoded per RFC 2047,
the recipient's language, the link to the record; exactly one email per event and recipient
under redelivery, one per transfer with its count; a refused message retried; the
per-tenant message log (admins)."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from notif_support import PUBLIC_URL, lead, publish_lead, sent, set_language
from test_notices import until, until_language

from tidtam_contracts.leads import LeadSentV2, LeadTransferredV2

pytestmark = pytest.mark.integration


def parts(message) -> tuple[str, str]:
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    return text, html


async def wait_mail(sink, address: str, count: int = 1):
    return await asyncio.to_thread(sink.wait_for, count, address, 20.0)


async def test_a_sent_lead_is_emailed_in_thai_with_its_link(tenant, gateway_events, mail_sink):
    data = sent(tenant.sales1, tenant.manager)
    await publish_lead(gateway_events, tenant, LeadSentV2, data)
    [message] = await wait_mail(mail_sink, tenant.sales1.email)
    [(_, raw)] = mail_sink.to(tenant.sales1.email)
    assert message["Subject"] == "สมหญิง ผู้จัดการ ส่งลีดให้คุณ: คุณสมศรี มีสุข"
    header = raw.split(b"\r\n\r\n", 1)[0]
    subject_line = [line for line in header.split(b"\r\n") if line.startswith(b"Subject:")][0]
    assert b"=?utf-8?" in subject_line.lower() and subject_line.isascii()  # RFC 2047
    assert message["To"] == tenant.sales1.email
    assert message["From"].addresses[0].addr_spec == "no-reply@crm.example.co.th"
    assert message["From"].addresses[0].display_name == "Tidtam ติดตาม"
    assert message["Message-ID"].endswith("@crm.example.co.th>")
    assert message["Auto-Submitted"] == "auto-generated"
    text, html = parts(message)
    link = f"{PUBLIC_URL}/#/leads/{data['id']}"
    assert link in text and f'href="{link}"' in html
    assert "ช่วยโทรหาลูกค้าพรุ่งนี้ด้วยครับ" in text and "เปิดลีด" in html


async def test_the_recipients_language_picks_the_template(tenant, gateway_events, mail_sink,
                                                          notif_db):
    await set_language(gateway_events, tenant, tenant.sales2, "en")
    await until_language(notif_db, tenant.sales2.id, "en")
    await publish_lead(gateway_events, tenant, LeadSentV2, sent(tenant.sales2, tenant.admin))
    [message] = await wait_mail(mail_sink, tenant.sales2.email)
    assert message["Subject"] == "สมชาย แอดมิน sent you a lead: คุณสมศรี มีสุข"
    text, html = parts(message)
    assert "Open the lead:" in text and 'lang="en"' in html


async def test_a_redelivered_event_sends_no_second_email(api, tenant, gateway_events, mail_sink):
    event = await publish_lead(gateway_events, tenant, LeadSentV2,
                               sent(tenant.sales3, tenant.admin))
    await wait_mail(mail_sink, tenant.sales3.email)
    for _ in range(3):
        await gateway_events.republish(event)
    # a later event to the same person arrives after the redeliveries were handled
    await publish_lead(gateway_events, tenant, LeadSentV2, sent(tenant.sales3, tenant.admin))
    await wait_mail(mail_sink, tenant.sales3.email, 2)
    await asyncio.sleep(1)
    assert len(mail_sink.to(tenant.sales3.email)) == 2
    log = (await api.get("/api/v1/notifications/log", headers=tenant.headers(tenant.admin)))
    statuses = [e["status"] for e in log.json()["items"] if e["to_address"] ==
                tenant.sales3.email]
    assert statuses == ["sent", "sent"]


async def test_a_transfer_is_one_email_with_the_count(tenant, gateway_events, mail_sink):
    correlation = str(uuid.uuid4())
    for _ in range(5):
        data = {**lead(tenant.manager.id), "from_user_id": str(tenant.sales1.id),
                "to_user_id": str(tenant.manager.id)}
        await publish_lead(gateway_events, tenant, LeadTransferredV2, data, correlation)
    [message] = await wait_mail(mail_sink, tenant.manager.email)
    assert message["Subject"] == "โอนลีด 5 รายการมาให้คุณ"
    text, _ = parts(message)
    assert f"{PUBLIC_URL}/#/leads" in text and tenant.sales1.name in text
    await asyncio.sleep(2)
    assert len(mail_sink.to(tenant.manager.email)) == 1


async def test_email_off_in_preferences_sends_none(api, tenant, gateway_events, mail_sink):
    who = tenant.headers(tenant.sales1)
    r = await api.put("/api/v1/notification-preferences", headers=who,
                      json={"kinds": {"lead_sent": {"email": False, "in_app": True}}})
    assert r.status_code == 200
    await publish_lead(gateway_events, tenant, LeadSentV2, sent(tenant.sales1, tenant.admin))
    await until(api, "/api/v1/notifications", who, lambda b: len(b["items"]) == 1)
    await publish_lead(gateway_events, tenant, LeadSentV2, sent(tenant.sales2, tenant.admin))
    await wait_mail(mail_sink, tenant.sales2.email)
    assert mail_sink.to(tenant.sales1.email) == []


async def test_a_refused_email_is_retried_and_the_log_says_so(api, tenant, gateway_events,
                                                              mail_sink):
    mail_sink.refuse[tenant.sales2.email] = 1
    await publish_lead(gateway_events, tenant, LeadSentV2, sent(tenant.sales2, tenant.admin))
    await wait_mail(mail_sink, tenant.sales2.email)
    admin = tenant.headers(tenant.admin)
    body = await until(api, "/api/v1/notifications/log", admin,
                       lambda b: b["items"] and b["items"][0]["status"] == "sent")
    [entry] = body["items"]
    assert entry["attempts"] == 2 and entry["kind"] == "lead_sent"
    assert entry["subject"] == "สมชาย แอดมิน ส่งลีดให้คุณ: คุณสมศรี มีสุข"
    assert entry["to_address"] == tenant.sales2.email and entry["sent_at"]


async def test_an_email_refused_every_time_is_failed_with_its_error(api, tenant,
                                                                    gateway_events, mail_sink):
    # The test service retries after 0.5 s, doubling, 6 attempts: failed after ~16 s.
    mail_sink.refuse[tenant.sales3.email] = 100
    await publish_lead(gateway_events, tenant, LeadSentV2, sent(tenant.sales3, tenant.admin))
    admin = tenant.headers(tenant.admin)
    body = await until(api, "/api/v1/notifications/log", admin,
                       lambda b: b["items"] and b["items"][0]["status"] == "pending"
                       and b["items"][0]["attempts"] >= 1)
    [retrying] = body["items"]  # between attempts: pending, with the server's answer
    assert "451" in retrying["last_error"] and retrying["sent_at"] is None
    body = await until(api, "/api/v1/notifications/log", admin,
                       lambda b: b["items"][0]["status"] == "failed", timeout=60)
    [entry] = body["items"]
    assert entry["attempts"] == 6 and "451" in entry["last_error"]
    assert entry["sent_at"] is None and mail_sink.to(tenant.sales3.email) == []
    failed = await api.get("/api/v1/notifications/log", headers=admin,
                           params={"status": "failed"})
    assert [e["id"] for e in failed.json()["items"]] == [entry["id"]]
    mail_sink.refuse.pop(tenant.sales3.email)


async def test_the_log_is_for_admins_and_their_tenant_only(api, tenant, gateway_events,
                                                           mail_sink, notif_db):
    from notif_support import make_tenant

    await publish_lead(gateway_events, tenant, LeadSentV2, sent(tenant.sales1, tenant.admin))
    await wait_mail(mail_sink, tenant.sales1.email)
    r = await api.get("/api/v1/notifications/log", headers=tenant.headers(tenant.manager))
    assert r.status_code == 403 and r.json()["code"] == "forbidden"
    other = await make_tenant(gateway_events, notif_db.owner_url)
    r = await api.get("/api/v1/notifications/log", headers=other.headers(other.admin))
    assert r.status_code == 200 and r.json()["items"] == []

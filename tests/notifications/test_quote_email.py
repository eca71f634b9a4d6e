"""quote.sent: the customer gets the quotation by email on a real SMTP server (aiosmtpd),
the PDF attached byte for byte, with the salesperson's message in Thai or English, Cc and
Reply-To; it goes through the mail intent and worker like every email: one intent and one
email under redelivery, in the message log, and a refused send retried with back-off."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import uuid
from datetime import UTC, date, datetime

import pytest
from test_notices import until

from crmkit.events import CloudEvent
from tidtam_contracts.documents import QuoteSentV1

pytestmark = pytest.mark.integration


def a_pdf() -> bytes:
    """A real one-page PDF, as WeasyPrint (the documents service's renderer) writes it."""
    from weasyprint import HTML

    return HTML(string="<p>ใบเสนอราคา QT2569-0001</p>").write_pdf()


def quote_sent(tenant, pdf: bytes, **over) -> dict:
    now = datetime.now(UTC)
    return {"id": str(uuid.uuid4()), "number": "QT2569-0001", "revision": 0,
            "previous_id": None, "lead_id": str(uuid.uuid4()), "account_id": None,
            "contact_id": None, "status": "sent", "issue_date": date.today().isoformat(),
            "valid_until": None, "subtotal": "7500.00", "before_vat": "7500.00",
            "vat": "490.00", "grand_total": "7990.00", "wht": "0.00",
            "net_payable": "7990.00", "created_by": str(tenant.sales1.id), "version": 2,
            "by_user_id": str(tenant.sales1.id), "to": f"buyer-{now.timestamp()}@example.co.th",
            "cc": ["boss@example.co.th"], "message": "เรียนคุณสมศรี ตามที่คุยกันไว้ครับ",
            "language": "th", "seller_name": "บริษัท ติดตาม โซลูชั่น จำกัด",
            "sender_name": "มานะ ขายเก่ง", "sender_email": "mana@example.co.th",
            "attachment": {"filename": "QT2569-0001.pdf", "content_type": "application/pdf",
                           "content_base64": base64.b64encode(pdf).decode(),
                           "sha256": hashlib.sha256(pdf).hexdigest()}, "time": now,
            **over}


async def publish(gateway, tenant, data: dict) -> CloudEvent:
    data = {k: v for k, v in data.items() if k != "time"}
    event = CloudEvent(source="/services/documents", type=QuoteSentV1.TYPE,
                       subject=data["id"], tenantid=str(tenant.id), sequence=data["version"],
                       dataversion=QuoteSentV1.VERSION,
                       data=QuoteSentV1.model_validate(data).model_dump(mode="json"))
    await gateway.republish(event)
    return event


async def test_the_quote_is_emailed_with_its_pdf(api, tenant, gateway_events, mail_sink):
    pdf = await asyncio.to_thread(a_pdf)
    data = quote_sent(tenant, pdf)
    event = await publish(gateway_events, tenant, data)
    await asyncio.to_thread(mail_sink.wait_for, 1, data["to"], 30.0)
    [(message, _)] = mail_sink.to(data["to"])
    # every space kept, the one at a fold too (mail/smtp.py encoded_subject)
    assert message["Subject"] == "ใบเสนอราคา QT2569-0001 — บริษัท ติดตาม โซลูชั่น จำกัด"
    assert message["Cc"] == "boss@example.co.th"
    assert message["Reply-To"] == "mana@example.co.th"
    text = message.get_body(("plain",)).get_content()
    assert text.startswith("เรียนคุณสมศรี ตามที่คุยกันไว้ครับ") and "7,990.00 บาท" in text
    [attachment] = list(message.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_filename() == "QT2569-0001.pdf"
    assert attachment.get_content() == pdf
    # The same event again (a redelivery): no second email.
    await gateway_events.republish(event)
    en = quote_sent(tenant, pdf, language="en", message=None, cc=[])
    await publish(gateway_events, tenant, en)
    await asyncio.to_thread(mail_sink.wait_for, 1, en["to"], 30.0)
    [(english, _)] = mail_sink.to(en["to"])
    assert english["Subject"].startswith("Quotation QT2569-0001")
    assert "Please find attached our quotation" in english.get_body(("plain",)).get_content()
    assert len(mail_sink.to(data["to"])) == 1
    # One intent per event and recipient, in the tenant's message log (no user: no id).
    log = await until(api, "/api/v1/notifications/log", tenant.headers(tenant.admin),
                      lambda b: all(e["status"] == "sent" for e in b["items"])
                      and len(b["items"]) == 2)
    mine = [e for e in log["items"] if e["to_address"] == data["to"]]
    assert [(e["kind"], e["recipient_id"], e["attempts"], e["event_id"]) for e in mine] == [
        ("quote_sent", None, 1, event.id)]
    assert mine[0]["language"] == "th"
    assert mine[0]["subject"] == "ใบเสนอราคา QT2569-0001 — บริษัท ติดตาม โซลูชั่น จำกัด"


async def test_a_refused_quote_email_is_retried_and_the_log_says_so(api, tenant,
                                                                   gateway_events, mail_sink):
    pdf = await asyncio.to_thread(a_pdf)
    data = quote_sent(tenant, pdf)
    mail_sink.refuse[data["to"]] = 100
    await publish(gateway_events, tenant, data)
    admin = tenant.headers(tenant.admin)
    body = await until(api, "/api/v1/notifications/log", admin,
                       lambda b: b["items"] and b["items"][0]["status"] == "pending"
                       and b["items"][0]["attempts"] >= 1)
    [retrying] = body["items"]  # between attempts: pending, with the server's answer
    assert "451" in retrying["last_error"] and retrying["sent_at"] is None
    assert retrying["next_attempt_at"] > retrying["created_at"]
    mail_sink.refuse.pop(data["to"])
    body = await until(api, "/api/v1/notifications/log", admin,
                       lambda b: b["items"][0]["status"] == "sent", timeout=30)
    [entry] = body["items"]
    assert entry["attempts"] >= 2 and entry["last_error"] is None and entry["sent_at"]
    [(message, _)] = mail_sink.to(data["to"])
    [attachment] = list(message.iter_attachments())
    assert attachment.get_content() == pdf


async def test_one_intent_per_event_and_address_even_past_the_consumers_record(
        api, tenant, gateway_events, mail_sink, notif_db):
    """The kit's processed-event record stops a redelivery; the intent's own unique index
    (no user id: per tenant, kind, event and address) would stop it too."""
    import asyncpg

    from crmkit.testing.tenants import pg_dsn

    pdf = await asyncio.to_thread(a_pdf)
    data = quote_sent(tenant, pdf)
    event = await publish(gateway_events, tenant, data)
    await asyncio.to_thread(mail_sink.wait_for, 1, data["to"], 30.0)
    conn = await asyncpg.connect(pg_dsn(notif_db.app_url))
    try:
        async with conn.transaction():
            await conn.execute("SELECT set_config('app.tenant_id', $1, true)", str(tenant.id))
            assert await conn.fetchval(
                "SELECT count(*) FROM email_attachments a JOIN emails e ON e.id = a.email_id "
                "WHERE e.group_key = $1", event.id) == 1
            with pytest.raises(asyncpg.UniqueViolationError):
                await conn.execute(
                    "INSERT INTO emails (tenant_id, id, recipient_id, kind, group_key, "
                    "event_id, to_address, language) VALUES ($1, $2, NULL, 'quote_sent', $3, "
                    "$4, $5, 'th')", tenant.id, uuid.uuid4(), event.id, uuid.UUID(event.id),
                    data["to"])
    finally:
        await conn.close()

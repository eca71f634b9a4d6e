"""quote.sent: the customer gets the quotation by email on a real SMTP server (aiosmtpd),
the PDF attached byte for byte, with the salesperson's message in Thai or English, Cc and
Reply-To; one email under redelivery."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import uuid
from datetime import UTC, date, datetime

import pytest

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


async def test_the_quote_is_emailed_with_its_pdf(tenant, gateway_events, mail_sink):
    pdf = await asyncio.to_thread(a_pdf)
    data = quote_sent(tenant, pdf)
    event = await publish(gateway_events, tenant, data)
    await asyncio.to_thread(mail_sink.wait_for, 1, data["to"], 30.0)
    [(message, _)] = mail_sink.to(data["to"])
    subject = message["Subject"]
    assert subject.startswith("ใบเสนอราคา QT2569-0001")
    assert subject.endswith("บริษัท ติดตาม โซลูชั่น จำกัด")
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

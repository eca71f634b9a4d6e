"""quote.sent: the salesperson's quote, emailed to the customer with its PDF attached.

The PDF rides in the event (the documents service kept it when the quote was issued and
caps its size), so this service reads no other service's tables and calls none back. The
email goes out from the consumer: the kit records the event id in the same transaction,
after the SMTP server accepted the message, so a failure is retried by redelivery (and a
crash between the two may send it twice: at least once, never lost)."""

from __future__ import annotations

import base64
import hashlib
from datetime import UTC, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.consumer import Delivery, Handler, on
from tidtam_contracts.documents import QuoteSentV1

from ..config import settings
from ..mail.smtp import SmtpServer

TEXTS = {
    "th": ("ใบเสนอราคา {number}{seller}",
           "เรียน ลูกค้า\n\nขอส่งใบเสนอราคาเลขที่ {number} ยอดรวม {total} บาท ตามไฟล์แนบ "
           "หากมีข้อสงสัยกรุณาติดต่อกลับ\n\nขอแสดงความนับถือ\n{sender}"),
    "en": ("Quotation {number}{seller}",
           "Dear customer,\n\nPlease find attached our quotation {number}, total {total} "
           "baht. Do not hesitate to contact us with any question.\n\nKind regards,\n"
           "{sender}"),
}


def compose(q: QuoteSentV1, *, sender: str, pdf: bytes) -> EmailMessage:
    subject, standard = TEXTS[q.language]
    seller = f" — {q.seller_name}" if q.seller_name else ""
    values = {"number": q.number, "seller": seller, "sender": q.sender_name,
              "total": f"{float(q.grand_total):,.2f}"}
    text = standard.format(**values)
    if q.message:
        text = f"{q.message}\n\n---\n{text}"
    message = EmailMessage()
    name, address = parseaddr(sender)
    domain = address.rpartition("@")[2] or "tidtam.localhost"
    message["From"] = Address(display_name=q.sender_name or name, addr_spec=address)
    message["To"] = q.to
    if q.cc:
        message["Cc"] = ", ".join(q.cc)
    if q.sender_email:
        message["Reply-To"] = q.sender_email
    message["Subject"] = subject.format(**values)
    message["Date"] = format_datetime(datetime.now(UTC))
    message["Message-ID"] = f"<quote-{q.id}-{q.version}@{domain}>"
    message.set_content(text)
    message.add_attachment(pdf, maintype="application", subtype="pdf",
                           filename=q.attachment.filename)
    return message


async def quote_sent(session: AsyncSession, event: Delivery[QuoteSentV1]) -> None:
    q = event.data
    pdf = base64.b64decode(q.attachment.content_base64)
    if hashlib.sha256(pdf).hexdigest() != q.attachment.sha256:
        raise ValueError(f"quote.sent {event.id}: the attachment does not match its sha256")
    config = settings()
    if not config.smtp_url:  # development without a mail server: nothing to send
        return
    await SmtpServer.from_url(config.smtp_url).send(
        compose(q, sender=config.mail_from, pdf=pdf), config.smtp_timeout)


HANDLERS: list[Handler[Any]] = [on(QuoteSentV1, quote_sent)]

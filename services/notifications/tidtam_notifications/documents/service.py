"""quote.sent: the salesperson's quote, emailed to the customer with its PDF attached.

The PDF rides in the event (the documents service kept it when the quote was issued and
caps its size), so this service reads no other service's tables and calls none back. The
consumer only records the intent, as for every other email (kind `quote_sent`, to the
customer's address, which is no user: `recipient_id` is null), with the PDF beside it in
`email_attachments`, in the event's transaction; the mail worker composes it from the
`quote_sent` template, attaches the PDF and sends it with the same claim, retries and
message log (see mail/worker.py for what exactly once means there and its remaining
window). One email per event: a redelivery finds the intent (unique per tenant, kind,
event and address) and adds nothing."""

from __future__ import annotations

import base64
import hashlib
import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.consumer import Delivery, Handler, on
from tidtam_contracts.documents import QuoteSentV1

from ..mail.models import Email, EmailAttachment

KIND = "quote_sent"


def params(q: QuoteSentV1) -> dict[str, Any]:
    """What the `quote_sent` template and the worker's headers need."""
    return {"number": q.number, "seller_name": q.seller_name, "sender_name": q.sender_name,
            "total": f"{float(q.grand_total):,.2f}", "message": q.message,
            "cc": list(q.cc), "reply_to": q.sender_email, "quote_id": str(q.id),
            "version": q.version}


async def quote_sent(session: AsyncSession, event: Delivery[QuoteSentV1]) -> None:
    q = event.data
    pdf = base64.b64decode(q.attachment.content_base64)
    if hashlib.sha256(pdf).hexdigest() != q.attachment.sha256:
        raise ValueError(f"quote.sent {event.id}: the attachment does not match its sha256")
    tenant = event.tenant.value
    email_id = (await session.execute(insert(Email).values(
        tenant_id=tenant, id=uuid.uuid4(), recipient_id=None, kind=KIND, group_key=event.id,
        event_id=uuid.UUID(event.id), to_address=q.to, language=q.language, params=params(q),
        next_attempt_at=sa.func.now()).on_conflict_do_nothing().returning(Email.id))
    ).scalar_one_or_none()
    if email_id is None:  # recorded already (the same event again)
        return
    await session.execute(insert(EmailAttachment).values(
        tenant_id=tenant, email_id=email_id, position=0, filename=q.attachment.filename,
        content_type=q.attachment.content_type, content=pdf))


HANDLERS: list[Handler[Any]] = [on(QuoteSentV1, quote_sent)]

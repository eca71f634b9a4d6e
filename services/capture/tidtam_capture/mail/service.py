"""Email-to-lead through a provider's inbound webhook (Mailgun, SendGrid Inbound Parse and
the like): the admin's inbound settings (an address, and the signing secret sealed, never
shown again) and the webhook.

`POST /capture/email/{webhook_key}` (through the gateway without login) takes JSON or a form
post with the sender (`sender` or `from`, "Name <addr>" or just the address), `subject` and
the body (`body`, `text`, `body-plain` or `stripped-text`), signed with `X-Signature-256:
sha256=` hex HMAC-SHA256 of the raw body with the signing secret; checked before the body is
read (a forged or altered one is 401 and makes nothing). A message not taken before (its
`message_id`, else the body's hash) is recorded and `lead.captured` (channel email) staged;
the leads service makes a lead of it, or a follow-up on the sender's open lead (same email)."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from datetime import UTC, datetime
from email.utils import parseaddr
from typing import Any

from fastapi import Request
from pydantic import TypeAdapter, ValidationError
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.responses import Response

from crmkit import outbox
from crmkit.context import RequestContext, TenantId
from crmkit.errors import FieldError, Unprocessable
from crmkit.fields import Email
from tidtam_contracts.capture import LeadCapturedV1

from ..channels import Channel, require_admin
from ..config import settings
from ..contracts import EVENTS
from ..facebook.service import signature
from ..forms.public import parse_body
from . import repository
from .models import EmailInbox
from .schemas import EmailInboxIn, EmailInboxOut

SENDER = ("sender", "from")
BODY = ("body", "text", "body-plain", "stripped-text")
_EMAIL: TypeAdapter[str] = TypeAdapter(Email)


CHANNEL = Channel(EmailInbox, "email", "no inbound email set up", EmailInboxOut,
                  ("address", "source", "owner_id", "created_at", "updated_at"))


async def put(db: AsyncSession, ctx: RequestContext, body: EmailInboxIn) -> EmailInboxOut:
    require_admin(ctx)  # before the stored address is read
    conf = settings()
    found = await CHANNEL.row(db, ctx.tenant)  # the address stays when saved again
    address = found["address"] if found else \
        f"lead-{secrets.token_hex(6)}@{conf.capture_inbound_domain}"
    return await CHANNEL.save(db, ctx, body.owner_id, {
        "address": address, "secret_sealed": conf.keyring.seal(body.signing_secret),
        "source": body.source}, product_ids=body.product_ids)


async def get(db: AsyncSession, ctx: RequestContext) -> EmailInboxOut:
    return await CHANNEL.read(db, ctx)


async def delete(db: AsyncSession, ctx: RequestContext) -> None:
    await CHANNEL.remove(db, ctx)


def _first(data: dict[str, Any], names: tuple[str, ...]) -> str:
    for name in names:
        value = data.get(name)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return ""


def _sender(data: dict[str, Any]) -> tuple[str, str]:
    """(display name, lower-cased address) of the sender; 422 when there is no address."""
    name, address = parseaddr(_first(data, SENDER)[:500])
    try:
        email = _EMAIL.validate_python(address).lower()
    except ValidationError:
        raise Unprocessable("the sender is not an email address", fields=[FieldError(
            field="body.sender", message="give the sender's email address",
            code="invalid_email")]) from None
    return name.strip() or email.split("@")[0], email


def captured(inbox: dict[str, Any], tenant: TenantId, message_key: str,
             data: dict[str, Any]) -> LeadCapturedV1:
    name, email = _sender(data)
    subject = _first(data, ("subject",))[:500]
    text = _first(data, BODY)
    note = "\n\n".join(x for x in (subject, text) if x) or "(email without text)"
    return LeadCapturedV1(
        submission_id=uuid.uuid5(uuid.NAMESPACE_URL, f"email:{tenant.value}:{message_key}"),
        channel="email", form_id=None, source=inbox["source"], owner_id=inbox["owner_id"],
        product_ids=list(inbox["product_ids"] or ()),
        name=name[:200], phone="", email=email, company=None, note=note[:5000],
        custom={}, consent=None, captured_at=datetime.now(UTC))


async def take(session: AsyncSession, tenant: TenantId, inbox: dict[str, Any],
               data: dict[str, Any], raw: bytes) -> bool:
    """A message (sender, subject, text; `message_id` if any) as `lead.captured`, once per
    message (its id, else the hash of `raw`): False for a repeat. 422 without a sender."""
    message_key = _first(data, ("message_id", "Message-Id"))[:300] \
        or "sha256:" + hashlib.sha256(raw).hexdigest()
    event = captured(inbox, tenant, message_key, data)
    if not await repository.take_message(session, tenant, message_key):
        return False
    await outbox.stage(session, EVENTS.event(event, tenant_id=tenant.value,
                                             subject=str(event.submission_id)))
    return True


async def webhook(request: Request, ctx: RequestContext, key: str) -> Response:
    async with CHANNEL.signed(request, ctx, key, header="X-Signature-256",
                              sign=signature) as (session, inbox, raw):
        data, _ = parse_body(request, raw)
        await take(session, ctx.tenant, inbox, data, raw)
    return Response(b"{}", status_code=200, media_type="application/json")

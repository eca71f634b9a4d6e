"""LINE Official Account: the admin's channel settings (secret and token sealed, never shown
again) and the webhook.

The webhook (`POST /capture/line/{webhook_key}`, through the gateway without login) checks
`X-Line-Signature` (base64 HMAC-SHA256 of the raw body with the channel secret) before it
reads the body: a forged or altered one is 401 and makes nothing. Then each follow or
message event not taken before (`webhookEventId`) is recorded and its `lead.captured`
staged, in one short transaction, and the answer is 200 (the console's Verify sends no
events: 200 too). The lead itself (or the follow-up on the person's open lead, found by
their LINE user id) is made by the leads service from the event, after the answer."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import uuid
from datetime import UTC, datetime
from typing import Any

from fastapi import Request
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.responses import Response

from crmkit import outbox
from crmkit.context import RequestContext
from crmkit.errors import Unprocessable
from tidtam_contracts.capture import LeadCapturedV1

from ..channels import Channel
from ..config import settings
from ..contracts import EVENTS
from . import repository
from .models import LineChannel
from .schemas import LineChannelIn, LineChannelOut, LineEventIn, LineWebhook

TAKEN = ("follow", "message")


CHANNEL = Channel(LineChannel, "line", "no LINE channel set up", LineChannelOut,
                  ("channel_id", "source", "owner_id", "created_at", "updated_at"))


async def put(db: AsyncSession, ctx: RequestContext, body: LineChannelIn) -> LineChannelOut:
    ring = settings().keyring
    return await CHANNEL.save(db, ctx, body.owner_id, {
        "channel_id": body.channel_id, "secret_sealed": ring.seal(body.channel_secret),
        "token_sealed": ring.seal(body.access_token), "source": body.source})


async def get(db: AsyncSession, ctx: RequestContext) -> LineChannelOut:
    return await CHANNEL.read(db, ctx)


async def delete(db: AsyncSession, ctx: RequestContext) -> None:
    await CHANNEL.remove(db, ctx)


def signature(secret: str, raw: bytes) -> str:
    return base64.b64encode(hmac.new(secret.encode(), raw, hashlib.sha256).digest()).decode()


def _captured(channel: dict[str, Any], ctx: RequestContext, event: LineEventIn,
              user_id: str) -> LeadCapturedV1:
    text = None
    if event.type == "message" and event.message:
        kind = event.message.get("type")
        text = event.message.get("text") if kind == "text" else f"[{kind}]"
    return LeadCapturedV1(
        submission_id=uuid.uuid5(uuid.NAMESPACE_URL,
                                 f"line:{ctx.tenant.value}:{event.webhookEventId}"),
        channel="line", form_id=None, source=channel["source"], owner_id=channel["owner_id"],
        name=f"LINE {user_id[-6:]}", phone="", email="", company=None,
        note=(text or "เพิ่มเพื่อน LINE OA / followed the LINE OA")[:5000], line_id=user_id,
        custom={}, consent=None, captured_at=datetime.now(UTC))


async def webhook(request: Request, ctx: RequestContext, key: str) -> Response:
    async with CHANNEL.signed(request, ctx, key, header="X-Line-Signature",
                              sign=signature) as (session, channel, raw):
        try:
            hook = LineWebhook.model_validate(json.loads(raw))
        except (ValueError, RecursionError, ValidationError):
            raise Unprocessable("the body is not a LINE webhook", code="malformed") from None
        for item in hook.events:
            try:
                event = LineEventIn.model_validate(item)
            except ValidationError:
                continue  # an event we cannot read is LINE's business, not a lead
            user = event.source.userId if event.source else None
            if event.type not in TAKEN or not user:
                continue
            if await repository.take_event(session, ctx.tenant, event.webhookEventId):
                data = _captured(channel, ctx, event, user)
                await outbox.stage(session, EVENTS.event(
                    data, tenant_id=ctx.tenant.value, subject=str(data.submission_id)))
    return Response(b"{}", status_code=200, media_type="application/json")

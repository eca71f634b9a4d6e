"""LINE Official Account: the admin's channel settings (secret and token sealed, never shown
again) and the webhook.

The webhook (`POST /capture/line/{webhook_key}`, through the gateway without login) checks
`X-Line-Signature` (base64 HMAC-SHA256 of the raw body with the channel secret) before it
reads the body: a forged or altered one is 401 and makes nothing. Then each follow or
message event not taken before (`webhookEventId`) is kept (its type, the user id, the text)
and `capture.line_event_received` (its id only) staged, in one short transaction, and the
answer is 200 (the console's Verify sends no events: 200 too). Nothing slow is in that path.

After the answer, the service's own consumer takes the kept event, fetches the person's
profile (`GET {line_api}/v2/bot/profile/{userId}` with the channel's access token) for their
display name, stages `lead.captured` and clears what it kept. A profile that cannot be had
(the person blocked the OA: 404; LINE down or slow) does not hold the lead back: it is made
with the name `LINE <last 6 of the user id>`. The lead itself (or the follow-up on the
person's open lead, found by their LINE user id) is made by the leads service."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import uuid
from datetime import UTC, datetime
from typing import Any

import httpx
from fastapi import Request
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.responses import Response

from crmkit import outbox
from crmkit.consumer import Delivery
from crmkit.context import RequestContext, TenantId
from crmkit.errors import Unprocessable
from tidtam_contracts.capture import LeadCapturedV1, LineEventReceivedV1

from ..channels import Channel
from ..config import CaptureSettings, settings
from ..contracts import EVENTS
from . import repository
from .models import LineChannel
from .schemas import LineChannelIn, LineChannelOut, LineEventIn, LineWebhook

TAKEN = ("follow", "message")
log = logging.getLogger("tidtam_capture.line")


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


def _payload(event: LineEventIn, user_id: str) -> dict[str, Any]:
    """What the consumer needs of the event, kept until it is processed."""
    text = None
    if event.type == "message" and event.message:
        kind = event.message.get("type")
        text = event.message.get("text") if kind == "text" else f"[{kind}]"
    return {"type": event.type, "user_id": user_id,
            "text": text[:5000] if isinstance(text, str) else None}


async def webhook(request: Request, ctx: RequestContext, key: str) -> Response:
    async with CHANNEL.signed(request, ctx, key, header="X-Line-Signature",
                              sign=signature) as (session, _channel, raw):
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
            if await repository.take_event(session, ctx.tenant, event.webhookEventId,
                                           _payload(event, user)):
                data = LineEventReceivedV1(webhook_event_id=event.webhookEventId,
                                           received_at=datetime.now(UTC))
                await outbox.stage(session, EVENTS.event(
                    data, tenant_id=ctx.tenant.value, subject=event.webhookEventId))
    return Response(b"{}", status_code=200, media_type="application/json")


async def display_name(conf: CaptureSettings, token: str, user_id: str) -> str | None:
    """The person's LINE display name, or None when it cannot be had (logged)."""
    url = f"{conf.line_api_url.rstrip('/')}/v2/bot/profile/{user_id}"
    try:
        async with httpx.AsyncClient(timeout=conf.line_api_timeout) as client:
            r = await client.get(url, headers={"Authorization": f"Bearer {token}"})
        body = r.json() if r.status_code == 200 else None
    except (httpx.HTTPError, ValueError) as exc:
        log.warning("LINE profile unreachable: %s", exc.__class__.__name__)
        return None
    name = body.get("displayName") if isinstance(body, dict) else None
    if not isinstance(name, str) or not name.strip():
        log.info("LINE profile not given (HTTP %s)", r.status_code)
        return None
    return " ".join(name.split())[:200]


def captured(tenant: TenantId, channel: dict[str, Any], webhook_event_id: str,
             payload: dict[str, Any], name: str | None) -> LeadCapturedV1:
    user_id = str(payload["user_id"])
    return LeadCapturedV1(
        submission_id=uuid.uuid5(uuid.NAMESPACE_URL,
                                 f"line:{tenant.value}:{webhook_event_id}"),
        channel="line", form_id=None, source=channel["source"], owner_id=channel["owner_id"],
        name=name or f"LINE {user_id[-6:]}", phone="", email="", company=None,
        note=(payload.get("text") or "เพิ่มเพื่อน LINE OA / followed the LINE OA")[:5000],
        line_id=user_id, custom={}, consent=None, captured_at=datetime.now(UTC))


async def on_event_received(session: AsyncSession,
                            delivery: Delivery[LineEventReceivedV1]) -> None:
    """The kept event with the person's display name as `lead.captured` (once: the kit's
    dedupe, the cleared payload and the submission id derived from the event's id)."""
    conf = settings()
    event_id = delivery.data.webhook_event_id
    payload = await repository.take_payload(session, delivery.tenant, event_id)
    channel = await CHANNEL.row(session, delivery.tenant)
    if payload is None or channel is None:
        return  # processed already, or the channel was removed (nothing to fetch with)
    name = await display_name(conf, conf.keyring.unseal(channel["token_sealed"]),
                              str(payload["user_id"]))
    data = captured(delivery.tenant, channel, event_id, payload, name)
    await outbox.stage(session, EVENTS.event(data, tenant_id=delivery.tenant.value,
                                             subject=str(data.submission_id)))

"""LINE Official Account: the admin's channel settings (secret and token sealed, never shown
again) and the webhook.

The webhook (`POST /capture/line/{webhook_key}`, through the gateway without login) checks
`X-Line-Signature` (base64 HMAC-SHA256 of the raw body with the channel secret) before it
reads the body: a forged or altered one is 401 and makes nothing. Then each follow or
message event not taken before (`webhookEventId`) is kept (its type, the user id, the text)
and `capture.line_event_received` (its id only) staged, by one statement in one short
transaction, and the answer is 200 (the console's Verify sends no events: 200 too).
Nothing slow is in that path: the channel (its secret unsealed) is kept in the process
between calls (KnownChannels), checked current by that statement.

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
from collections import OrderedDict
from dataclasses import dataclass
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
from crmkit.db import unit_of_work
from crmkit.errors import AppError, ServiceUnavailable, Unprocessable
from crmkit.events import CloudEvent
from tidtam_contracts.capture import LeadCapturedV1, LineEventReceivedV1

from ..channels import Channel
from ..config import CaptureSettings, settings
from ..contracts import EVENTS
from ..http import outbound
from . import repository
from .models import LineChannel
from .schemas import LineChannelIn, LineChannelOut, LineEventIn, LineWebhook

TAKEN = ("follow", "message")
HEADER = "X-Line-Signature"
log = logging.getLogger("tidtam_capture.line")


CHANNEL = Channel(LineChannel, "line", "no LINE channel set up", LineChannelOut,
                  ("channel_id", "source", "owner_id", "created_at", "updated_at"))


async def put(db: AsyncSession, ctx: RequestContext, body: LineChannelIn) -> LineChannelOut:
    ring = settings().keyring
    return await CHANNEL.save(db, ctx, body.owner_id, {
        "channel_id": body.channel_id, "secret_sealed": ring.seal(body.channel_secret),
        "token_sealed": ring.seal(body.access_token), "source": body.source},
                            product_ids=body.product_ids)


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


@dataclass(frozen=True)
class KnownChannel:
    row: dict[str, Any]
    secret: str  # unsealed


class KnownChannels:
    """The tenants' LINE channels as last read, their secrets unsealed, kept between
    webhook calls in the process's memory (at most `max_keys`): a call reads no row and
    opens no seal. Only an accepted call is answered from a kept channel, and the
    statement that stores its events (repository.take_events) writes only if the channel
    is still the one kept (its key and `updated_at`); a wrong signature or any refusal is
    decided again on a fresh read, so a new secret or a removed channel holds from the
    next call on, in every replica."""

    def __init__(self, max_keys: int = 10_000) -> None:
        self.max_keys = max_keys
        self._known: OrderedDict[uuid.UUID, KnownChannel] = OrderedDict()

    def get(self, tenant: uuid.UUID) -> KnownChannel | None:
        found = self._known.get(tenant)
        if found is not None:
            self._known.move_to_end(tenant)
        return found

    def put(self, tenant: uuid.UUID, known: KnownChannel) -> KnownChannel:
        self._known[tenant] = known
        while len(self._known) > self.max_keys:
            self._known.popitem(last=False)
        return known

    def drop(self, tenant: uuid.UUID) -> None:
        self._known.pop(tenant, None)


def known_channels(request: Request) -> KnownChannels:
    found: KnownChannels | None = getattr(request.app.state, "line_channels", None)
    if found is None:
        found = request.app.state.line_channels = KnownChannels()
    return found


class _Recheck(Exception):
    """A kept channel would refuse the call: decide on a fresh read."""


def _events(raw: bytes, tenant: TenantId) -> list[tuple[str, dict[str, Any], CloudEvent]]:
    """The follow and message events of a (signed) body, each id once, with their
    `capture.line_event_received`."""
    try:
        hook = LineWebhook.model_validate(json.loads(raw))
    except (ValueError, RecursionError, ValidationError):
        raise Unprocessable("the body is not a LINE webhook", code="malformed") from None
    taken: dict[str, tuple[str, dict[str, Any], CloudEvent]] = {}
    now = datetime.now(UTC)
    for item in hook.events:
        try:
            event = LineEventIn.model_validate(item)
        except ValidationError:
            continue  # an event we cannot read is LINE's business, not a lead
        user = event.source.userId if event.source else None
        if event.type not in TAKEN or not user or event.webhookEventId in taken:
            continue
        data = LineEventReceivedV1(webhook_event_id=event.webhookEventId, received_at=now)
        taken[event.webhookEventId] = (event.webhookEventId, _payload(event, user), EVENTS.event(
            data, tenant_id=tenant.value, subject=event.webhookEventId))
    return list(taken.values())


async def webhook(request: Request, ctx: RequestContext, key: str) -> Response:
    """Signature, then the events kept and staged: BEGIN with the tenant, one statement,
    COMMIT (the channel from KnownChannels; read only when not kept or no longer current)."""
    raw = await CHANNEL.body(request, ctx, key)
    conf: CaptureSettings = request.app.state.settings
    given = request.headers.get(HEADER, "")
    channels = known_channels(request)
    tenant = ctx.tenant.value
    known = channels.get(tenant)
    async with unit_of_work(request.app.state.sessionmaker, ctx.tenant) as session:
        for _attempt in range(3):  # a kept channel, then fresh reads (a change meanwhile)
            fresh = known is None
            if known is None:
                row = await CHANNEL.hooked(session, ctx, key)
                known = channels.put(tenant, KnownChannel(
                    row, CHANNEL.unseal(conf, row["secret_sealed"])))
            try:
                if known.row["webhook_key"] != key:
                    raise _Recheck
                CHANNEL.check(HEADER, given, signature(known.secret, raw))
                events = _events(raw, ctx.tenant)
            except (_Recheck, AppError):
                if fresh:
                    raise
                channels.drop(tenant)
                known = None
                continue
            if await repository.take_events(session, ctx.tenant, webhook_key=key,
                                            updated_at=known.row["updated_at"],
                                            events=events):
                return Response(b"{}", status_code=200, media_type="application/json")
            channels.drop(tenant)
            known = None
    raise ServiceUnavailable("the channel changed while this was sent; try again")


async def display_name(client: httpx.AsyncClient, conf: CaptureSettings, token: str,
                       user_id: str) -> str | None:
    """The person's LINE display name, or None when it cannot be had (logged)."""
    url = f"{conf.line_api_url.rstrip('/')}/v2/bot/profile/{user_id}"
    try:
        r = await client.get(url, headers={"Authorization": f"Bearer {token}"},
                             timeout=conf.line_api_timeout)
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
        product_ids=list(channel["product_ids"] or ()),
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
    name = await display_name(outbound(session), conf,
                              conf.keyring.unseal(channel["token_sealed"]),
                              str(payload["user_id"]))
    data = captured(delivery.tenant, channel, event_id, payload, name)
    await outbox.stage(session, EVENTS.event(data, tenant_id=delivery.tenant.value,
                                             subject=str(data.submission_id)))

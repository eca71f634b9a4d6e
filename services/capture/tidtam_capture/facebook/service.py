"""Facebook Lead Ads: the admin's page settings (app secret, page token and verify token
sealed, never shown again; the field mapping), the webhook and the Graph API fetch.

The webhook (`/capture/facebook/{webhook_key}`, through the gateway without login): a GET is
Meta's verification handshake (`hub.mode=subscribe`, the verify token; the answer echoes
`hub.challenge`). A POST is checked against `X-Hub-Signature-256` (`sha256=` hex HMAC-SHA256
of the raw body with the app secret) before it is read: a forged or altered one is 401 and
makes nothing. Each `leadgen` change whose `leadgen_id` was not taken before is recorded and
`capture.facebook_lead_received` staged, in one short transaction, and the answer is 200 at
once. The service's own consumer then fetches the lead's fields from the Graph API
(`GET {graph}/{leadgen_id}?access_token=…`) and publishes `lead.captured`; a failed fetch
fails the handler, so the broker redelivers the event with back-off (retried, not lost)."""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from datetime import UTC, datetime
from typing import Any

import httpx
from fastapi import Request
from pydantic import ValidationError
from pydantic_core import PydanticCustomError
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.responses import Response

from crmkit import outbox
from crmkit.consumer import Delivery
from crmkit.context import RequestContext
from crmkit.db import unit_of_work
from crmkit.errors import Forbidden, NotFound, Unprocessable
from crmkit.text import parse_phone
from tidtam_contracts.capture import FacebookLeadReceivedV1, LeadCapturedV1

from ..channels import Channel
from ..config import CaptureSettings, settings
from ..contracts import EVENTS
from ..forms.public import limits
from ..forms.service import tenant_of_key
from ..http import outbound
from . import repository
from .models import FacebookPage
from .schemas import FacebookPageIn, FacebookPageOut, FacebookWebhook, LeadgenValue


class GraphUnavailable(RuntimeError):
    """The Graph API did not give the lead (the event is redelivered later)."""


CHANNEL = Channel(FacebookPage, "facebook", "no Facebook page set up", FacebookPageOut,
                  ("page_id", "source", "owner_id", "mapping", "created_at", "updated_at"))


async def put(db: AsyncSession, ctx: RequestContext, body: FacebookPageIn) -> FacebookPageOut:
    ring = settings().keyring
    return await CHANNEL.save(db, ctx, body.owner_id, {
        "page_id": body.page_id, "secret_sealed": ring.seal(body.app_secret),
        "token_sealed": ring.seal(body.page_access_token),
        "verify_sealed": ring.seal(body.verify_token), "mapping": dict(body.mapping),
        "source": body.source}, product_ids=body.product_ids)


async def get(db: AsyncSession, ctx: RequestContext) -> FacebookPageOut:
    return await CHANNEL.read(db, ctx)


async def delete(db: AsyncSession, ctx: RequestContext) -> None:
    await CHANNEL.remove(db, ctx)


def signature(secret: str, raw: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()


async def handshake(request: Request, ctx: RequestContext, key: str) -> Response:
    if tenant_of_key(key) != ctx.tenant.value:
        raise NotFound("no such webhook")
    limits(request).by_form.check_key(key)
    conf: CaptureSettings = request.app.state.settings
    query = request.query_params
    async with unit_of_work(request.app.state.sessionmaker, ctx.tenant) as session:
        page = await CHANNEL.hooked(session, ctx, key)
    expected = CHANNEL.unseal(conf, page["verify_sealed"])
    given = query.get("hub.verify_token", "")
    if query.get("hub.mode") != "subscribe" \
            or not hmac.compare_digest(given.encode(), expected.encode()):
        raise Forbidden("hub.verify_token does not match")
    challenge = query.get("hub.challenge", "")[:200]
    return Response(challenge, status_code=200, media_type="text/plain")


async def webhook(request: Request, ctx: RequestContext, key: str) -> Response:
    async with CHANNEL.signed(request, ctx, key, header="X-Hub-Signature-256",
                              sign=signature) as (session, page, raw):
        try:
            hook = FacebookWebhook.model_validate(json.loads(raw))
        except (ValueError, RecursionError, ValidationError):
            raise Unprocessable("the body is not a Lead Ads webhook", code="malformed") from None
        for entry in hook.entry:
            for change in entry.changes:
                if change.field != "leadgen":
                    continue
                try:
                    value = LeadgenValue.model_validate(change.value)
                except ValidationError:
                    continue  # not a lead we can fetch
                if await repository.take_lead(session, ctx.tenant, value.leadgen_id):
                    data = FacebookLeadReceivedV1(
                        leadgen_id=value.leadgen_id,
                        page_id=value.page_id or entry.id or page["page_id"],
                        form_id=value.form_id, received_at=datetime.now(UTC))
                    await outbox.stage(session, EVENTS.event(
                        data, tenant_id=ctx.tenant.value, subject=value.leadgen_id))
    return Response(b"{}", status_code=200, media_type="application/json")


async def fetch_lead(client: httpx.AsyncClient, conf: CaptureSettings, token: str,
                     leadgen_id: str) -> dict[str, Any]:
    """The lead from the Graph API; GraphUnavailable on any failure (to be retried)."""
    url = f"{conf.facebook_graph_url.rstrip('/')}/{leadgen_id}"
    try:
        r = await client.get(url, params={"access_token": token},
                             timeout=conf.facebook_graph_timeout)
        if r.status_code != 200:
            raise GraphUnavailable(f"Graph API answered {r.status_code}")
        body = r.json()
    except (httpx.HTTPError, ValueError) as exc:
        raise GraphUnavailable(f"Graph API unreachable: {exc.__class__.__name__}") from exc
    if not isinstance(body, dict):
        raise GraphUnavailable("Graph API answer is not an object")
    return body


def map_fields(mapping: dict[str, str], field_data: Any) -> tuple[dict[str, str],
                                                                   dict[str, str]]:
    """(lead fields, custom fields) of the Graph lead's `field_data`."""
    lead: dict[str, str] = {}
    custom: dict[str, str] = {}
    for item in field_data if isinstance(field_data, list) else []:
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            continue
        values = item.get("values") or []
        text = ", ".join(str(v) for v in values if v is not None)[:2000].strip()
        if not text:
            continue
        target = mapping.get(item["name"])
        if target == "phone":
            try:
                lead["phone"] = parse_phone(text)
            except (PydanticCustomError, ValueError):
                custom[item["name"][:100]] = text
        elif target == "email":
            lead["email"] = text.lower()[:254]
        elif target:
            lead[target] = text
        else:
            custom[item["name"][:100]] = text
    return lead, custom


async def on_lead_received(session: AsyncSession,
                           delivery: Delivery[FacebookLeadReceivedV1]) -> None:
    """Fetch the lead, map it, stage `lead.captured` (once: the kit's dedup and the
    submission id derived from the leadgen id)."""
    conf = settings()
    page = await CHANNEL.row(session, delivery.tenant)
    if page is None:
        return  # the page was removed: nothing to fetch with
    token = conf.keyring.unseal(page["token_sealed"])
    leadgen_id = delivery.data.leadgen_id
    body = await fetch_lead(outbound(session), conf, token, leadgen_id)
    lead, custom = map_fields(page["mapping"], body.get("field_data"))
    note = lead.get("note") or "Facebook Lead Ads"
    data = LeadCapturedV1(
        submission_id=uuid.uuid5(uuid.NAMESPACE_URL,
                                 f"facebook:{delivery.tenant.value}:{leadgen_id}"),
        channel="facebook", form_id=None, source=page["source"], owner_id=page["owner_id"],
        product_ids=list(page["product_ids"] or ()),
        name=(lead.get("name") or f"Facebook {leadgen_id[-6:]}")[:200],
        phone=lead.get("phone", ""), email=lead.get("email", ""),
        company=lead.get("company"), note=note[:5000], custom=custom, consent=None,
        captured_at=datetime.now(UTC))
    await outbox.stage(session, EVENTS.event(data, tenant_id=delivery.tenant.value,
                                             subject=str(data.submission_id)))

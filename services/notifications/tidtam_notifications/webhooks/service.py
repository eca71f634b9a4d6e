"""Webhook endpoints for admins: create (the secret shown once), list, get, change, delete,
send a test event, rotate the secret (the previous one signs alongside for 24 hours), the
deliveries log and a manual retry. Another tenant's endpoint, or a delivery of another
endpoint, is 404; a caller who is not an admin is 403."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.context import RequestContext
from crmkit.errors import Conflict, Forbidden, NotFound, Unprocessable
from crmkit.events import CloudEvent

from ..config import settings
from . import repository
from .schemas import (
    TEST_TYPE,
    DeliveryOut,
    DeliveryPage,
    SecretOut,
    WebhookCreate,
    WebhookCreated,
    WebhookOut,
    WebhookPage,
    WebhookPatch,
)
from .signing import new_secret
from .ssrf import AllowList, UnsafeUrl, check_url

ROTATION_OVERLAP = timedelta(hours=24)


def _admin(ctx: RequestContext) -> None:
    if not ctx.is_admin:
        raise Forbidden("webhooks are for admins")


async def _safe_url(url: str) -> str:
    try:
        await check_url(url, AllowList.parse(settings().webhook_allow_hosts))
    except UnsafeUrl as exc:
        raise Unprocessable.on("body.url", f"the URL {exc}", code="unsafe_url") from None
    return url


async def _found(db: AsyncSession, ctx: RequestContext, endpoint_id: uuid.UUID
                 ) -> dict[str, Any]:
    _admin(ctx)
    row = await repository.endpoint(db, ctx.tenant, endpoint_id)
    if row is None:
        raise NotFound("no such webhook")
    return row


async def create(db: AsyncSession, ctx: RequestContext, body: WebhookCreate) -> WebhookCreated:
    _admin(ctx)
    secret = new_secret()
    row = await repository.insert_endpoint(db, ctx.tenant, {
        "url": await _safe_url(body.url), "events": body.events,
        "description": body.description, "secret": secret})
    return WebhookCreated(**row, secret=secret)


async def page(db: AsyncSession, ctx: RequestContext, *, limit: int,
               cursor: str | None) -> WebhookPage:
    _admin(ctx)
    rows, more = await repository.endpoints_page(db, ctx.tenant, limit=limit, cursor=cursor)
    return WebhookPage(items=[WebhookOut(**r) for r in rows], next_cursor=more)


async def get(db: AsyncSession, ctx: RequestContext, endpoint_id: uuid.UUID) -> WebhookOut:
    return WebhookOut(**await _found(db, ctx, endpoint_id))


async def patch(db: AsyncSession, ctx: RequestContext, endpoint_id: uuid.UUID,
                body: WebhookPatch) -> WebhookOut:
    await _found(db, ctx, endpoint_id)
    values = body.model_dump(exclude_unset=True)
    if "url" in values:
        await _safe_url(values["url"])
    if values.get("enabled"):
        values["disabled_reason"] = None
    row = await repository.update_endpoint(db, ctx.tenant, endpoint_id, values)
    if row is None:
        raise NotFound("no such webhook")
    return WebhookOut(**row)


async def delete(db: AsyncSession, ctx: RequestContext, endpoint_id: uuid.UUID) -> None:
    _admin(ctx)
    if not await repository.delete_endpoint(db, ctx.tenant, endpoint_id):
        raise NotFound("no such webhook")


async def rotate(db: AsyncSession, ctx: RequestContext, endpoint_id: uuid.UUID) -> SecretOut:
    """A new secret; the current one becomes the previous, which signs for 24 hours more
    (a rotation within those 24 hours drops the older one)."""
    await _found(db, ctx, endpoint_id)
    secret = new_secret()
    until = datetime.now(UTC) + ROTATION_OVERLAP
    await repository.rotate(db, ctx.tenant, endpoint_id, secret=secret, previous_until=until)
    return SecretOut(secret=secret, previous_secret_until=until)


async def send_test(db: AsyncSession, ctx: RequestContext, endpoint_id: uuid.UUID
                    ) -> DeliveryOut:
    """A `webhook.test` event to this endpoint alone (also when it is disabled), signed
    and logged like any other; tried once."""
    await _found(db, ctx, endpoint_id)
    event = CloudEvent(source="/services/notifications", type=TEST_TYPE,
                       subject=str(endpoint_id), tenantid=str(ctx.tenant.value),
                       data={"webhook_id": str(endpoint_id),
                             "message": "A test event from Tidtam"})
    row = await repository.insert_delivery(db, ctx.tenant, endpoint_id,
                                           event_id=uuid.UUID(event.id), event_type=TEST_TYPE,
                                           body=event.to_bytes().decode())
    return DeliveryOut(**row)


async def deliveries(db: AsyncSession, ctx: RequestContext, endpoint_id: uuid.UUID, *,
                     limit: int, cursor: str | None, status: str | None) -> DeliveryPage:
    await _found(db, ctx, endpoint_id)
    rows, more = await repository.deliveries_page(db, ctx.tenant, endpoint_id, limit=limit,
                                                  cursor=cursor, status=status)
    return DeliveryPage(items=[DeliveryOut(**r) for r in rows], next_cursor=more)


async def retry(db: AsyncSession, ctx: RequestContext, endpoint_id: uuid.UUID,
                delivery_id: uuid.UUID) -> DeliveryOut:
    """Send again now (delivered or failed ones too); the schedule starts again. A delivery
    being sent right now is 409."""
    await _found(db, ctx, endpoint_id)
    row = await repository.delivery(db, ctx.tenant, endpoint_id, delivery_id)
    if row is None:
        raise NotFound("no such delivery of this webhook")
    if row["status"] == "sending":
        raise Conflict("this delivery is being sent right now; look again in a moment")
    return DeliveryOut(**await repository.schedule_again(db, ctx.tenant, delivery_id))


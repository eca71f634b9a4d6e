from __future__ import annotations

import uuid

from fastapi import APIRouter, Query, Response

from crmkit.deps import Ctx, Db, IdempotentDb
from crmkit.errors import error_responses
from crmkit.idempotency import IdempotentRoute
from crmkit.paging import CURSOR_PATTERN

from . import service
from .schemas import (
    DeliveryOut,
    DeliveryPage,
    SecretOut,
    Status,
    WebhookCreate,
    WebhookCreated,
    WebhookOut,
    WebhookPage,
    WebhookPatch,
)

router = APIRouter(prefix="/api/v1/webhooks", tags=["webhooks"], route_class=IdempotentRoute)
CURSOR = Query(None, pattern=CURSOR_PATTERN, description="`next_cursor` of the previous page")


@router.post("", status_code=201, response_model=WebhookCreated,
             responses=error_responses(401, 403, 413, 422))
async def create_webhook(body: WebhookCreate, ctx: Ctx, db: IdempotentDb) -> WebhookCreated:
    """A webhook for external systems (admins): the events matching `events` are POSTed to
    `url`, signed per Standard Webhooks with the `secret` returned here, once."""
    return await service.create(db, ctx, body)


@router.get("", response_model=WebhookPage, responses=error_responses(401, 403, 422))
async def list_webhooks(ctx: Ctx, db: Db, limit: int = Query(50, ge=1, le=200),
                        cursor: str | None = CURSOR) -> WebhookPage:
    """The tenant's webhooks, newest first (never their secrets)."""
    return await service.page(db, ctx, limit=limit, cursor=cursor)


@router.get("/{webhook_id:id}", response_model=WebhookOut,
            responses=error_responses(401, 403, 404, 422))
async def get_webhook(webhook_id: uuid.UUID, ctx: Ctx, db: Db) -> WebhookOut:
    return await service.get(db, ctx, webhook_id)


@router.patch("/{webhook_id:id}", response_model=WebhookOut,
              responses=error_responses(401, 403, 404, 413, 422))
async def patch_webhook(webhook_id: uuid.UUID, body: WebhookPatch, ctx: Ctx,
                        db: Db) -> WebhookOut:
    """Only the fields sent change (`url`, `events`, `enabled`, `description`)."""
    return await service.patch(db, ctx, webhook_id, body)


@router.delete("/{webhook_id:id}", status_code=204, response_class=Response,
               responses=error_responses(401, 403, 404, 422))
async def delete_webhook(webhook_id: uuid.UUID, ctx: Ctx, db: Db) -> Response:
    """Delete the webhook and its deliveries log; nothing more is sent to it."""
    await service.delete(db, ctx, webhook_id)
    return Response(status_code=204)


@router.post("/{webhook_id:id}/test", status_code=202, response_model=DeliveryOut,
             responses=error_responses(401, 403, 404, 422))
async def test_webhook(webhook_id: uuid.UUID, ctx: Ctx, db: IdempotentDb) -> DeliveryOut:
    """Send a `webhook.test` event now (to a disabled webhook too), tried once; its outcome
    shows in the deliveries log."""
    return await service.send_test(db, ctx, webhook_id)


@router.post("/{webhook_id:id}/rotate-secret", response_model=SecretOut,
             responses=error_responses(401, 403, 404, 422))
async def rotate_secret(webhook_id: uuid.UUID, ctx: Ctx, db: IdempotentDb) -> SecretOut:
    """A new secret, shown once. For 24 hours deliveries are signed with both (the
    `webhook-signature` header carries `v1,<new> v1,<old>`), so receivers can switch over."""
    return await service.rotate(db, ctx, webhook_id)


@router.get("/{webhook_id:id}/deliveries", response_model=DeliveryPage,
            responses=error_responses(401, 403, 404, 422))
async def list_deliveries(webhook_id: uuid.UUID, ctx: Ctx, db: Db,
                          limit: int = Query(50, ge=1, le=200), cursor: str | None = CURSOR,
                          status: Status | None = Query(None)) -> DeliveryPage:
    """What was sent to this webhook, newest first: status, attempts, the last response
    code, latency and error, the next attempt."""
    return await service.deliveries(db, ctx, webhook_id, limit=limit, cursor=cursor,
                                    status=status)


@router.post("/{webhook_id:id}/deliveries/{delivery_id:id}/retry", status_code=202,
             response_model=DeliveryOut, responses=error_responses(401, 403, 404, 409, 422))
async def retry_delivery(webhook_id: uuid.UUID, delivery_id: uuid.UUID, ctx: Ctx,
                         db: IdempotentDb) -> DeliveryOut:
    """Send this delivery again now (the retry schedule starts again); 409 while it is
    being sent."""
    return await service.retry(db, ctx, webhook_id, delivery_id)

from __future__ import annotations

from fastapi import APIRouter, Path, Request, Response

from crmkit.deps import Ctx, Db
from crmkit.errors import error_responses

from ..forms.service import PUBLIC_KEY_PATTERN
from . import service
from .schemas import EmailInboxIn, EmailInboxOut

router = APIRouter(prefix="/api/v1/capture/email", tags=["capture"])
open_router = APIRouter(tags=["capture (public)"])
KEY = Path(pattern=PUBLIC_KEY_PATTERN, description="The inbound webhook's key")


@router.put("", response_model=EmailInboxOut,
            responses=error_responses(401, 403, 404, 413, 422))
async def put_email(body: EmailInboxIn, ctx: Ctx, db: Db) -> EmailInboxOut:
    """Set up (or change) the tenant's inbound email (admins): the answer gives the inbound
    address and the webhook URL; the signing secret is sealed and never shown again."""
    return await service.put(db, ctx, body)


@router.get("", response_model=EmailInboxOut, responses=error_responses(401, 403, 404))
async def get_email(ctx: Ctx, db: Db) -> EmailInboxOut:
    return await service.get(db, ctx)


@router.delete("", status_code=204, response_class=Response,
               responses=error_responses(401, 403, 404))
async def delete_email(ctx: Ctx, db: Db) -> Response:
    """Forget the inbound email (its webhook stops answering: 404)."""
    await service.delete(db, ctx)
    return Response(status_code=204)


@open_router.post("/capture/email/{key}", status_code=200,
                  responses=error_responses(400, 401, 404, 413, 422, 429))
async def email_webhook(request: Request, ctx: Ctx, key: str = KEY) -> Response:
    """A provider's inbound email webhook: `X-Signature-256` checked over the raw body first;
    the message becomes `lead.captured` (channel email), once per message."""
    return await service.webhook(request, ctx, key)

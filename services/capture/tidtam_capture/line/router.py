from __future__ import annotations

from fastapi import APIRouter, Path, Request, Response

from crmkit.deps import Ctx, Db
from crmkit.errors import error_responses

from ..forms.service import PUBLIC_KEY_PATTERN
from . import service
from .schemas import LineChannelIn, LineChannelOut

router = APIRouter(prefix="/api/v1/capture/line", tags=["capture"])
open_router = APIRouter(tags=["capture (public)"])
KEY = Path(pattern=PUBLIC_KEY_PATTERN, description="The channel's webhook key")


@router.put("", response_model=LineChannelOut,
            responses=error_responses(401, 403, 404, 413, 422))
async def put_line(body: LineChannelIn, ctx: Ctx, db: Db) -> LineChannelOut:
    """Set up (or change) the tenant's LINE OA channel (admins). The secret and the access
    token are sealed at rest and never shown again; the answer gives the webhook URL."""
    return await service.put(db, ctx, body)


@router.get("", response_model=LineChannelOut, responses=error_responses(401, 403, 404))
async def get_line(ctx: Ctx, db: Db) -> LineChannelOut:
    return await service.get(db, ctx)


@router.delete("", status_code=204, response_class=Response,
               responses=error_responses(401, 403, 404))
async def delete_line(ctx: Ctx, db: Db) -> Response:
    """Forget the channel (its webhook stops answering: 404)."""
    await service.delete(db, ctx)
    return Response(status_code=204)


@open_router.post("/capture/line/{key}", status_code=200,
                  responses=error_responses(400, 401, 404, 413, 422, 429))
async def line_webhook(request: Request, ctx: Ctx, key: str = KEY) -> Response:
    """LINE's webhook: `X-Line-Signature` checked over the raw body first; follow and
    message events become `lead.captured` (once per `webhookEventId`)."""
    return await service.webhook(request, ctx, key)

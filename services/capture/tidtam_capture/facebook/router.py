from __future__ import annotations

from fastapi import APIRouter, Path, Request, Response

from crmkit.deps import Ctx, Db
from crmkit.errors import error_responses

from ..forms.service import PUBLIC_KEY_PATTERN
from . import service
from .schemas import FacebookPageIn, FacebookPageOut

router = APIRouter(prefix="/api/v1/capture/facebook", tags=["capture"])
open_router = APIRouter(tags=["capture (public)"])
KEY = Path(pattern=PUBLIC_KEY_PATTERN, description="The page's webhook key")


@router.put("", response_model=FacebookPageOut,
            responses=error_responses(401, 403, 404, 413, 422))
async def put_facebook(body: FacebookPageIn, ctx: Ctx, db: Db) -> FacebookPageOut:
    """Set up (or change) the tenant's Facebook Lead Ads page (admins). The app secret, the
    page token and the verify token are sealed at rest and never shown again; the answer
    gives the webhook URL."""
    return await service.put(db, ctx, body)


@router.get("", response_model=FacebookPageOut, responses=error_responses(401, 403, 404))
async def get_facebook(ctx: Ctx, db: Db) -> FacebookPageOut:
    return await service.get(db, ctx)


@router.delete("", status_code=204, response_class=Response,
               responses=error_responses(401, 403, 404))
async def delete_facebook(ctx: Ctx, db: Db) -> Response:
    """Forget the page (its webhook stops answering: 404)."""
    await service.delete(db, ctx)
    return Response(status_code=204)


@open_router.get("/capture/facebook/{key}", status_code=200, response_class=Response,
                 responses={**error_responses(403, 404, 429),
                            200: {"content": {"text/plain": {}},
                                  "description": "hub.challenge, echoed"}})
async def facebook_handshake(request: Request, ctx: Ctx, key: str = KEY) -> Response:
    """Meta's verification: `hub.mode=subscribe` and the verify token → `hub.challenge`."""
    return await service.handshake(request, ctx, key)


@open_router.post("/capture/facebook/{key}", status_code=200,
                  responses=error_responses(400, 401, 404, 413, 422, 429))
async def facebook_webhook(request: Request, ctx: Ctx, key: str = KEY) -> Response:
    """Lead Ads webhook: `X-Hub-Signature-256` checked over the raw body first; each new
    `leadgen_id` is fetched from the Graph API after the answer and becomes `lead.captured`."""
    return await service.webhook(request, ctx, key)

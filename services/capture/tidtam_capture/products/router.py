from __future__ import annotations

from fastapi import APIRouter

from crmkit.deps import Ctx, Db
from crmkit.errors import error_responses

from . import service
from .schemas import ProductPage

ROUTER = APIRouter(prefix="/api/v1/capture/products", tags=["capture"])


@ROUTER.get("", response_model=ProductPage, responses=error_responses(401, 403))
async def list_products(ctx: Ctx, db: Db) -> ProductPage:
    """The catalogue products a form or a channel may name (admins), as this service has
    heard of them from the documents service's `product.*` events."""
    return await service.listing(db, ctx)

from __future__ import annotations

import uuid

from fastapi import APIRouter, Query

from crmkit.deps import Ctx, Db, IdempotentDb
from crmkit.errors import error_responses
from crmkit.idempotency import IdempotentRoute
from crmkit.paging import CURSOR_PATTERN

from . import service
from .schemas import ProductIn, ProductOut, ProductPage, ProductPatch

router = APIRouter(prefix="/api/v1/products", tags=["products"], route_class=IdempotentRoute)


@router.post("", status_code=201, response_model=ProductOut,
             responses=error_responses(401, 403, 409, 422))
async def create_product(body: ProductIn, ctx: Ctx, db: IdempotentDb) -> ProductOut:
    """Admins only (403). A SKU another product of the tenant has, in any case, is 409
    `sku_taken` on `body.sku`."""
    return await service.create(db, ctx, body)


@router.get("", response_model=ProductPage, responses=error_responses(401, 422))
async def list_products(
    ctx: Ctx, db: Db,
    q: str | None = Query(None, max_length=100, pattern=r"^[^\x00]*$",
                          description="Part of the SKU, Thai or English name"),
    active: bool | None = Query(None, description="Only active (true) or inactive (false)"),
    limit: int = Query(50, ge=1, le=200),
    cursor: str | None = Query(None, pattern=CURSOR_PATTERN,
                               description="`next_cursor` of the previous page"),
) -> ProductPage:
    """The tenant's products, newest first; everyone in the tenant sees the catalogue."""
    return await service.list_page(db, ctx, q=q, active=active, limit=limit, cursor=cursor)


@router.get("/{product_id:id}", response_model=ProductOut,
            responses=error_responses(401, 404, 422))
async def get_product(product_id: uuid.UUID, ctx: Ctx, db: Db) -> ProductOut:
    return await service.get(db, ctx, product_id)


@router.patch("/{product_id:id}", response_model=ProductOut,
              responses=error_responses(401, 403, 404, 409, 422))
async def patch_product(product_id: uuid.UUID, body: ProductPatch, ctx: Ctx,
                        db: Db) -> ProductOut:
    """Admins only (403). Only the fields sent change; documents already made keep the
    price they were made with."""
    return await service.patch(db, ctx, product_id, body)

"""The product catalogue, projected from `product.created` / `product.updated` (newest
version wins; a redelivery changes nothing), and the check of the products a form names
(its leads are created with them, so queue conditions on products match)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.consumer import Delivery, Handler, on_each
from crmkit.context import RequestContext, TenantId
from crmkit.errors import Forbidden, NotFound
from tidtam_contracts.documents import ProductCreatedV1, ProductEvent, ProductUpdatedV1

from .models import Product
from .schemas import KnownProduct, ProductPage


async def product_event(session: AsyncSession, event: Delivery[ProductEvent]) -> None:
    p = event.data
    stmt = insert(Product).values(tenant_id=event.tenant.value, id=p.id, active=p.active,
                                  version=p.version, name=p.name, name_en=p.name_en)
    await session.execute(stmt.on_conflict_do_update(
        index_elements=[Product.tenant_id, Product.id],
        set_={"active": stmt.excluded.active, "version": stmt.excluded.version,
              "name": stmt.excluded.name, "name_en": stmt.excluded.name_en},
        where=Product.version < stmt.excluded.version))


def require_admin(ctx: RequestContext) -> None:
    if not ctx.is_admin:
        raise Forbidden("the capture catalogue is for admins")


async def listing(session: AsyncSession, ctx: RequestContext) -> ProductPage:
    """The catalogue as this service knows it (admins: for the forms' and channels' picker),
    by name."""
    require_admin(ctx)
    rows = await session.execute(sa.select(Product.id, Product.name, Product.name_en,
                                           Product.active)
                                 .where(Product.tenant_id == ctx.tenant.value)
                                 .order_by(Product.name, Product.id))
    return ProductPage(items=[KnownProduct(id=r.id, name=r.name or str(r.id),
                                           name_en=r.name_en, active=r.active) for r in rows])


async def require_known(session: AsyncSession, tenant: TenantId, ids: Sequence[uuid.UUID],
                        field: str) -> None:
    """404 `unknown_product` naming `<field>.<index>` for a product the catalogue does not
    have (as far as this service has heard)."""
    if not ids:
        return
    found = set((await session.execute(sa.select(Product.id).where(
        Product.tenant_id == tenant.value, Product.id.in_(set(ids))))).scalars())
    for i, pid in enumerate(ids):
        if pid not in found:
            raise NotFound.on(f"{field}.{i}", f"no product {pid} in the catalogue "
                              "(GET /api/v1/products)", code="unknown_product")


HANDLERS: list[Handler[Any]] = on_each([ProductCreatedV1, ProductUpdatedV1], product_event)

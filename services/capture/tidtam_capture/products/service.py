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
from crmkit.context import TenantId
from crmkit.errors import NotFound
from tidtam_contracts.documents import ProductCreatedV1, ProductEvent, ProductUpdatedV1

from .models import Product


async def product_event(session: AsyncSession, event: Delivery[ProductEvent]) -> None:
    p = event.data
    stmt = insert(Product).values(tenant_id=event.tenant.value, id=p.id, active=p.active,
                                  version=p.version)
    await session.execute(stmt.on_conflict_do_update(
        index_elements=[Product.tenant_id, Product.id],
        set_={"active": stmt.excluded.active, "version": stmt.excluded.version},
        where=Product.version < stmt.excluded.version))


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

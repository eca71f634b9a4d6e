"""The documents service's catalogue, projected from `product.created` / `product.updated`
(idempotent by version), and the checks of the product ids a request names."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.consumer import Delivery
from crmkit.context import TenantId
from crmkit.errors import NotFound
from tidtam_contracts.documents import ProductEvent

from . import repository
from .models import Product


async def product_event(session: AsyncSession, event: Delivery[ProductEvent]) -> None:
    p = event.data
    await repository.upsert(session, event.tenant, dict(
        id=p.id, name=p.name, name_en=p.name_en, unit_price=Decimal(p.unit_price),
        active=p.active, version=p.version))


async def require_known(session: AsyncSession, tenant: TenantId, ids: Sequence[uuid.UUID],
                        field: str | Sequence[str]) -> dict[uuid.UUID, Product]:
    """The products of `ids`; one the catalogue does not have (as far as this service has
    heard) is 404 naming `<field>.<index>` (or the field given for it in a list)."""
    found = await repository.known(session, tenant, sorted(set(ids)))
    for i, pid in enumerate(ids):
        if pid not in found:
            name = f"{field}.{i}" if isinstance(field, str) else field[i]
            raise NotFound.on(name, f"no product {pid} in the catalogue "
                                    "(GET /api/v1/products)", code="unknown_product")
    return found

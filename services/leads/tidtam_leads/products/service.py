"""The documents service's catalogue, projected from `product.created` / `product.updated`
(idempotent by version), and the checks of the product ids a request names."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.consumer import Delivery
from crmkit.context import TenantId
from crmkit.errors import NotFound
from crmkit.sheets import RowError
from tidtam_contracts.documents import ProductEvent

from . import repository
from .models import Product


async def product_event(session: AsyncSession, event: Delivery[ProductEvent]) -> None:
    p = event.data
    await repository.upsert(session, event.tenant, dict(
        id=p.id, sku=p.sku, name=p.name, name_en=p.name_en, unit_price=Decimal(p.unit_price),
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


MAX_PRODUCTS = 20  # as a lead's product_ids (leads/schemas.py)
_SEPARATORS = re.compile(r"[,;\n]+")


def split_names(cell: str) -> list[str]:
    """A cell of products: codes or names separated by `,` `;` or new lines."""
    return [part.strip() for part in _SEPARATORS.split(cell) if part.strip()]


@dataclass(frozen=True)
class ProductNames:
    """Product codes and names (case-folded) → the product they name; a name two
    products share is ambiguous (None). A code wins over a name."""

    by_key: dict[str, uuid.UUID | None]

    def ids(self, cell: str, field: str = "products") -> list[uuid.UUID] | RowError:
        """The products a cell names, in order, each once; the first unknown or
        ambiguous one, or more than MAX_PRODUCTS, is the row's error."""
        found: list[uuid.UUID] = []
        for part in split_names(cell):
            key = part.casefold()
            if key not in self.by_key:
                return RowError(field, "unknown_product", f"no product with the code or name "
                                f"{part!r} in the catalogue")
            pid = self.by_key[key]
            if pid is None:
                return RowError(field, "ambiguous_product", f"more than one product is named "
                                f"{part!r}: give its code")
            if pid not in found:
                found.append(pid)
        if len(found) > MAX_PRODUCTS:
            return RowError(field, "too_many_products",
                            f"at most {MAX_PRODUCTS} products a lead")
        return found


async def names(session: AsyncSession, tenant: TenantId, cells: Iterable[str]) -> ProductNames:
    """What the products named in `cells` are, in one query."""
    keys = sorted({part.casefold() for cell in cells for part in split_names(cell)})
    by_name: dict[str, set[uuid.UUID]] = {}
    by_code: dict[str, uuid.UUID] = {}
    for p in await repository.by_code_or_name(session, tenant, [k.lower() for k in keys]):
        if p.sku:
            by_code[p.sku.casefold()] = p.id
        for name in (p.name, p.name_en):
            if name:
                by_name.setdefault(name.casefold(), set()).add(p.id)
    out: dict[str, uuid.UUID | None] = {
        k: (next(iter(v)) if len(v) == 1 else None) for k, v in by_name.items()}
    return ProductNames({**out, **by_code})

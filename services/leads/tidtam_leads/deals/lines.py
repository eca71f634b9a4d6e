"""A deal's product lines and the values derived from them: each line's amount (quantity ×
price, to the satang, half up), the deal's amount when it is not typed (`amount_source`
`lines`: their sum), and the probability-weighted amount."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.context import TenantId
from crmkit.errors import FieldError, Unprocessable

from ..products import service as products
from .schemas import DealLineIn

SATANG = Decimal("0.01")


def satang(value: Decimal) -> Decimal:
    return value.quantize(SATANG, rounding=ROUND_HALF_UP)


async def resolve(session: AsyncSession, tenant: TenantId, lines: Sequence[DealLineIn],
                  field: str) -> list[dict[str, Any]]:
    """The lines as the deal keeps them (JSON: decimals as strings). A product's name and
    unit price fill what a line leaves out; a line without a product needs both (422
    naming them); an unknown product is 404."""
    named = [(f"{field}.{i}.product_id", li.product_id) for i, li in enumerate(lines)
             if li.product_id is not None]
    known = await products.require_known(session, tenant, [pid for _, pid in named],
                                         [name for name, _ in named])
    out: list[dict[str, Any]] = []
    missing: list[FieldError] = []
    for i, li in enumerate(lines):
        product = known.get(li.product_id) if li.product_id is not None else None
        name = li.name or (product.name if product else None)
        price = li.price if li.price is not None else (product.unit_price if product else None)
        for key, value in (("name", name), ("price", price)):
            if value is None:
                missing.append(FieldError(field=f"{field}.{i}.{key}", code="missing",
                                          message="required without product_id"))
        if name is None or price is None:
            continue
        out.append({"product_id": str(li.product_id) if li.product_id else None,
                    "name": name, "quantity": str(li.quantity), "price": str(satang(price)),
                    "amount": str(satang(li.quantity * price))})
    if missing:
        raise Unprocessable("; ".join(f"{e.field}: {e.message}" for e in missing[:5]),
                            fields=missing)
    return out


def total(lines: Sequence[dict[str, Any]]) -> Decimal | None:
    """The sum of the lines' amounts; None without lines."""
    return sum((Decimal(li["amount"]) for li in lines), Decimal(0)) if lines else None


def weighted(amount: Decimal | None, probability: int | None) -> Decimal | None:
    if amount is None or probability is None:
        return None
    return satang(amount * probability / 100)

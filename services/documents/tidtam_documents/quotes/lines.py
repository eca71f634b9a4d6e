"""A document's lines as given, resolved against the catalogue (names, units, prices, VAT
types; the price rule) and priced by money.totals."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.context import RequestContext
from crmkit.errors import Conflict, FieldError, NotFound, Unprocessable
from crmkit.money import MAX_BAHT

from ..money.totals import Discount, Line, Totals, TotalsError, compute
from ..products import repository as products
from ..products.service import check_line_price
from .schemas import LineIn


def _refused(kind: type[Conflict] | type[NotFound], field: str, message: str,
             code: str) -> Conflict | NotFound:
    return kind(message, code=code,
                fields=[FieldError(field=field, message=message, code=code)])


async def resolve(session: AsyncSession, ctx: RequestContext,
                  given: Sequence[LineIn]) -> list[dict[str, Any]]:
    """Each line complete (description, unit, price, VAT type), as stored; unknown
    products 404 and inactive ones 409, naming the line."""
    catalogue = await products.get_many(session, ctx.tenant,
                                        {g.product_id for g in given if g.product_id})
    lines = []
    for i, g in enumerate(given):
        field = f"body.lines.{i}"
        product = catalogue.get(g.product_id) if g.product_id else None
        if g.product_id and product is None:
            raise _refused(NotFound, f"{field}.product_id", "no such product",
                           "unknown_product")
        if product is not None and not product.active:
            raise _refused(Conflict, f"{field}.product_id",
                           f"{product.sku} is inactive; choose another product",
                           "product_inactive")
        price = g.unit_price
        if product is not None:
            price = product.unit_price if price is None else price
            check_line_price(ctx, field=f"{field}.unit_price", product=product,
                             unit_price=price)
        assert price is not None  # LineIn requires it without a product
        lines.append({
            "product_id": str(product.id) if product else None,
            "sku": product.sku if product else None,
            "description": g.description or (product.name if product else ""),
            "quantity": str(g.quantity),
            "unit": g.unit or (product.unit if product else ""),
            "unit_price": f"{price:.2f}",
            "discount_percent": None if g.discount_percent is None else str(g.discount_percent),
            "discount_amount": None if g.discount_amount is None else str(g.discount_amount),
            "vat_type": g.vat_type or (product.vat_type if product else "vat7"),
        })
    return lines


def _dec(value: Any) -> Decimal | None:
    return None if value is None else Decimal(value)


def price(lines: list[dict[str, Any]], *, bill_percent: Decimal | None,
          bill_amount: Decimal | None, wht_rate: Decimal | None, on: date) -> Totals:
    """The totals of stored lines; a discount larger than what it discounts, or a total
    past what a document can hold, is 422 naming the field."""
    try:
        totals = compute([Line(quantity=Decimal(x["quantity"]), unit_price=Decimal(
            x["unit_price"]), vat_type=x["vat_type"], discount=Discount(
                _dec(x["discount_percent"]), _dec(x["discount_amount"]))) for x in lines],
            bill_discount=Discount(bill_percent, bill_amount), wht_rate=wht_rate,
            issue_date=on)
    except TotalsError as err:
        raise Unprocessable.on(f"body.{err.field}", err.message, code="invalid_amount") \
            from None
    if totals.grand_total > MAX_BAHT or any(a.gross > MAX_BAHT for a in totals.lines):
        raise Unprocessable.on("body.lines", f"the total may be at most {MAX_BAHT} baht",
                               code="too_large")
    return totals


def with_amounts(lines: list[dict[str, Any]], totals: Totals) -> list[dict[str, Any]]:
    return [{**x, "gross": f"{a.gross:.2f}", "discount": f"{a.discount:.2f}",
             "amount": f"{a.amount:.2f}"} for x, a in zip(lines, totals.lines, strict=True)]

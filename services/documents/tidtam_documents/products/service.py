from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.context import RequestContext
from crmkit.errors import Conflict, FieldError, Forbidden, NotFound
from crmkit.paging import decode_cursor, encode_cursor
from crmkit.text import like_escape, nfc
from tidtam_contracts.documents import ProductCreatedV1, ProductUpdatedV1

from .. import events
from . import repository
from .models import Product
from .schemas import ProductIn, ProductOut, ProductPage, ProductPatch


def _out(p: Product) -> ProductOut:
    return ProductOut.model_validate(p, from_attributes=True)


def _data(p: Product) -> dict[str, Any]:
    return {"id": p.id, "sku": p.sku, "name": p.name, "name_en": p.name_en, "unit": p.unit,
            "unit_price": f"{p.unit_price:.2f}", "vat_type": p.vat_type, "active": p.active,
            "version": p.version}


def _sku_taken(sku: str) -> Conflict:
    message = f"another product has the SKU {sku!r}; choose another"
    return Conflict(message, code="sku_taken",
                    fields=[FieldError(field="body.sku", message=message, code="sku_taken")])


def _admin_only(ctx: RequestContext) -> None:
    if not ctx.is_admin:
        raise Forbidden("only an admin may change the product catalogue")


async def create(session: AsyncSession, ctx: RequestContext, body: ProductIn) -> ProductOut:
    _admin_only(ctx)
    pid = uuid.uuid4()
    if not await repository.create(session, ctx.tenant, {"id": pid, **body.model_dump()}):
        raise _sku_taken(body.sku)
    product = await repository.get(session, ctx.tenant, pid)
    assert product is not None
    await events.stage(session, ctx.tenant, ProductCreatedV1(**_data(product)),
                       subject=str(pid), version=product.version)
    return _out(product)


async def get(session: AsyncSession, ctx: RequestContext, pid: uuid.UUID) -> ProductOut:
    product = await repository.get(session, ctx.tenant, pid)
    if product is None:
        raise NotFound("no such product")
    return _out(product)


async def patch(session: AsyncSession, ctx: RequestContext, pid: uuid.UUID,
                body: ProductPatch) -> ProductOut:
    _admin_only(ctx)
    product = await repository.get(session, ctx.tenant, pid, lock=True)
    if product is None:
        raise NotFound("no such product")
    values = {k: v for k, v in body.model_dump(exclude_unset=True).items()
              if getattr(product, k) != v}
    if not values:
        return _out(product)
    if "sku" in values and await repository.sku_taken(session, ctx.tenant, values["sku"],
                                                      other_than=pid):
        raise _sku_taken(values["sku"])
    product = await repository.update(session, ctx.tenant, pid, values)
    await events.stage(session, ctx.tenant,
                       ProductUpdatedV1(**_data(product), changed=sorted(values)),
                       subject=str(pid), version=product.version)
    return _out(product)


async def list_page(session: AsyncSession, ctx: RequestContext, *, q: str | None,
                    active: bool | None, limit: int, cursor: str | None) -> ProductPage:
    after: tuple[datetime, uuid.UUID] | None = decode_cursor(cursor) if cursor else None
    text = nfc(q) if q else ""
    pattern = f"%{like_escape(text.lower())}%" if text else None
    rows = await repository.page(session, ctx.tenant, pattern=pattern, active=active,
                                 after=after, limit=limit + 1)
    more = len(rows) > limit
    rows = rows[:limit]
    return ProductPage(items=[_out(p) for p in rows],
                       next_cursor=encode_cursor(rows[-1].created_at, rows[-1].id)
                       if more else None)


def may_edit_prices(ctx: RequestContext) -> bool:
    """The tenant's `allow_price_edit` (gateway settings, in the signed context), or an
    admin."""
    return ctx.is_admin or bool(ctx.settings.get("allow_price_edit"))


def check_line_price(ctx: RequestContext, *, field: str, product: Product,
                     unit_price: Decimal) -> None:
    """A line of a catalogue product keeps the catalogue's price unless the caller may edit
    prices: otherwise 409 `price_not_editable` naming the line."""
    if unit_price != product.unit_price and not may_edit_prices(ctx):
        message = (f"{product.sku}: the unit price must be the catalogue's, "
                   f"{product.unit_price:.2f} (only an admin may change it, unless the "
                   "tenant setting allow_price_edit is on)")
        raise Conflict(message, code="price_not_editable", fields=[FieldError(
            field=field, message=message, code="price_not_editable",
            params={"catalogue_price": f"{product.unit_price:.2f}", "sku": product.sku})])

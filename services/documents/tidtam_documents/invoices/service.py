"""Invoices (ใบแจ้งหนี้) from sent or accepted quotes: numbered IV<BE year>-0001 when made,
due `credit_days` (the account's, from its events) after the issue date, the customer, lines
and totals copied from the quote and kept as printed, the PDF rendered and kept at once. An
invoice follows its quote's visibility."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.context import RequestContext
from crmkit.errors import Conflict, NotFound
from crmkit.paging import decode_cursor, encode_cursor

from ..pdf.render import Party, quote_html
from ..pdf.storage import STORE
from ..pdf.workers import Renderer
from ..quotes import numbering
from ..quotes import service as quotes
from ..quotes.pdf import account_of, customer_of, salesperson, seller_of
from ..settings.service import digits_of
from . import repository
from .models import Invoice
from .schemas import CustomerOut, InvoiceOut, InvoicePage

SERIES = "IV"
MONEY = ("subtotal", "bill_discount", "before_vat", "vat_rate", "vat", "grand_total", "wht",
         "net_payable")


def out(i: Invoice, quote_number: str | None) -> InvoiceOut:
    return InvoiceOut(id=i.id, number=i.number, quote_id=i.quote_id, quote_number=quote_number,
                      lead_id=i.lead_id, account_id=i.account_id, issue_date=i.issue_date,
                      due_date=i.due_date, credit_days=i.credit_days,
                      customer=CustomerOut.model_validate(i.customer),
                      tax_invoice_id=i.tax_invoice_id, created_by=i.created_by,
                      created_at=i.created_at, **i.content)


def _money(q: Any, name: str) -> str:
    return f"{getattr(q, name):.2f}"


async def issue(session: AsyncSession, ctx: RequestContext, renderer: Renderer,
                qid: uuid.UUID) -> InvoiceOut:
    quote, lead, account = await quotes.visible(session, ctx, qid, write=True)
    if quotes.status_of(quote) not in ("sent", "accepted"):
        raise Conflict(f"the quote is {quotes.status_of(quote)}; an invoice is made from a "
                       "sent or accepted quote", code="quote_status")
    if quote.superseded_by is not None:
        raise Conflict("a newer revision replaced this quote; invoice that one",
                       code="quote_superseded")
    if (existing := await repository.of_quote(session, ctx, qid)) is not None:
        raise Conflict(f"this quote has an invoice already: {existing.number}",
                       code="already_issued")
    account = await account_of(session, ctx, lead, account)
    credit_days = (account.credit_days or 0) if account is not None else 0
    customer = customer_of(lead, account)
    today = date.today()
    q = quotes.out(quote)
    row = Invoice(
        tenant_id=ctx.tenant.value, id=uuid.uuid4(),
        number=await numbering.next_number(session, ctx.tenant, SERIES, today),
        quote_id=qid, lead_id=quote.lead_id, account_id=quote.account_id, issue_date=today,
        due_date=today + timedelta(days=credit_days), credit_days=credit_days,
        customer={"name": customer.name, "address": customer.address,
                  "tax_id": customer.tax_id, "branch_label": customer.branch_label},
        content={"lines": [line.model_dump(mode="json") for line in q.lines],
                 "notes": q.notes, **{name: _money(q, name) for name in MONEY},
                 "wht_rate": None if q.wht_rate is None else f"{q.wht_rate:.2f}",
                 "amount_in_words": q.amount_in_words},
        created_by=ctx.user_id)
    session.add(row)
    await session.flush()
    await session.refresh(row)
    made = out(row, quote.number)
    await _render(session, ctx, renderer, made)
    return made


def _printable(i: InvoiceOut) -> dict[str, Any]:
    """The invoice as the quotation template reads it: amounts as numbers (a zero is
    falsy, so a zero discount or WHT line is left out as on a quote)."""
    data = i.model_dump()
    for name in (*MONEY, "wht_rate"):
        data[name] = None if data[name] is None else Decimal(data[name])
    data["lines"] = [{**x, "discount": Decimal(x["discount"])} for x in data["lines"]]
    return data


async def _render(session: AsyncSession, ctx: RequestContext, renderer: Renderer,
                  i: InvoiceOut) -> bytes:
    html = quote_html(_printable(i), customer=Party(**i.customer.model_dump()),
                      seller=await seller_of(session, ctx),
                      salesperson=await salesperson(session, ctx, i.created_by),
                      preview=False, digits=await digits_of(session, ctx.tenant),
                      kind="invoice")
    return await STORE.put(session, ctx.tenant, f"invoice/{i.id}", await renderer.render(html))


async def visible(session: AsyncSession, ctx: RequestContext,
                  iid: uuid.UUID) -> tuple[Invoice, str | None]:
    found = await repository.get(session, ctx, iid)
    if found is None:
        raise NotFound("no such invoice")
    return found


async def get(session: AsyncSession, ctx: RequestContext, iid: uuid.UUID) -> InvoiceOut:
    return out(*await visible(session, ctx, iid))


async def pdf(session: AsyncSession, ctx: RequestContext, renderer: Renderer,
              iid: uuid.UUID) -> tuple[bytes, str]:
    row, quote_number = await visible(session, ctx, iid)
    kept = await STORE.get(session, ctx.tenant, f"invoice/{row.id}")
    if kept is None:  # kept at issue; rendered again only if the store lost it
        kept = await _render(session, ctx, renderer, out(row, quote_number))
    return kept, f"{row.number}.pdf"


async def list_page(session: AsyncSession, ctx: RequestContext, *, quote_id: uuid.UUID | None,
                    lead_id: uuid.UUID | None, account_id: uuid.UUID | None, limit: int,
                    cursor: str | None) -> InvoicePage:
    after: tuple[datetime, uuid.UUID] | None = decode_cursor(cursor) if cursor else None
    rows = await repository.page(session, ctx, quote_id=quote_id, lead_id=lead_id,
                                 account_id=account_id, after=after, limit=limit + 1)
    more = len(rows) > limit
    rows = rows[:limit]
    return InvoicePage(items=[out(*r) for r in rows],
                       next_cursor=encode_cursor(rows[-1][0].created_at, rows[-1][0].id)
                       if more else None)

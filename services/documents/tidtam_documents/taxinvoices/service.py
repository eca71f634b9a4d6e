"""Full tax invoices / receipts (ใบกำกับภาษี/ใบเสร็จรับเงิน, Revenue Code 86/4) from accepted
quotations: numbered in their own series (TX), the seller and buyer frozen as printed, never
changed (the database refuses it), printed as original (ต้นฉบับ) and copy (สำเนา)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.context import RequestContext
from crmkit.errors import Conflict, NotFound

from ..invoices import repository as invoices_repo
from ..invoices import service as invoices
from ..pdf.render import Digits, tax_invoice_html
from ..pdf.storage import STORE
from ..pdf.workers import Renderer
from ..profile import service as profiles
from ..quotes import numbering
from ..quotes import repository as quotes_repo
from ..quotes import service as quotes
from ..quotes.pdf import account_of, customer_of
from ..settings.service import digits_of
from .models import TaxInvoice
from .schemas import PartyOut, TaxInvoiceOut

SERIES = "TX"


def out(t: TaxInvoice) -> TaxInvoiceOut:
    return TaxInvoiceOut(id=t.id, number=t.number, quote_id=t.quote_id, invoice_id=t.invoice_id,
                         issue_date=t.issue_date, seller=PartyOut.model_validate(t.seller),
                         buyer=PartyOut.model_validate(t.buyer),
                         created_by=t.created_by, created_at=t.created_at, **t.content)


async def _seller(session: AsyncSession, ctx: RequestContext) -> dict[str, Any]:
    profile = await profiles.find(session, ctx.tenant)
    if profile is None:
        raise Conflict("set the company profile first (PUT /api/v1/company-profile): a tax "
                       "invoice prints the seller's name, address and tax ID",
                       code="company_profile_missing")
    return profiles.out(profile).model_dump(include={"name", "address", "tax_id",
                                                     "branch_label"})


def _incomplete() -> Conflict:
    return Conflict("a tax invoice prints the buyer's name and address: quote an account "
                    "with an address (convert the lead first)", code="buyer_incomplete")


async def _make(session: AsyncSession, ctx: RequestContext, renderer: Renderer, *,
                quote_id: uuid.UUID, invoice_id: uuid.UUID | None, seller: dict[str, Any],
                buyer: dict[str, Any], content: dict[str, Any]) -> TaxInvoiceOut:
    existing = await session.scalar(sa.select(TaxInvoice.number).where(
        TaxInvoice.tenant_id == ctx.tenant.value, TaxInvoice.quote_id == quote_id))
    if existing is not None:
        raise Conflict(f"this quote has a tax invoice already: {existing}",
                       code="already_issued")
    today = date.today()
    row = TaxInvoice(
        tenant_id=ctx.tenant.value, id=uuid.uuid4(),
        number=await numbering.next_number(session, ctx.tenant, SERIES, today),
        quote_id=quote_id, invoice_id=invoice_id, issue_date=today, created_by=ctx.user_id,
        seller=seller, buyer=buyer, content=content)
    session.add(row)
    await session.flush()
    await session.refresh(row)
    await invoices_repo.set_tax_invoice(session, ctx, quote_id=quote_id, tax_invoice_id=row.id)
    made = out(row)
    digits = await digits_of(session, ctx.tenant)
    for copy in (False, True):  # both kept now: an issued tax invoice never renders again
        await _render(session, ctx, renderer, made, copy=copy, digits=digits)
    return made


async def issue(session: AsyncSession, ctx: RequestContext, renderer: Renderer,
                qid: uuid.UUID) -> TaxInvoiceOut:
    quote, lead, account = await quotes.visible(session, ctx, qid, write=True)
    if quote.status != "accepted":
        raise Conflict("a tax invoice is issued for an accepted quote", code="quote_status")
    seller = await _seller(session, ctx)
    account = await account_of(session, ctx, lead, account)
    buyer = customer_of(lead, account)
    if account is None or not buyer.address:
        raise _incomplete()
    q = quotes.out(quote)
    return await _make(
        session, ctx, renderer, quote_id=qid, invoice_id=None, seller=seller,
        buyer={"name": buyer.name, "address": buyer.address, "tax_id": buyer.tax_id,
               "branch_label": buyer.branch_label},
        content={"lines": [line.model_dump(mode="json") for line in q.lines],
                 "before_vat": f"{q.before_vat:.2f}", "vat_rate": f"{q.vat_rate:.2f}",
                 "vat": f"{q.vat:.2f}", "grand_total": f"{q.grand_total:.2f}",
                 "amount_in_words": q.amount_in_words})


async def from_invoice(session: AsyncSession, ctx: RequestContext, renderer: Renderer,
                       iid: uuid.UUID) -> TaxInvoiceOut:
    """The invoice's customer, lines and totals, as it printed them."""
    invoice, _ = await invoices.visible(session, ctx, iid)
    await quotes.visible(session, ctx, invoice.quote_id, write=True)
    seller = await _seller(session, ctx)
    if not invoice.customer.get("address"):  # only an account's customer has one
        raise _incomplete()
    return await _make(session, ctx, renderer, quote_id=invoice.quote_id, invoice_id=iid,
                       seller=seller, buyer=invoice.customer, content={
                           k: invoice.content[k] for k in ("lines", "before_vat", "vat_rate",
                                                           "vat", "grand_total",
                                                           "amount_in_words")})


async def visible(session: AsyncSession, ctx: RequestContext, tid: uuid.UUID) -> TaxInvoice:
    """Who may see the quote may see its tax invoice."""
    row = (await session.execute(sa.select(TaxInvoice).where(
        TaxInvoice.tenant_id == ctx.tenant.value, TaxInvoice.id == tid))).scalar_one_or_none()
    if row is None or await quotes_repo.get(session, ctx, row.quote_id) is None:
        raise NotFound("no such tax invoice")
    return row


async def _render(session: AsyncSession, ctx: RequestContext, renderer: Renderer,
                  t: TaxInvoiceOut, *, copy: bool, digits: Digits) -> bytes:
    html = tax_invoice_html(t, copy=copy, digits=digits)
    return await STORE.put(session, ctx.tenant, _key(t.id, copy),
                           await renderer.render(html))


def _key(tid: uuid.UUID, copy: bool) -> str:
    return f"tax-invoice/{tid}/{'copy' if copy else 'original'}"


async def pdf(session: AsyncSession, ctx: RequestContext, renderer: Renderer,
              tid: uuid.UUID, *, copy: bool) -> tuple[bytes, str]:
    """Kept since issued (rendered again only if the store lost it)."""
    row = await visible(session, ctx, tid)
    name = f"{row.number}{'-copy' if copy else ''}.pdf"
    if (kept := await STORE.get(session, ctx.tenant, _key(row.id, copy))) is not None:
        return kept, name
    return await _render(session, ctx, renderer, out(row), copy=copy,
                         digits=await digits_of(session, ctx.tenant)), name

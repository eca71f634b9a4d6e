"""Credit notes (ใบลดหนี้, Revenue Code 86/10) against an issued tax invoice: numbered
CN<BE year>-0001, printing the tax invoice's number and date, its original value, the
correct value, the difference and the VAT on it, and the reason. The tax invoice itself
never changes; its credit notes together never exceed its value before VAT (each issue
locks the tax invoice's row, so two at once cannot both pass the check)."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.context import RequestContext
from crmkit.errors import NotFound, Unprocessable

from ..money.bahttext import bahttext
from ..money.totals import Line, compute
from ..pdf.render import credit_note_html
from ..pdf.storage import STORE
from ..pdf.workers import Renderer
from ..quotes import numbering
from ..quotes import service as quotes
from ..settings.service import digits_of
from ..taxinvoices import service as tax_invoices
from ..taxinvoices.models import TaxInvoice
from ..taxinvoices.schemas import PartyOut
from .models import CreditNote
from .schemas import CreditNoteIn, CreditNoteList, CreditNoteOut

SERIES = "CN"


def out(c: CreditNote) -> CreditNoteOut:
    return CreditNoteOut(id=c.id, number=c.number, tax_invoice_id=c.tax_invoice_id,
                         issue_date=c.issue_date, reason=c.reason,
                         seller=PartyOut.model_validate(c.seller),
                         buyer=PartyOut.model_validate(c.buyer), created_by=c.created_by,
                         created_at=c.created_at, **c.content)


async def issue(session: AsyncSession, ctx: RequestContext, renderer: Renderer,
                tid: uuid.UUID, body: CreditNoteIn) -> CreditNoteOut:
    tax = await tax_invoices.visible(session, ctx, tid)
    await quotes.visible(session, ctx, tax.quote_id, write=True)
    await session.execute(sa.select(TaxInvoice.id).where(
        TaxInvoice.tenant_id == ctx.tenant.value, TaxInvoice.id == tid).with_for_update())
    credited = await session.scalar(sa.select(sa.func.coalesce(
        sa.func.sum(CreditNote.difference), 0)).where(
        CreditNote.tenant_id == ctx.tenant.value, CreditNote.tax_invoice_id == tid))
    today = date.today()
    totals = compute([Line(quantity=x.quantity, unit_price=x.unit_price, vat_type=x.vat_type)
                      for x in body.lines], issue_date=today)
    original = Decimal(tax.content["before_vat"])
    left = original - Decimal(credited or 0)
    if totals.after_discount <= 0 or totals.after_discount > left:
        raise Unprocessable.on("body.lines", f"the credit must be more than 0 and at most "
                               f"{left:.2f} baht (the tax invoice's value before VAT, "
                               f"{original:.2f}, less what is credited already)",
                               code="credit_too_large")
    lines = [{"description": x.description, "quantity": str(x.quantity), "unit": x.unit,
              "unit_price": f"{x.unit_price:.2f}", "vat_type": x.vat_type,
              "amount": f"{a.amount:.2f}"} for x, a in zip(body.lines, totals.lines,
                                                          strict=True)]
    row = CreditNote(
        tenant_id=ctx.tenant.value, id=uuid.uuid4(),
        number=await numbering.next_number(session, ctx.tenant, SERIES, today),
        tax_invoice_id=tid, issue_date=today, reason=body.reason, seller=tax.seller,
        buyer=tax.buyer, difference=totals.after_discount, created_by=ctx.user_id,
        content={"tax_invoice_number": tax.number,
                 "tax_invoice_date": tax.issue_date.isoformat(), "lines": lines,
                 "original_value": f"{original:.2f}",
                 "difference": f"{totals.after_discount:.2f}",
                 "correct_value": f"{left - totals.after_discount:.2f}",
                 "vat_rate": f"{totals.vat_rate:.2f}", "vat": f"{totals.vat:.2f}",
                 "total": f"{totals.grand_total:.2f}",
                 "amount_in_words": bahttext(totals.grand_total)})
    session.add(row)
    await session.flush()
    await session.refresh(row)
    made = out(row)
    digits = await digits_of(session, ctx.tenant)
    for copy in (False, True):
        await _render(session, ctx, renderer, made, copy=copy, digits=digits)
    return made


def _key(cid: uuid.UUID, copy: bool) -> str:
    return f"credit-note/{cid}/{'copy' if copy else 'original'}"


async def _render(session: AsyncSession, ctx: RequestContext, renderer: Renderer,
                  c: CreditNoteOut, *, copy: bool, digits: str) -> bytes:
    html = credit_note_html(c, copy=copy, digits="thai" if digits == "thai" else "arabic")
    return await STORE.put(session, ctx.tenant, _key(c.id, copy),
                           await renderer.render(html))


async def visible(session: AsyncSession, ctx: RequestContext, cid: uuid.UUID) -> CreditNote:
    """Who may see the tax invoice may see its credit notes."""
    row: CreditNote | None = await session.scalar(sa.select(CreditNote).where(
        CreditNote.tenant_id == ctx.tenant.value, CreditNote.id == cid))
    if row is None:
        raise NotFound("no such credit note")
    try:
        await tax_invoices.visible(session, ctx, row.tax_invoice_id)
    except NotFound:
        raise NotFound("no such credit note") from None
    return row


async def of_tax_invoice(session: AsyncSession, ctx: RequestContext,
                         tid: uuid.UUID) -> CreditNoteList:
    await tax_invoices.visible(session, ctx, tid)
    rows = (await session.execute(sa.select(CreditNote).where(
        CreditNote.tenant_id == ctx.tenant.value, CreditNote.tax_invoice_id == tid)
        .order_by(CreditNote.created_at, CreditNote.id))).scalars().all()
    return CreditNoteList(items=[out(r) for r in rows])


async def pdf(session: AsyncSession, ctx: RequestContext, renderer: Renderer,
              cid: uuid.UUID, *, copy: bool) -> tuple[bytes, str]:
    row = await visible(session, ctx, cid)
    name = f"{row.number}{'-copy' if copy else ''}.pdf"
    if (kept := await STORE.get(session, ctx.tenant, _key(row.id, copy))) is not None:
        return kept, name
    return await _render(session, ctx, renderer, out(row), copy=copy,
                         digits=await digits_of(session, ctx.tenant)), name

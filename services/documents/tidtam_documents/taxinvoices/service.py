"""Full tax invoices / receipts (ใบกำกับภาษี/ใบเสร็จรับเงิน, Revenue Code 86/4) from accepted
quotations: numbered in their own series (TX), the seller and buyer frozen as printed, never
changed (the database refuses it), printed as original (ต้นฉบับ) and copy (สำเนา)."""

from __future__ import annotations

import uuid
from datetime import date

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.context import RequestContext
from crmkit.errors import Conflict, NotFound

from ..parties.models import AccountCopy, LeadCopy
from ..pdf.render import tax_invoice_html
from ..pdf.storage import STORE
from ..pdf.workers import Renderer
from ..profile import service as profiles
from ..quotes import numbering
from ..quotes import repository as quotes_repo
from ..quotes import service as quotes
from ..quotes.pdf import customer_of
from .models import TaxInvoice
from .schemas import PartyOut, TaxInvoiceOut

SERIES = "TX"


def out(t: TaxInvoice) -> TaxInvoiceOut:
    return TaxInvoiceOut(id=t.id, number=t.number, quote_id=t.quote_id,
                         issue_date=t.issue_date, seller=PartyOut.model_validate(t.seller),
                         buyer=PartyOut.model_validate(t.buyer),
                         created_by=t.created_by, created_at=t.created_at, **t.content)


async def _account_of(session: AsyncSession, ctx: RequestContext, lead: LeadCopy | None,
                      account: AccountCopy | None) -> AccountCopy | None:
    if account is not None or lead is None or lead.account_id is None:
        return account
    found: AccountCopy | None = (await session.execute(sa.select(AccountCopy).where(
        AccountCopy.tenant_id == ctx.tenant.value, AccountCopy.id == lead.account_id))
    ).scalar_one_or_none()
    return found


async def issue(session: AsyncSession, ctx: RequestContext, qid: uuid.UUID) -> TaxInvoiceOut:
    quote, lead, account = await quotes.visible(session, ctx, qid, write=True)
    if quote.status != "accepted":
        raise Conflict("a tax invoice is issued for an accepted quote", code="quote_status")
    profile = await profiles.find(session, ctx.tenant)
    if profile is None:
        raise Conflict("set the company profile first (PUT /api/v1/company-profile): a tax "
                       "invoice prints the seller's name, address and tax ID",
                       code="company_profile_missing")
    account = await _account_of(session, ctx, lead, account)
    buyer = customer_of(lead, account)
    if account is None or not buyer.address:
        raise Conflict("a tax invoice prints the buyer's name and address: quote an account "
                       "with an address (convert the lead first)", code="buyer_incomplete")
    existing = await session.scalar(sa.select(TaxInvoice.id).where(
        TaxInvoice.tenant_id == ctx.tenant.value, TaxInvoice.quote_id == qid))
    if existing is not None:
        raise Conflict(f"this quote has a tax invoice already: {existing}",
                       code="already_issued")
    today = date.today()
    q = quotes.out(quote)
    row = TaxInvoice(
        tenant_id=ctx.tenant.value, id=uuid.uuid4(),
        number=await numbering.next_number(session, ctx.tenant, SERIES, today),
        quote_id=qid, issue_date=today, created_by=ctx.user_id,
        seller=profiles.out(profile).model_dump(include={"name", "address", "tax_id",
                                                         "branch_label"}),
        buyer={"name": buyer.name, "address": buyer.address, "tax_id": buyer.tax_id,
               "branch_label": buyer.branch_label},
        content={"lines": [line.model_dump(mode="json") for line in q.lines],
                 "before_vat": f"{q.before_vat:.2f}", "vat_rate": f"{q.vat_rate:.2f}",
                 "vat": f"{q.vat:.2f}", "grand_total": f"{q.grand_total:.2f}",
                 "amount_in_words": q.amount_in_words})
    session.add(row)
    await session.flush()
    await session.refresh(row)
    return out(row)


async def visible(session: AsyncSession, ctx: RequestContext, tid: uuid.UUID) -> TaxInvoice:
    """Who may see the quote may see its tax invoice."""
    row = (await session.execute(sa.select(TaxInvoice).where(
        TaxInvoice.tenant_id == ctx.tenant.value, TaxInvoice.id == tid))).scalar_one_or_none()
    if row is None or await quotes_repo.get(session, ctx, row.quote_id) is None:
        raise NotFound("no such tax invoice")
    return row


async def pdf(session: AsyncSession, ctx: RequestContext, renderer: Renderer,
              tid: uuid.UUID, *, copy: bool) -> tuple[bytes, str]:
    row = await visible(session, ctx, tid)
    kind = "copy" if copy else "original"
    key = f"tax-invoice/{row.id}/{kind}"
    name = f"{row.number}{'-copy' if copy else ''}.pdf"
    if (kept := await STORE.get(session, ctx.tenant, key)) is not None:
        return kept, name
    html = tax_invoice_html(out(row), copy=copy)
    return await STORE.put(session, ctx.tenant, key, await renderer.render(html)), name

"""Every document of a customer in one keyset page: quotations, invoices, tax invoices and
credit notes, each reached through its quote (a credit note through its tax invoice), so
each follows its quote's visibility."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.context import RequestContext
from crmkit.paging import before

from ..creditnotes.models import CreditNote
from ..invoices.models import Invoice
from ..parties.models import AccountCopy, LeadCopy
from ..quotes.models import Quote
from ..quotes.repository import readable
from ..taxinvoices.models import TaxInvoice

Row = tuple[str, uuid.UUID, str | None, str, date | None, Decimal, uuid.UUID, datetime]


def _quote_status() -> sa.ColumnElement[str]:
    """A sent quote past its validity date reads as expired (as quotes.service.status_of)."""
    return sa.case((sa.and_(Quote.status == "sent", Quote.valid_until < sa.func.current_date()),
                    "expired"), else_=Quote.status)


def _money(content: Any, key: str) -> sa.ColumnElement[Decimal]:
    return sa.cast(content[key].astext, sa.Numeric(14, 2))


def _parts() -> list[sa.Select[Any]]:
    quote = sa.select(sa.literal("quote").label("kind"), Quote.id, Quote.number,
                      _quote_status().label("status"), Quote.issue_date,
                      Quote.grand_total.label("total"), Quote.id.label("quote_id"),
                      Quote.created_at)
    invoice = (sa.select(sa.literal("invoice"), Invoice.id, Invoice.number,
                         sa.case((Invoice.tax_invoice_id.is_not(None), "tax_invoiced"),
                                 else_="issued"),
                         Invoice.issue_date, _money(Invoice.content, "grand_total"),
                         Invoice.quote_id, Invoice.created_at)
               .join(Quote, sa.and_(Quote.tenant_id == Invoice.tenant_id,
                                    Quote.id == Invoice.quote_id)))
    tax = (sa.select(sa.literal("tax_invoice"), TaxInvoice.id, TaxInvoice.number,
                     sa.literal("issued"), TaxInvoice.issue_date,
                     _money(TaxInvoice.content, "grand_total"), TaxInvoice.quote_id,
                     TaxInvoice.created_at)
           .join(Quote, sa.and_(Quote.tenant_id == TaxInvoice.tenant_id,
                                Quote.id == TaxInvoice.quote_id)))
    credit = (sa.select(sa.literal("credit_note"), CreditNote.id, CreditNote.number,
                        sa.literal("issued"), CreditNote.issue_date,
                        _money(CreditNote.content, "total"), TaxInvoice.quote_id,
                        CreditNote.created_at)
              .join(TaxInvoice, sa.and_(TaxInvoice.tenant_id == CreditNote.tenant_id,
                                        TaxInvoice.id == CreditNote.tax_invoice_id))
              .join(Quote, sa.and_(Quote.tenant_id == TaxInvoice.tenant_id,
                                   Quote.id == TaxInvoice.quote_id)))
    return [quote, invoice, tax, credit]


async def page(session: AsyncSession, ctx: RequestContext, *, lead_id: uuid.UUID | None,
               account_id: uuid.UUID | None, after: tuple[datetime, uuid.UUID] | None,
               limit: int) -> list[Row]:
    parts = []
    for part in _parts():
        part = (part.outerjoin(LeadCopy, sa.and_(LeadCopy.tenant_id == Quote.tenant_id,
                                                 LeadCopy.id == Quote.lead_id))
                .outerjoin(AccountCopy, sa.and_(AccountCopy.tenant_id == Quote.tenant_id,
                                                AccountCopy.id == Quote.account_id))
                .where(Quote.tenant_id == ctx.tenant.value, readable(ctx)))
        if lead_id is not None:
            part = part.where(Quote.lead_id == lead_id)
        if account_id is not None:
            # The account's own documents and those of its leads.
            part = part.where(sa.or_(Quote.account_id == account_id,
                                     LeadCopy.account_id == account_id))
        parts.append(part)
    docs = sa.union_all(*parts).subquery("docs")
    q = (sa.select(docs).where(*before(docs.c.created_at, docs.c.id, after))
         .order_by(docs.c.created_at.desc(), docs.c.id.desc()).limit(limit))
    return [row.tuple() for row in (await session.execute(q)).all()]

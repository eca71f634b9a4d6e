from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.context import RequestContext
from crmkit.paging import before

from ..parties.models import AccountCopy, LeadCopy
from ..quotes.models import Quote
from ..quotes.repository import readable
from .models import Invoice


def _visible() -> sa.Select[Invoice, str | None]:
    """Invoices with their quote's number, joined so that the quote's visibility applies."""
    return (sa.select(Invoice, Quote.number)
            .join(Quote, sa.and_(Quote.tenant_id == Invoice.tenant_id,
                                 Quote.id == Invoice.quote_id))
            .outerjoin(LeadCopy, sa.and_(LeadCopy.tenant_id == Quote.tenant_id,
                                         LeadCopy.id == Quote.lead_id))
            .outerjoin(AccountCopy, sa.and_(AccountCopy.tenant_id == Quote.tenant_id,
                                            AccountCopy.id == Quote.account_id)))


async def get(session: AsyncSession, ctx: RequestContext,
              iid: uuid.UUID) -> tuple[Invoice, str | None] | None:
    row = (await session.execute(_visible().where(
        Invoice.tenant_id == ctx.tenant.value, Invoice.id == iid, readable(ctx)))).one_or_none()
    return None if row is None else (row[0], row[1])


async def of_quote(session: AsyncSession, ctx: RequestContext,
                   qid: uuid.UUID) -> Invoice | None:
    found: Invoice | None = await session.scalar(sa.select(Invoice).where(
        Invoice.tenant_id == ctx.tenant.value, Invoice.quote_id == qid))
    return found


async def page(session: AsyncSession, ctx: RequestContext, *, quote_id: uuid.UUID | None,
               lead_id: uuid.UUID | None, account_id: uuid.UUID | None,
               after: tuple[datetime, uuid.UUID] | None,
               limit: int) -> list[tuple[Invoice, str | None]]:
    q = _visible().where(Invoice.tenant_id == ctx.tenant.value, readable(ctx),
                         *before(Invoice.created_at, Invoice.id, after))
    if quote_id is not None:
        q = q.where(Invoice.quote_id == quote_id)
    if lead_id is not None:
        q = q.where(Quote.lead_id == lead_id)
    if account_id is not None:
        q = q.where(sa.or_(Quote.account_id == account_id, LeadCopy.account_id == account_id))
    q = q.order_by(Invoice.created_at.desc(), Invoice.id.desc()).limit(limit)
    return [(row[0], row[1]) for row in (await session.execute(q)).all()]


async def set_tax_invoice(session: AsyncSession, ctx: RequestContext, *, quote_id: uuid.UUID,
                          tax_invoice_id: uuid.UUID) -> None:
    await session.execute(sa.update(Invoice).where(
        Invoice.tenant_id == ctx.tenant.value, Invoice.quote_id == quote_id,
        Invoice.tax_invoice_id.is_(None)).values(tax_invoice_id=tax_invoice_id))

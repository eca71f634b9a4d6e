"""A quote as PDF: an issued one rendered once and kept (pdf/storage.py), a draft rendered
on every request as a preview (marked as such, never kept)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.context import RequestContext

from ..parties.models import AccountCopy, LeadCopy
from ..pdf.render import Party, quote_html
from ..pdf.storage import STORE
from ..pdf.workers import Renderer
from ..profile import service as profiles
from ..profile import signature as signatures
from ..settings.service import digits_of
from ..users.models import User
from . import service


def _address(address: dict[str, Any] | None) -> str | None:
    if not address:
        return None
    parts = [address.get(k) for k in ("line", "subdistrict", "district", "province",
                                      "postcode")]
    return " ".join(p for p in parts if p) or None


def customer_of(lead: LeadCopy | None, account: AccountCopy | None) -> Party:
    if account is not None:
        return Party(name=account.name, address=_address(account.address),
                     tax_id=account.tax_id, branch_label=account.branch_label)
    assert lead is not None
    return Party(name=lead.company or lead.name, email=lead.email)


async def account_of(session: AsyncSession, ctx: RequestContext, lead: LeadCopy | None,
                     account: AccountCopy | None) -> AccountCopy | None:
    """The quote's account, or its lead's (whatever the caller's account scope: a document
    prints its customer)."""
    if account is not None or lead is None or lead.account_id is None:
        return account
    found: AccountCopy | None = (await session.execute(sa.select(AccountCopy).where(
        AccountCopy.tenant_id == ctx.tenant.value, AccountCopy.id == lead.account_id))
    ).scalar_one_or_none()
    return found


async def seller_of(session: AsyncSession, ctx: RequestContext) -> Party:
    """The company profile as printed, with its logo (or a blank seller until it is set)."""
    profile = await profiles.find(session, ctx.tenant)
    if profile is None:
        return Party(name="")
    return Party(name=profile.name, address=profile.address, tax_id=profile.tax_id,
                 branch_label=profiles.out(profile).branch_label,
                 logo=signatures.png_uri(profile.logo))


async def salesperson(session: AsyncSession, ctx: RequestContext, user_id: Any) -> Party:
    """Their name, and from their document profile position, phone, email and signature."""
    user = (await session.execute(sa.select(User).where(
        User.tenant_id == ctx.tenant.value, User.id == user_id))).scalar_one_or_none()
    mine = await signatures.find(session, ctx.tenant, user_id)
    return Party(name=user.name if user else "",
                 email=(mine.email if mine and mine.email else user.email if user else None),
                 position=mine.position if mine else None, phone=mine.phone if mine else None,
                 signature=signatures.signature_uri(mine))


async def quote_pdf(session: AsyncSession, ctx: RequestContext, renderer: Renderer,
                    qid: Any) -> tuple[bytes, str]:
    """The PDF and its file name; an issued quote's is rendered once (when issued) and
    kept."""
    quote, lead, account = await service.visible(session, ctx, qid)
    draft = quote.status == "draft"
    key = f"quote/{quote.id}"
    if not draft and (kept := await STORE.get(session, ctx.tenant, key)) is not None:
        return kept, f"{quote.number}.pdf"
    account = await account_of(session, ctx, lead, account)
    html = quote_html(service.out(quote), customer=customer_of(lead, account),
                      seller=await seller_of(session, ctx),
                      salesperson=await salesperson(session, ctx, quote.created_by),
                      preview=draft, digits=await digits_of(session, ctx.tenant))
    pdf = await renderer.render(html)
    if draft:
        return pdf, f"draft-{quote.id}.pdf"
    return await STORE.put(session, ctx.tenant, key, pdf), f"{quote.number}.pdf"

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


async def _salesperson(session: AsyncSession, ctx: RequestContext, user_id: Any) -> Party:
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
    """The PDF and its file name."""
    quote, lead, account = await service.visible(session, ctx, qid)
    if lead is not None and lead.account_id is not None and account is None:
        account = (await session.execute(sa.select(AccountCopy).where(
            AccountCopy.tenant_id == ctx.tenant.value,
            AccountCopy.id == lead.account_id))).scalar_one_or_none()
    draft = quote.status == "draft"
    key = f"quote/{quote.id}"
    if not draft and (kept := await STORE.get(session, ctx.tenant, key)) is not None:
        return kept, f"{quote.number}.pdf"
    profile = await profiles.find(session, ctx.tenant)
    seller = Party(name=profile.name, address=profile.address, tax_id=profile.tax_id,
                   branch_label=profiles.out(profile).branch_label) if profile else Party(name="")
    html = quote_html(service.out(quote), customer=customer_of(lead, account), seller=seller,
                      salesperson=await _salesperson(session, ctx, quote.created_by),
                      preview=draft)
    pdf = await renderer.render(html)
    if draft:
        return pdf, f"draft-{quote.id}.pdf"
    return await STORE.put(session, ctx.tenant, key, pdf), f"{quote.number}.pdf"

"""Quotations: drafts edited freely, issued with a number (then `sent`), accepted or
rejected; a change after sending is a new revision (QT2569-0001-R1) and the old one is
kept. A quote follows the visibility of its lead, or of its account: one the caller may
not see is 404; one they see read-only (a lead they sent on) is 403 to change."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.context import RequestContext
from crmkit.errors import Conflict, Forbidden, NotFound
from crmkit.paging import decode_cursor, encode_cursor
from tidtam_contracts.documents import (
    QuoteAcceptedV1,
    QuoteEvent,
    QuoteIssuedV1,
    QuoteRejectedV1,
)

from .. import events
from ..money.bahttext import bahttext
from ..parties import repository as parties
from ..parties.models import AccountCopy, LeadCopy
from . import lines as priced
from . import numbering, repository
from .models import Quote
from .schemas import (
    LineOut,
    QuoteFields,
    QuoteIn,
    QuoteOut,
    QuotePage,
    QuotePatch,
    QuotePreviewIn,
    QuotePreviewOut,
)

SERIES = "QT"


def status_of(q: Quote, today: date | None = None) -> str:
    if q.status == "sent" and q.valid_until is not None and \
            q.valid_until < (today or date.today()):
        return "expired"
    return q.status


def out(q: Quote) -> QuoteOut:
    return QuoteOut(
        id=q.id, number=q.number, revision=q.revision, previous_id=q.previous_id,
        superseded_by=q.superseded_by, lead_id=q.lead_id, account_id=q.account_id,
        deal_id=q.deal_id,
        contact_id=q.contact_id, status=status_of(q),  # type: ignore[arg-type]
        issue_date=q.issue_date, valid_until=q.valid_until, notes=q.notes,
        lines=[LineOut.model_validate(x) for x in q.lines],
        bill_discount_percent=q.bill_discount_percent,
        bill_discount_amount=q.bill_discount_amount, wht_rate=q.wht_rate,
        subtotal=q.subtotal, bill_discount=q.bill_discount, before_vat=q.before_vat,
        vat_rate=q.vat_rate, vat=q.vat, grand_total=q.grand_total, wht=q.wht,
        net_payable=q.net_payable, amount_in_words=bahttext(q.grand_total),
        created_by=q.created_by, version=q.version, created_at=q.created_at,
        updated_at=q.updated_at)


def _writable(ctx: RequestContext, lead: LeadCopy | None, account: AccountCopy | None) -> bool:
    if lead is not None:
        return ctx.lead_scope.may_write(lead.owner_id)
    return account is not None and ctx.account_scope.may_write(account.owner_id)


def _account_discount(account: AccountCopy | None) -> tuple[Decimal | None, Decimal | None]:
    """The account's `bill_discount` ({"kind": "percent"|"amount", "value"})."""
    found = account.bill_discount if account is not None else None
    if not found:
        return None, None
    value = Decimal(str(found["value"]))
    return (value, None) if found["kind"] == "percent" else (None, value)


async def _content(session: AsyncSession, ctx: RequestContext, body: QuoteFields,
                   account: AccountCopy | None, on: date) -> dict[str, Any]:
    """A draft's stored content, priced."""
    stored = await priced.resolve(session, ctx, body.lines)
    percent, amount = body.bill_discount_percent, body.bill_discount_amount
    if percent is None and amount is None:
        percent, amount = _account_discount(account)
    wht = Decimal(body.wht_rate) if body.wht_rate is not None else None
    totals = priced.price(stored, bill_percent=percent, bill_amount=amount, wht_rate=wht,
                          on=on)
    return {"lines": priced.with_amounts(stored, totals), "bill_discount_percent": percent,
            "bill_discount_amount": amount, "wht_rate": wht, "valid_until": body.valid_until,
            "notes": body.notes, "subtotal": totals.subtotal,
            "bill_discount": totals.bill_discount, "before_vat": totals.after_discount,
            "vat_rate": totals.vat_rate, "vat": totals.vat, "grand_total": totals.grand_total,
            "wht": totals.wht, "net_payable": totals.net_payable}


async def _parties(session: AsyncSession, ctx: RequestContext, lead_id: uuid.UUID | None,
                   account_id: uuid.UUID | None) -> tuple[LeadCopy | None, AccountCopy | None]:
    """The lead (and its account) or the account quoted, as the caller sees them; 404
    naming the field otherwise."""
    lead = account = None
    if lead_id is not None:
        lead = await parties.lead(session, ctx.tenant, lead_id, ctx.lead_scope)
        if lead is None:
            raise NotFound.on("body.lead_id", "no such lead", code="unknown_lead")
        if lead.account_id is not None:
            account = await parties.account(session, ctx.tenant, lead.account_id,
                                            ctx.account_scope)
    elif account_id is not None:
        account = await parties.account(session, ctx.tenant, account_id, ctx.account_scope)
        if account is None:
            raise NotFound.on("body.account_id", "no such account", code="unknown_account")
    return lead, account


async def preview(session: AsyncSession, ctx: RequestContext,
                  body: QuotePreviewIn) -> QuotePreviewOut:
    """What a draft with these lines and discounts would total, with the same rules as
    create and patch (catalogue, price rule, the account's bill discount); nothing is
    written."""
    _, account = await _parties(session, ctx, body.lead_id, body.account_id)
    content = await _content(session, ctx, body, account, date.today())
    return QuotePreviewOut.model_validate({
        **{k: _cents(content[k]) for k in QuotePreviewOut.model_fields
           if k not in ("lines", "amount_in_words")},
        "lines": content["lines"], "amount_in_words": bahttext(content["grand_total"])})


def _cents(value: Decimal | None) -> Decimal | None:
    """As a stored quote reads back (numeric(_, 2)): 7 → 7.00."""
    return None if value is None else Decimal(value).quantize(Decimal("0.01"))


async def _check_deal(session: AsyncSession, ctx: RequestContext, deal_id: uuid.UUID,
                      lead: LeadCopy | None, account_id: uuid.UUID | None) -> None:
    """The deal must be one the caller sees (404) and of the party quoted (409): the
    account quoted, or the lead (the deal it became, or its account's)."""
    deal = await parties.deal(session, ctx.tenant, deal_id, ctx.lead_scope)
    if deal is None:
        raise NotFound.on("body.deal_id", "no such deal", code="unknown_deal")
    accounts = {account_id} if lead is None else {lead.account_id}
    if deal.account_id not in accounts and (lead is None or deal.lead_id != lead.id):
        raise Conflict.on("body.deal_id", "the deal is with another customer than the one "
                                          "quoted", code="deal_of_other_party")


async def create(session: AsyncSession, ctx: RequestContext, body: QuoteIn) -> QuoteOut:
    lead, account = await _parties(session, ctx, body.lead_id, body.account_id)
    if not _writable(ctx, lead, account if lead is None else None):
        raise Forbidden("you see this lead read-only (you sent it on); its owner may quote it")
    if body.deal_id is not None:
        await _check_deal(session, ctx, body.deal_id, lead, body.account_id)
    content = await _content(session, ctx, body, account, date.today())
    quote = await repository.insert(session, ctx.tenant, {
        "id": uuid.uuid4(), "revision": 0, "lead_id": body.lead_id,
        "account_id": body.account_id, "contact_id": body.contact_id, "status": "draft",
        "deal_id": body.deal_id,
        "created_by": ctx.user_id, "version": 1, **content})
    return out(quote)


async def visible(session: AsyncSession, ctx: RequestContext, qid: uuid.UUID, *,
                   write: bool = False) -> tuple[Quote, LeadCopy | None, AccountCopy | None]:
    found = await repository.get(session, ctx, qid, lock=write)
    if found is None:
        raise NotFound("no such quote")
    if write and not _writable(ctx, found[1], found[2] if found[1] is None else None):
        raise Forbidden("you see this quote read-only; its lead's owner may change it")
    return found


async def get(session: AsyncSession, ctx: RequestContext, qid: uuid.UUID) -> QuoteOut:
    return out((await visible(session, ctx, qid))[0])


def _must_be(q: Quote, *statuses: str) -> None:
    current = status_of(q)
    if current not in statuses:
        raise Conflict(f"the quote is {current}; this needs it {' or '.join(statuses)}",
                       code="quote_status")


async def patch(session: AsyncSession, ctx: RequestContext, qid: uuid.UUID,
                body: QuotePatch) -> QuoteOut:
    """Drafts only (409 `quote_status`); a sent quote changes by a revision."""
    quote, _, account = await visible(session, ctx, qid, write=True)
    _must_be(quote, "draft")
    content = await _content(session, ctx, body, account, date.today())
    return out(await repository.update(session, ctx.tenant, qid,
                                       {**content, "contact_id": body.contact_id}))


def event_data(q: Quote, by: uuid.UUID) -> dict[str, Any]:
    assert q.number is not None
    return {"id": q.id, "number": q.number, "revision": q.revision,
            "previous_id": q.previous_id, "lead_id": q.lead_id, "account_id": q.account_id,
            "contact_id": q.contact_id, "status": status_of(q), "issue_date": q.issue_date,
            "valid_until": q.valid_until, "subtotal": f"{q.subtotal:.2f}",
            "before_vat": f"{q.before_vat:.2f}", "vat": f"{q.vat:.2f}",
            "grand_total": f"{q.grand_total:.2f}", "wht": f"{q.wht:.2f}",
            "net_payable": f"{q.net_payable:.2f}", "created_by": q.created_by,
            "version": q.version, "by_user_id": by, "deal_id": q.deal_id}


async def _announce(session: AsyncSession, ctx: RequestContext, model: type[QuoteEvent],
                    q: Quote) -> None:
    await events.stage(session, ctx.tenant, model(**event_data(q, ctx.user_id)),
                       subject=str(q.id), version=q.version)


async def issue(session: AsyncSession, ctx: RequestContext, qid: uuid.UUID) -> QuoteOut:
    """A draft gets its number (a revision its predecessor's with -R<n>) and today's date,
    and is `sent`; its predecessor is then superseded."""
    quote, _, _ = await visible(session, ctx, qid, write=True)
    _must_be(quote, "draft")
    if not quote.lines:
        raise Conflict("a quote needs at least one line to be issued", code="quote_empty")
    today = date.today()
    base = quote.base_number or await numbering.next_number(session, ctx.tenant, SERIES, today)
    quote = await repository.update(session, ctx.tenant, qid, {
        "number": numbering.revision_number(base, quote.revision), "base_number": base,
        "issue_date": today, "status": "sent"})
    if quote.previous_id is not None:
        await repository.update(session, ctx.tenant, quote.previous_id,
                                {"superseded_by": quote.id})
    await _announce(session, ctx, QuoteIssuedV1, quote)
    return out(quote)


async def revise(session: AsyncSession, ctx: RequestContext, qid: uuid.UUID) -> QuoteOut:
    """A new draft revision of an issued quote (sent, rejected or expired); the old one is
    kept as it was. Only the newest revision may be revised."""
    quote, _, _ = await visible(session, ctx, qid, write=True)
    _must_be(quote, "sent", "rejected", "expired")
    if quote.superseded_by is not None:
        raise Conflict("a newer revision exists; revise that one", code="quote_superseded")
    copy = {k: getattr(quote, k) for k in (
        "base_number", "lead_id", "account_id", "deal_id", "contact_id", "notes", "lines",
        "bill_discount_percent", "bill_discount_amount", "wht_rate", "subtotal",
        "bill_discount", "before_vat", "vat_rate", "vat", "grand_total", "wht",
        "net_payable", "valid_until")}
    made = await repository.insert(session, ctx.tenant, {
        **copy, "id": uuid.uuid4(), "revision": quote.revision + 1, "previous_id": quote.id,
        "status": "draft", "created_by": ctx.user_id, "version": 1})
    return out(made)


async def decide(session: AsyncSession, ctx: RequestContext, qid: uuid.UUID, *,
                 accepted: bool) -> QuoteOut:
    """The customer's answer to a sent quote (not expired, not superseded)."""
    quote, _, _ = await visible(session, ctx, qid, write=True)
    _must_be(quote, "sent")
    if quote.superseded_by is not None:
        raise Conflict("a newer revision replaced this quote; answer that one",
                       code="quote_superseded")
    quote = await repository.update(session, ctx.tenant, qid,
                                    {"status": "accepted" if accepted else "rejected"})
    await _announce(session, ctx, QuoteAcceptedV1 if accepted else QuoteRejectedV1, quote)
    return out(quote)


async def list_page(session: AsyncSession, ctx: RequestContext, *, lead_id: uuid.UUID | None,
                    account_id: uuid.UUID | None, status: str | None, limit: int,
                    cursor: str | None, deal_id: uuid.UUID | None = None) -> QuotePage:
    after: tuple[datetime, uuid.UUID] | None = decode_cursor(cursor) if cursor else None
    rows = await repository.page(session, ctx, lead_id=lead_id, account_id=account_id,
                                 status=status, after=after, limit=limit + 1,
                                 deal_id=deal_id)
    more = len(rows) > limit
    rows = rows[:limit]
    return QuotePage(items=[out(q) for q in rows],
                     next_cursor=encode_cursor(rows[-1].created_at, rows[-1].id)
                     if more else None)

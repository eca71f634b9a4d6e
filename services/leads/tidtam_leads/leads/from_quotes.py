"""Quotes (documents service). `quote.accepted`: the lead's potential value becomes the accepted
quote's amount before VAT (VAT is the Revenue Department's, not a sale), with a
`lead.updated` (changed: potential); a quote for a deal (`deal_id`) sets the deal's amount
the same way (deals/service.py). A quote for an account, or a lead this service does not
have, changes nothing; a redelivery is skipped by the consumer's dedupe."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.consumer import Delivery
from tidtam_contracts.documents import QuoteAcceptedV1, QuoteSentV1
from tidtam_contracts.leads import LeadUpdatedV2

from ..conversion import repository as locking
from ..deals import service as deals
from ..followups import repository as history
from . import repository
from .events import stage_lead_event


async def quote_accepted(session: AsyncSession, event: Delivery[QuoteAcceptedV1]) -> None:
    quote = event.data
    await deals.amount_from_quote(session, event.tenant, quote, quote.by_user_id)
    if quote.lead_id is None:
        return
    lead = await locking.lock(session, event.tenant, quote.lead_id)
    value = Decimal(quote.before_vat)
    if lead is None or lead["potential"] == value:
        return
    row = await repository.update(session, event.tenant, quote.lead_id, {"potential": value})
    await stage_lead_event(session, event.tenant, LeadUpdatedV2, row, changed=["potential"],
                           by_user_id=quote.by_user_id)


async def quote_sent(session: AsyncSession, event: Delivery[QuoteSentV1]) -> None:
    """`quote.sent`: the lead's history shows the quote emailed to the customer (by whom,
    to whom, its number and total). A quote for an account, or a lead this service does not
    have, adds nothing."""
    quote = event.data
    if quote.lead_id is None or await locking.lock(session, event.tenant, quote.lead_id) \
            is None:
        return
    await history.append(session, event.tenant, quote.lead_id, "quote_sent",
                         quote.by_user_id, channel="email", detail={
                             "quote_id": str(quote.id), "number": quote.number,
                             "to": quote.to, "cc": quote.cc,
                             "grand_total": quote.grand_total})

"""The account timeline: what happened to the account's leads (created, stage changes,
lost, junked, restored, sent, transferred, converted) and their follow-ups, built from the
leads service's events, and the quotes emailed to the customer (documents' quote.sent).

Every lead event carries the lead's `account_id`, so `lead_links` follows each lead, and an
entry goes under the account the lead had at that event (following merges to the survivor).
Events of a lead without an account are kept with no account and adopted when the lead is
linked (a conversion shows the lead's story so far). Idempotent by event id.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.consumer import Delivery
from crmkit.context import RequestContext, TenantId
from crmkit.paging import decode_cursor, next_cursor
from tidtam_contracts import EventData
from tidtam_contracts.accounts import AccountMergedV1
from tidtam_contracts.documents import QuoteSentV1
from tidtam_contracts.leads import (
    LeadConvertedV2,
    LeadCreatedV2,
    LeadEvent,
    LeadFollowupLoggedV2,
    LeadJunkedV2,
    LeadLostV2,
    LeadRestoredV2,
    LeadSentV2,
    LeadStageChangedV2,
    LeadTransferredV2,
    LeadUpdatedV2,
)

from ..accounts import service as accounts
from . import repository
from .schemas import EntryOut, TimelinePage

# Lead event contract -> timeline kind; lead.updated only moves the link (no entry).
KINDS: dict[type[EventData], str | None] = {
    LeadCreatedV2: "lead_created", LeadStageChangedV2: "lead_stage_changed",
    LeadLostV2: "lead_lost", LeadJunkedV2: "lead_junked", LeadRestoredV2: "lead_restored",
    LeadSentV2: "lead_sent", LeadTransferredV2: "lead_transferred",
    LeadFollowupLoggedV2: "followup", LeadConvertedV2: "lead_converted",
    LeadUpdatedV2: None,
}
LEAD_EVENTS = list(KINDS)
_SUMMARY = ("name", "company", "box", "reason", "owner_id", "pipeline_id", "stage_id",
            "potential", "contact_id", "from_stage_id", "to_stage_id", "from_user_id",
            "to_user_id", "from_box", "followup", "changed")
# Entries written from v1 lead events, before the box had one name.
_OLD_NAMES = {"status": "box", "from_status": "from_box"}


async def apply_lead_event(session: AsyncSession, event: Delivery[LeadEvent]) -> None:
    tenant, lead = event.tenant, event.data
    account_id = lead.account_id
    if account_id is not None:
        account_id = await repository.survivor(session, tenant, account_id)
    link = await repository.link(session, tenant, lead_id=lead.id, account_id=account_id,
                                 contact_id=lead.contact_id, sequence=event.sequence)
    if link.account_id is not None:
        await repository.adopt(session, tenant, lead_id=lead.id, account_id=link.account_id)
    kind = KINDS.get(type(lead))
    if kind is None:
        return
    # An older event than the link's keeps the account it had then, if it had one.
    owner = account_id if account_id is not None or link.sequence <= event.sequence \
        else link.account_id
    data = lead.model_dump(mode="json", include=set(_SUMMARY))
    await repository.append(
        session, tenant, event_id=uuid.UUID(event.id), account_id=owner, lead_id=lead.id,
        kind=kind, at=datetime.fromisoformat(event.time),
        summary={k: data[k] for k in _SUMMARY if data.get(k) is not None})


async def apply_quote_sent(session: AsyncSession, event: Delivery[QuoteSentV1]) -> None:
    """`quote.sent` (documents): a quote emailed to the customer, under the quote's account,
    or its lead's (kept without one, and adopted, like the lead's own entries)."""
    tenant, quote = event.tenant, event.data
    account_id = quote.account_id
    if account_id is None and quote.lead_id is not None:
        account_id = await repository.account_of_lead(session, tenant, quote.lead_id)
    if account_id is not None:
        account_id = await repository.survivor(session, tenant, account_id)
    await repository.append(
        session, tenant, event_id=uuid.UUID(event.id), account_id=account_id,
        lead_id=quote.lead_id, kind="quote_sent", at=datetime.fromisoformat(event.time),
        summary={"quote_id": str(quote.id), "number": quote.number, "to": quote.to,
                 "cc": quote.cc, "grand_total": quote.grand_total,
                 "by_user_id": str(quote.by_user_id)})


async def apply_merged(session: AsyncSession, tenant: TenantId, merged: AccountMergedV1) -> None:
    """`account.merged` (our own): the merged-away account's leads and entries move to the
    survivor."""
    await repository.move_account(session, tenant, from_id=merged.from_id, to_id=merged.id)


def _entry(row: Any) -> dict[str, Any]:
    entry = dict(row)
    summary = entry.get("summary") or {}
    # Deals have a `status` of their own (open / won / lost).
    if not entry["kind"].startswith("deal_") and any(k in summary for k in _OLD_NAMES):
        entry["summary"] = {_OLD_NAMES.get(k, k): v for k, v in summary.items()}
    return entry


async def page(session: AsyncSession, ctx: RequestContext, account_id: uuid.UUID, *,
               limit: int, cursor: str | None) -> TimelinePage:
    """404 unless the caller may see the account."""
    after = decode_cursor(cursor) if cursor else None
    await accounts.load(session, ctx, account_id)
    rows = await repository.page(session, ctx.tenant, account_id, limit=limit + 1,
                                 after=after)
    rows, cursor = next_cursor(rows, limit)
    return TimelinePage(items=[EntryOut.model_validate(_entry(r)) for r in rows],
                        next_cursor=cursor)

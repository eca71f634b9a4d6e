"""The account timeline: what happened to the account's leads (created, stage changes,
lost, junked, restored, sent, transferred, converted) and their follow-ups, built from the
leads service's events. Later, activities and documents add their own kinds the same way.

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

from crmkit.context import RequestContext, TenantId
from crmkit.events import CloudEvent
from crmkit.paging import decode_cursor, next_cursor

from ..accounts import service as accounts
from . import repository
from .schemas import EntryOut, TimelinePage

# Lead event type -> timeline kind; lead.updated only moves the link (no entry).
KINDS = {
    "lead.created": "lead_created", "lead.stage_changed": "lead_stage_changed",
    "lead.lost": "lead_lost", "lead.junked": "lead_junked", "lead.restored": "lead_restored",
    "lead.sent": "lead_sent", "lead.transferred": "lead_transferred",
    "lead.followup_logged": "followup", "lead.converted": "lead_converted",
    "lead.updated": None,
}
LEAD_EVENTS = list(KINDS)
_SUMMARY = ("name", "company", "status", "reason", "owner_id", "pipeline_id", "stage_id",
            "potential", "contact_id", "from_stage_id", "to_stage_id", "from_user_id",
            "to_user_id", "from_status", "followup", "changed")


def _uuid(value: Any) -> uuid.UUID | None:
    return uuid.UUID(str(value)) if value else None


async def apply_lead_event(session: AsyncSession, tenant: TenantId, event: CloudEvent) -> None:
    data = event.data
    lead_id = uuid.UUID(str(data["id"]))
    account_id = _uuid(data.get("account_id"))
    if account_id is not None:
        account_id = await repository.survivor(session, tenant, account_id)
    link = await repository.link(session, tenant, lead_id=lead_id, account_id=account_id,
                                 contact_id=_uuid(data.get("contact_id")),
                                 sequence=event.sequence)
    if link.account_id is not None:
        await repository.adopt(session, tenant, lead_id=lead_id, account_id=link.account_id)
    kind = KINDS.get(event.type)
    if kind is None:
        return
    # An older event than the link's keeps the account it had then, if it had one.
    owner = account_id if account_id is not None or link.sequence <= event.sequence \
        else link.account_id
    await repository.append(
        session, tenant, event_id=uuid.UUID(event.id), account_id=owner, lead_id=lead_id,
        kind=kind, at=datetime.fromisoformat(event.time),
        summary={k: data[k] for k in _SUMMARY if data.get(k) is not None})


async def apply_merged(session: AsyncSession, tenant: TenantId, data: dict[str, Any]) -> None:
    """`account.merged` (our own): the merged-away account's leads and entries move to the
    survivor."""
    await repository.move_account(session, tenant, from_id=uuid.UUID(str(data["from_id"])),
                                  to_id=uuid.UUID(str(data["id"])))


async def page(session: AsyncSession, ctx: RequestContext, account_id: uuid.UUID, *,
               limit: int, cursor: str | None) -> TimelinePage:
    """404 unless the caller may see the account."""
    after = decode_cursor(cursor) if cursor else None
    await accounts.load(session, ctx, account_id)
    rows = await repository.page(session, ctx.tenant, account_id, limit=limit + 1,
                                 after=after)
    rows, cursor = next_cursor(rows, limit)
    return TimelinePage(items=[EntryOut.model_validate(r) for r in rows], next_cursor=cursor)

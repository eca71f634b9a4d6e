"""The leads service's deals on the account timeline (issue 16): one entry per `deal.*`
event, under the deal's account (following merges to the survivor), saying what the deal
is now and what changed (stage, status, amount, owner, expected close date, probability, …:
field → [before, after], as the deal's own history keeps it). A `deal.updated` that changed
none of those (only the product lines of a deal with a typed amount) adds no entry.
Idempotent by event id."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.consumer import Delivery, Handler, on_each
from tidtam_contracts.deals import CURRENT, DealEvent, DealUpdatedV1

from . import repository

_DEAL = ("id", "name", "status", "amount", "amount_source", "stage_id", "pipeline_id",
         "owner_id", "contact_id", "expected_close", "probability", "weighted_amount",
         "lost_reason", "closed_on", "lead_id", "by_user_id")
# The changes the timeline shows (the lines themselves stay on the deal's page).
SHOWN = ("stage_id", "pipeline_id", "status", "amount", "amount_source", "owner_id",
         "expected_close", "probability", "name", "contact_id", "lost_reason", "closed_on")


def kind_of(event: DealEvent) -> str:
    return event.TYPE.replace(".", "_")  # deal.stage_changed -> deal_stage_changed


async def deal_event(session: AsyncSession, event: Delivery[DealEvent]) -> None:
    deal = event.data
    changes = {k: v for k, v in deal.changes.items() if k in SHOWN}
    if isinstance(deal, DealUpdatedV1) and not changes:
        return
    summary: dict[str, Any] = {k: v for k, v in deal.model_dump(
        mode="json", include=set(_DEAL)).items() if v is not None}
    summary["deal_id"] = summary.pop("id")
    summary["changes"] = changes
    await repository.append(
        session, event.tenant, event_id=uuid.UUID(event.id),
        account_id=await repository.survivor(session, event.tenant, deal.account_id),
        lead_id=deal.lead_id, kind=kind_of(deal), at=datetime.fromisoformat(event.time),
        summary=summary)


HANDLERS: list[Handler[Any]] = on_each(CURRENT, deal_event)

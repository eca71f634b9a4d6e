"""The activities service's events on the account timeline: an activity planned on the
account (or on one of its leads), done with its result or cancelled, and a check-in at the
account (or at an activity of one of its leads). An entry goes under the account given,
following merges to the survivor, else under the lead's account (`lead_links`), else it
waits with the lead for one (adopted like the lead's other entries). Idempotent by event
id."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.consumer import Delivery, Handler, on, on_each
from crmkit.context import TenantId
from tidtam_contracts.activities import (
    HISTORY_KINDS,
    ActivityEventV1,
    CheckinRecordedV1,
)

from . import repository

_ACTIVITY = ("id", "kind", "subject", "status", "owner_id", "contact_id", "starts_at",
             "ends_at", "due_at", "all_day", "result", "created_by")
_CHECKIN = ("id", "user_id", "activity_id", "place_name", "distance_m", "taken_at", "note")


async def _append(session: AsyncSession, event: Delivery[Any], *, kind: str,
                  account_id: uuid.UUID | None, lead_id: uuid.UUID | None,
                  summary: dict[str, Any]) -> None:
    tenant: TenantId = event.tenant
    if account_id is not None:
        account_id = await repository.survivor(session, tenant, account_id)
    elif lead_id is not None:
        account_id = await repository.account_of_lead(session, tenant, lead_id)
    else:
        return  # on no account and no lead: not the timeline's
    await repository.append(
        session, tenant, event_id=uuid.UUID(event.id), account_id=account_id, lead_id=lead_id,
        kind=kind, at=datetime.fromisoformat(event.time),
        summary={k: v for k, v in summary.items() if v is not None})


async def activity_event(session: AsyncSession, event: Delivery[ActivityEventV1]) -> None:
    activity = event.data
    await _append(session, event, kind=HISTORY_KINDS[type(activity)],
                  account_id=activity.account_id, lead_id=activity.lead_id,
                  summary=activity.model_dump(mode="json", include=set(_ACTIVITY)))


async def checkin_recorded(session: AsyncSession, event: Delivery[CheckinRecordedV1]) -> None:
    checkin = event.data
    await _append(session, event, kind="checkin", account_id=checkin.account_id,
                  lead_id=checkin.lead_id,
                  summary=checkin.model_dump(mode="json", include=set(_CHECKIN)))


HANDLERS: list[Handler[Any]] = [*on_each(list(HISTORY_KINDS), activity_event),
                                on(CheckinRecordedV1, checkin_recorded)]

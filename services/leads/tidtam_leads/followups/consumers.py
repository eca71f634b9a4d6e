"""The activities service's events in the lead's history: an activity planned on the lead,
done (with its result) or cancelled, and a check-in at one of its activities. Shown by
GET /leads/{id}/history with the lead's own visibility; the kit's Consumer skips a
redelivered event, so each is one entry. An event of a lead this service does not have
(another tenant's, or none) adds nothing."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.consumer import Delivery, Handler, on, on_each
from tidtam_contracts.activities import (
    HISTORY_KINDS,
    ActivityCompletedV1,
    ActivityCreatedV1,
    ActivityEventV1,
    CheckinRecordedV1,
)

from . import repository

_ACTIVITY = ("kind", "subject", "status", "owner_id", "account_id", "contact_id", "starts_at",
             "ends_at", "due_at", "all_day", "result")
_CHECKIN = ("account_id", "activity_id", "place_name", "distance_m", "taken_at")


async def activity_event(session: AsyncSession, event: Delivery[ActivityEventV1]) -> None:
    activity = event.data
    if activity.lead_id is None or \
            not await repository.lead_exists(session, event.tenant, activity.lead_id):
        return
    data = activity.model_dump(mode="json", include=set(_ACTIVITY))
    await repository.append(
        session, event.tenant, activity.lead_id, HISTORY_KINDS[type(activity)],
        activity.created_by if isinstance(activity, ActivityCreatedV1) else activity.owner_id,
        note=activity.result if isinstance(activity, ActivityCompletedV1) else activity.note,
        detail={"activity_id": str(activity.id),
                **{k: v for k, v in data.items() if v is not None}})


async def checkin_recorded(session: AsyncSession, event: Delivery[CheckinRecordedV1]) -> None:
    checkin = event.data
    if checkin.lead_id is None or \
            not await repository.lead_exists(session, event.tenant, checkin.lead_id):
        return
    data = checkin.model_dump(mode="json", include=set(_CHECKIN))
    await repository.append(session, event.tenant, checkin.lead_id, "checkin", checkin.user_id,
                            note=checkin.note,
                            detail={"checkin_id": str(checkin.id),
                                    **{k: v for k, v in data.items() if v is not None}})


HANDLERS: list[Handler[Any]] = [*on_each(list(HISTORY_KINDS), activity_event),
                                on(CheckinRecordedV1, checkin_recorded)]

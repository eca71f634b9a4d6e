"""Events published by the activities service.

`activity.*` carry the activity after the change (`Activity`, which the activities API's
`ActivityOut` extends); `activity.updated` adds `changed`, `activity.reminder_due` the
reminder. `checkin.recorded` carries the check-in (`Checkin`, extended by `CheckinOut`);
`agenda.daily` a user's day.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import ClassVar, Literal

from pydantic import BaseModel, Field

from .base import EventData

ActivityKind = Literal["task", "meeting", "call", "email"]
ActivityStatus = Literal["planned", "done", "cancelled"]


class Place(BaseModel):
    """Where an activity happens: a text, and where known its position."""

    text: str | None = None
    lat: float | None = None
    lon: float | None = None


class Activity(BaseModel):
    """An activity as every activity event and the activities API show it."""

    id: uuid.UUID
    kind: ActivityKind
    subject: str
    note: str | None
    lead_id: uuid.UUID | None
    account_id: uuid.UUID | None
    contact_id: uuid.UUID | None
    owner_id: uuid.UUID = Field(description="The assignee")
    starts_at: datetime | None = Field(description="Meetings: when it starts")
    ends_at: datetime | None = Field(description="Meetings: when it ends")
    due_at: datetime | None = Field(description="Tasks and calls: when it is due")
    all_day: bool
    place: Place | None
    reminders: list[int] = Field(description="Minutes before the start (or due time)")
    status: ActivityStatus
    result: str | None = Field(description="What came of it (when done)")
    created_by: uuid.UUID
    version: int = Field(description="Grows by one with every change; the events' `sequence`")
    created_at: datetime
    updated_at: datetime


class ActivityEventV1(Activity, EventData):
    VERSION: ClassVar[str] = "1"


class ActivityCreatedV1(ActivityEventV1):
    TYPE: ClassVar[str] = "activity.created"


class ActivityUpdatedV1(ActivityEventV1):
    TYPE: ClassVar[str] = "activity.updated"

    changed: list[str]


class ActivityCompletedV1(ActivityEventV1):
    TYPE: ClassVar[str] = "activity.completed"


class ActivityCancelledV1(ActivityEventV1):
    TYPE: ClassVar[str] = "activity.cancelled"


# What a lead's history and an account's timeline call each activity event (one name in both).
HISTORY_KINDS: dict[type[ActivityEventV1], str] = {
    ActivityCreatedV1: "activity_created", ActivityCompletedV1: "activity_completed",
    ActivityCancelledV1: "activity_cancelled"}


class ActivityReminderDueV1(ActivityEventV1):
    """A reminder of a planned activity fell due: once per reminder (the schedule is
    durable; the worker marks it fired in the transaction that stages this event)."""

    TYPE: ClassVar[str] = "activity.reminder_due"

    minutes: int = Field(description="The reminder: this many minutes before the activity")
    fire_at: datetime = Field(description="When it was due")
    late: bool = Field(description="Fired well after `fire_at` (the service was down)")


class AgendaItem(BaseModel):
    type: Literal["activity", "next_contact"] = Field(
        description="An activity, or a lead's planned next contact (a call)")
    title: str
    starts_at: datetime | None
    ends_at: datetime | None
    all_day: bool
    activity_id: uuid.UUID | None = None
    kind: ActivityKind | None = None
    lead_id: uuid.UUID | None = None
    account_id: uuid.UUID | None = None


class AgendaDailyV1(EventData):
    """A user's day, at the tenant's agenda time (local): their planned activities and
    their leads' planned contacts. Once per user and day; none for a user with nothing."""

    TYPE: ClassVar[str] = "agenda.daily"
    VERSION: ClassVar[str] = "1"

    user_id: uuid.UUID
    day: date = Field(description="The day, in the tenant's time zone")
    time_zone: str
    items: list[AgendaItem]


class Checkin(BaseModel):
    """A check-in as the event and the API show it: where the user was (`lat`, `lon`,
    `accuracy_m`, `taken_at`), the place and how far from it, the server's time."""

    id: uuid.UUID
    user_id: uuid.UUID
    account_id: uuid.UUID | None
    activity_id: uuid.UUID | None
    place_name: str | None
    place_lat: float
    place_lon: float
    lat: float
    lon: float
    accuracy_m: float
    taken_at: datetime
    distance_m: float = Field(description="Metres between the position and the place")
    note: str | None
    created_at: datetime = Field(description="The server's time of the check-in")


class CheckinRecordedV1(Checkin, EventData):
    TYPE: ClassVar[str] = "checkin.recorded"
    VERSION: ClassVar[str] = "1"

    lead_id: uuid.UUID | None = Field(None, description=(
        "The lead of its activity, if any (the lead's history shows the check-in)"))


class ProjectionBackfillRequestedV1(EventData):
    """A service asks the owner of an aggregate to publish every record of the tenant as
    it stands (e.g. `contact.restated`): its projection began after some were made."""

    TYPE: ClassVar[str] = "projection.backfill_requested"
    VERSION: ClassVar[str] = "1"

    aggregate: Literal["contact", "account"] = Field(description=(
        "What to publish again: `contact` (as `contact.restated`) or `account` (as "
        "`account.restated`)"))
    requested_by: str = Field(description="The service that asks, e.g. `activities`")


CURRENT: list[type[EventData]] = [
    ActivityCreatedV1, ActivityUpdatedV1, ActivityCompletedV1, ActivityCancelledV1,
    ActivityReminderDueV1, AgendaDailyV1, CheckinRecordedV1, ProjectionBackfillRequestedV1,
]
EVENTS: list[type[EventData]] = list(CURRENT)

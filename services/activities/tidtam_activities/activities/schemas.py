from __future__ import annotations

import uuid
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from crmkit.fields import Instant, JsonBool, JsonFloat, JsonIntRange, Omittable
from crmkit.text import Text
from tidtam_contracts.activities import Activity, ActivityKind

MAX_REMINDERS = 10
# Minutes before: up to four weeks.
ReminderMinutes = Annotated[int, JsonIntRange(ge=0, le=40320)]
Subject = Annotated[str, Text(200)]
Note = Annotated[str, Text(5000)]
Moment = Annotated[Instant, Field(description="With a time zone, e.g. +07:00")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PlaceIn(_Strict):
    """Where: a text and/or a position (`lat` and `lon` together)."""

    text: Annotated[str, Text(300)] | None = None
    lat: JsonFloat | None = Field(None, ge=-90, le=90)
    lon: JsonFloat | None = Field(None, ge=-180, le=180)


class ActivityCreate(_Strict):
    """A meeting needs `starts_at` before `ends_at`; a task or call needs `due_at`; an email
    (logged or planned) may have either or neither."""

    kind: ActivityKind
    subject: Subject
    note: Note | None = None
    lead_id: uuid.UUID | None = Field(None, description="A lead the caller can see (else 404)")
    account_id: uuid.UUID | None = Field(None, description="An account the caller can see "
                                                           "(else 404)")
    contact_id: uuid.UUID | None = Field(None, description="A contact of `account_id`")
    owner_id: uuid.UUID | None = Field(None, description=(
        "The assignee: defaults to the caller; an active user the caller may assign to "
        "(themselves; a manager their team; an admin anyone), else 404"))
    starts_at: Moment | None = None
    ends_at: Moment | None = None
    due_at: Moment | None = None
    all_day: JsonBool = False
    place: PlaceIn | None = None
    reminders: list[ReminderMinutes] = Field(default_factory=list, max_length=MAX_REMINDERS,
                                             description="Minutes before it starts or is due")


class ActivityPatch(_Strict):
    """Only the fields sent change (the rules of a create apply to the result); `kind`,
    `subject`, `owner_id`, `all_day` and `reminders` may not be null. The status changes
    with /complete and /cancel."""

    kind: Omittable[ActivityKind] = None
    subject: Omittable[Subject] = None
    note: Note | None = None
    lead_id: uuid.UUID | None = None
    account_id: uuid.UUID | None = None
    contact_id: uuid.UUID | None = None
    owner_id: Omittable[uuid.UUID] = None
    starts_at: Moment | None = None
    ends_at: Moment | None = None
    due_at: Moment | None = None
    all_day: Omittable[JsonBool] = None
    place: PlaceIn | None = None
    reminders: Omittable[list[ReminderMinutes]] = Field(None, max_length=MAX_REMINDERS)


class CompleteIn(_Strict):
    result: Note = Field(description="What came of it")


class ActivityOut(Activity):
    """The activity: its fields are the activity events' too (tidtam_contracts.activities)."""

    overdue: bool = Field(description="Planned, and its due (or end) time has passed")


class ActivityPage(BaseModel):
    items: list[ActivityOut]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page")


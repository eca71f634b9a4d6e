from __future__ import annotations

import datetime as dt
import uuid
from typing import Literal

from pydantic import BaseModel, Field

from tidtam_contracts.activities import ActivityKind, ActivityStatus

ItemType = Literal["activity", "next_contact", "anniversary"]


class AnniversaryOut(BaseModel):
    kind: Literal["birthday", "founding", "other"]
    date: dt.date = Field(description="The original date (a birth or founding)")
    years: int = Field(description="How many years on this day")
    note: str | None


class ActivityBrief(BaseModel):
    """The activity behind an item (GET /api/v1/activities/{id} has all of it)."""

    id: uuid.UUID
    kind: ActivityKind
    status: ActivityStatus
    overdue: bool
    version: int


class CalendarItem(BaseModel):
    """One item on a day: an activity, a lead's planned next contact (a call), or an
    account's or contact's yearly date."""

    type: ItemType
    uid: str = Field(description="Stable across updates (the ICS feed's UID)")
    day: dt.date = Field(description="The day in the tenant's time zone")
    starts_at: dt.datetime | None = Field(description="None for all-day items")
    ends_at: dt.datetime | None
    all_day: bool
    title: str
    owner_id: uuid.UUID | None
    lead_id: uuid.UUID | None = None
    account_id: uuid.UUID | None = None
    contact_id: uuid.UUID | None = None
    activity: ActivityBrief | None = None
    anniversary: AnniversaryOut | None = None


class TypeCounts(BaseModel):
    activity: int
    next_contact: int
    anniversary: int


class CalendarDay(BaseModel):
    """A day with items (the month mode, `per_day`)."""

    day: dt.date
    total: int = Field(description="All the day's items")
    counts: TypeCounts = Field(description="The day's items by type")
    more: int = Field(description="The day's items not in `items` (total − per_day, ≥ 0)")


class CalendarOut(BaseModel):
    user_id: uuid.UUID
    time_zone: str = Field(description="The tenant's time zone the days are in")
    start: dt.date = Field(alias="from")
    end: dt.date = Field(alias="to")
    per_day: int | None = Field(None, description="As asked (the month mode), else absent")
    items: list[CalendarItem] = Field(description=(
        "By day, then time (all-day first); with `per_day`, only each day's first `per_day`"))
    days: list[CalendarDay] | None = Field(None, description=(
        "With `per_day` only: each day that has items, by day, with its counts"))

    model_config = {"populate_by_name": True}


class FeedOut(BaseModel):
    url: str = Field(description="The secret address to subscribe to (shown once)")

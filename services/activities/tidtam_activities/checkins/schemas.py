from __future__ import annotations

import uuid
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from crmkit.fields import Instant, JsonFloat
from crmkit.text import Text
from tidtam_contracts.activities import Checkin


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Position(_Strict):
    """Where the phone says the user is, and when it took the fix."""

    lat: JsonFloat = Field(ge=-90, le=90)
    lon: JsonFloat = Field(ge=-180, le=180)
    accuracy_m: JsonFloat = Field(ge=0, description="Radius of uncertainty in metres; worse "
                                                    "than 1,000 m is refused")
    taken_at: Instant = Field(description="When the fix was taken (with a time zone); "
                                                "more than 2 minutes ago, or in the future, "
                                                "is refused")


class AccountPlace(_Strict):
    account_id: uuid.UUID = Field(description="An account the caller can see, with a location")


class PointPlace(_Strict):
    lat: JsonFloat = Field(ge=-90, le=90)
    lon: JsonFloat = Field(ge=-180, le=180)
    name: Annotated[str, Text(200)] | None = None


class CheckinIn(_Strict):
    position: Position
    place: AccountPlace | PointPlace
    activity_id: uuid.UUID | None = Field(None, description="An activity the caller can see")
    note: Annotated[str, Text(2000)] | None = None


class CheckinOut(Checkin):
    """The check-in: its fields are the `checkin.recorded` event's too."""


class CheckinPage(BaseModel):
    items: list[CheckinOut]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page")

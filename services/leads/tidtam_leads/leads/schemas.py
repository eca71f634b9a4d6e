from __future__ import annotations

import math
import re
import uuid
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema
from pydantic_core import PydanticCustomError

from crmkit.custom import CustomValuesIn, CustomValuesOut, CustomValuesPatch
from crmkit.fields import Email

from ..catalog.schemas import SourceKey
from ..text import Phone, text

Box = Literal["inbox", "sent", "lost", "junk"]

MAX_POTENTIAL = Decimal("999999999999.99")  # numeric(14, 2)
_MONEY_TEXT = r"^[0-9]{1,12}(\.[0-9]{1,2})?$"


def _money(value: object) -> object:
    """THB to the satang. A JSON number is rounded to 2 places (a binary float cannot hold
    0.1 exactly); a string must be exact. Both must fit numeric(14, 2)."""
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise PydanticCustomError("money", "must be a number of baht, e.g. 15000 or 15000.50")
    if isinstance(value, str):
        if not re.fullmatch(_MONEY_TEXT, value):
            raise PydanticCustomError("money", "write the amount like 15000 or 15000.50: at "
                                      "most 12 digits before the point and 2 after")
        return Decimal(value)
    if isinstance(value, float) and not math.isfinite(value):
        raise PydanticCustomError("money", "must be a finite number")
    if value < 0:
        raise PydanticCustomError("money", "must not be negative")
    if value > MAX_POTENTIAL:
        raise PydanticCustomError("money", f"is too large: at most {MAX_POTENTIAL}")
    return Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


Potential = Annotated[
    Decimal,
    BeforeValidator(_money),
    WithJsonSchema({
        "anyOf": [
            {"type": "number", "minimum": 0, "maximum": float(MAX_POTENTIAL)},
            {"type": "string", "pattern": _MONEY_TEXT},
        ],
        "description": "Expected value in THB: a number (rounded to 2 decimal places) or a "
                       "string with at most 2",
    }),
]


class LeadCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: text(200)
    phone: Phone = Field(description="Thai local forms, Thai digits, +66… or 66…; "
                                     "stored as E.164")
    email: Email
    source: SourceKey = Field(description="One of the tenant's lead sources (`key`, "
                                          "GET /api/v1/lead-sources); another is 404")
    company: text(200) | None = None
    note: text(5000) | None = None
    owner_id: uuid.UUID | None = Field(None, description="Defaults to the caller; must be an "
                                                         "active user (else 404)")
    pipeline_id: uuid.UUID | None = None
    stage_id: uuid.UUID | None = None
    label_ids: list[uuid.UUID] = Field(default_factory=list, max_length=20)
    potential: Potential | None = None
    custom: CustomValuesIn = Field(default_factory=dict)


class LeadPatch(BaseModel):
    """Only the fields sent change. `name`, `phone`, `email`, `source` and `owner_id` may
    not be null (the types exclude it: leave the field out to keep it); the others may, to
    clear them."""

    model_config = ConfigDict(extra="forbid")

    name: text(200) = None  # type: ignore[assignment]
    phone: Phone = None  # type: ignore[assignment]
    email: Email = None  # type: ignore[assignment]
    company: text(200) | None = None
    note: text(5000) | None = None
    source: SourceKey = None  # type: ignore[assignment]
    potential: Potential | None = None
    owner_id: uuid.UUID = None  # type: ignore[assignment]
    custom: CustomValuesPatch = None  # type: ignore[assignment]


class LeadOut(BaseModel):
    id: uuid.UUID
    name: str
    phone: str
    phone_ext: str | None
    email: str
    company: str | None
    note: str | None
    source: str
    owner_id: uuid.UUID
    status: Literal["inbox", "lost", "junk"]
    reason: str | None = Field(description="Why it was lost or junked")
    sent_by: list[uuid.UUID]
    pipeline_id: uuid.UUID
    stage_id: uuid.UUID
    potential: Decimal | None
    custom: CustomValuesOut
    label_ids: list[uuid.UUID] = Field(description="System labels and the caller's own")
    version: int
    created_at: datetime
    updated_at: datetime
    read_only: bool = Field(description="Visible to the caller only because they sent it on")


class DuplicateHint(BaseModel):
    id: uuid.UUID
    name: str
    match: Literal["phone", "email"]


class LeadCreated(LeadOut):
    possible_duplicates: list[DuplicateHint]


class LeadPage(BaseModel):
    items: list[LeadOut]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page")

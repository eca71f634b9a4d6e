from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from crmkit.custom import CustomValuesIn, CustomValuesOut, CustomValuesPatch
from crmkit.fields import Email
from crmkit.money import baht
from crmkit.text import Phone, text

from ..catalog.schemas import SourceKey

Box = Literal["inbox", "sent", "lost", "junk"]

Potential = baht("Expected value in THB")


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

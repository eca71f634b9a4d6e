from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, EmailStr, Field

from ..text import Phone, nfc, text

Email = Annotated[EmailStr, BeforeValidator(nfc)]
Potential = Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=2,
                                     description="Expected value in THB")]
Box = Literal["inbox", "sent", "lost", "junk"]


class LeadCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: text(200)
    phone: Phone = Field(description="Thai local forms, Thai digits, +66… or 66…; "
                                     "stored as E.164")
    email: Email
    source: text(40) = Field(description="One of the tenant's lead sources (`key`)")
    company: text(200) | None = None
    note: text(5000) | None = None
    owner_id: uuid.UUID | None = Field(None, description="Defaults to the caller")
    pipeline_id: uuid.UUID | None = None
    stage_id: uuid.UUID | None = None
    label_ids: list[uuid.UUID] = Field(default_factory=list, max_length=20)
    potential: Potential | None = None


class LeadPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: text(200) | None = None
    phone: Phone | None = None
    email: Email | None = None
    company: text(200) | None = None
    note: text(5000) | None = None
    source: text(40) | None = None
    potential: Potential | None = None
    owner_id: uuid.UUID | None = None


REQUIRED_ON_PATCH = ("name", "phone", "email", "source", "owner_id")


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

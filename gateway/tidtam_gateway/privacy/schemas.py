from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field, StringConstraints

from crmkit.text import Phone
from tidtam_contracts.privacy import Kept

from ..common import Email, Input

LineId = Annotated[str, StringConstraints(min_length=1, max_length=100,
                                          pattern=r"^[A-Za-z0-9_.-]+$")]


class PrivacyRequestIn(Input):
    kind: Literal["export", "erase"]
    email: Email | None = None
    phone: Phone | None = Field(None, description="Normalised as leads normalise phones")
    line_id: LineId | None = None


class ServiceProgress(BaseModel):
    service: str
    status: Literal["pending", "done"]
    found: dict[str, int] = Field(default_factory=dict)
    kept: list[Kept] = Field(default_factory=list)
    answered_at: datetime | None = None


class PrivacyRequestOut(BaseModel):
    id: uuid.UUID
    kind: Literal["export", "erase"]
    keys: list[Literal["email", "phone", "line_id"]] = Field(
        description="Which keys named the person (kept only as keyed hashes)")
    status: Literal["pending", "done"]
    requested_by: uuid.UUID
    created_at: datetime
    completed_at: datetime | None
    services: list[ServiceProgress]
    archive_url: str | None = Field(description="An export's archive, once every service "
                                                "answered")

"""Events published by the leads service about deals (issue 16): every deal event's `data`
is the deal after the change (`Deal`, which the deals API's `DealOut` is), who made it, and
what changed (`changes`: field → [before, after], as the deal's history keeps it)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, Field

from .base import EventData

DealStatus = Literal["open", "won", "lost"]


class Deal(BaseModel):
    id: uuid.UUID
    name: str
    account_id: uuid.UUID = Field(description="The account in the accounts service")
    contact_id: uuid.UUID | None
    owner_id: uuid.UUID
    pipeline_id: uuid.UUID = Field(description="One of the tenant's pipelines (the leads' own)")
    stage_id: uuid.UUID
    amount: Decimal | None = Field(description="THB, satang exact: typed, or what it was won at")
    expected_close: date | None
    probability: int | None = Field(description="0–100")
    status: DealStatus
    lost_reason: str | None
    closed_on: date | None = Field(description="The day it was won or lost")
    lead_id: uuid.UUID | None = Field(description="The lead it came from, if any")
    version: int = Field(description="Grows by one with every change; the events' `sequence`")
    created_at: datetime
    updated_at: datetime


class DealEvent(Deal, EventData):
    VERSION: ClassVar[str] = "1"
    by_user_id: uuid.UUID | None = Field(None, description="Who made the change")
    changes: dict[str, list[Any]] = Field(default_factory=dict, description=(
        "What changed: field → [before, after]"))


class DealCreatedV1(DealEvent):
    TYPE: ClassVar[str] = "deal.created"


class DealUpdatedV1(DealEvent):
    TYPE: ClassVar[str] = "deal.updated"


class DealStageChangedV1(DealEvent):
    TYPE: ClassVar[str] = "deal.stage_changed"


class DealWonV1(DealEvent):
    TYPE: ClassVar[str] = "deal.won"


class DealLostV1(DealEvent):
    TYPE: ClassVar[str] = "deal.lost"


class DealReopenedV1(DealEvent):
    TYPE: ClassVar[str] = "deal.reopened"


CURRENT: list[type[EventData]] = [DealCreatedV1, DealUpdatedV1, DealStageChangedV1,
                                  DealWonV1, DealLostV1, DealReopenedV1]
EVENTS: list[type[EventData]] = list(CURRENT)

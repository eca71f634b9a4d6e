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
AmountSource = Literal["typed", "lines", "quote"]


class DealLine(BaseModel):
    """A product line of a deal: a catalogue product (documents service) or a name."""

    product_id: uuid.UUID | None = Field(None, description="A product of the documents "
                                                           "service's catalogue, if any")
    name: str
    quantity: Decimal = Field(description="More than 0, at most 3 decimal places")
    price: Decimal = Field(description="THB per unit")
    amount: Decimal = Field(description="quantity × price, to the satang (half up)")


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
    probability: int | None = Field(description=(
        "0–100: typed for the deal (`probability_typed`), else its stage's default"))
    status: DealStatus
    lost_reason: str | None
    closed_on: date | None = Field(description="The day it was won or lost")
    lead_id: uuid.UUID | None = Field(description="The lead it came from, if any")
    version: int = Field(description="Grows by one with every change; the events' `sequence`")
    created_at: datetime
    updated_at: datetime
    # Added with the product lines and stage probabilities (optional: older events lack them).
    lines: list[DealLine] = Field(default_factory=list, description="Product lines")
    amount_source: AmountSource | None = Field(None, description=(
        "`typed` (or what it was won at), `lines` (the sum of the lines), `quote` (an "
        "accepted quote's amount before VAT); null without an amount"))
    probability_typed: bool = Field(False, description=(
        "The deal's own probability; false: its stage's default at the time it entered it"))
    weighted_amount: Decimal | None = Field(None, description=(
        "amount × probability / 100, to the satang; null without either"))


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

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic.config import JsonDict

from crmkit.fields import Day, Omittable
from crmkit.money import BahtAmount, Quantity
from crmkit.text import Text
from tidtam_contracts.deals import Deal

Amount = Annotated[Decimal, BahtAmount("THB, to the satang")]
Probability = Annotated[int, Field(ge=0, le=100, description="0–100 (%)")]
Kind = Literal["created", "updated", "stage_changed", "won", "lost", "reopened"]
MAX_LINES = 50

# A line names a catalogue product or itself (the service checks it: 422 naming the field).
_PRODUCT_OR_NAME: JsonDict = {"anyOf": [{"required": ["product_id"]},
                                        {"required": ["name", "price"]}]}


class DealLineIn(BaseModel):
    """A product of the catalogue (`product_id`: its name and price unless given) or a
    named line (`name` and `price` required)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=_PRODUCT_OR_NAME)

    product_id: uuid.UUID | None = Field(None, description=(
        "A product of the documents service's catalogue (GET /api/v1/products); unknown: 404"))
    name: Annotated[str, Text(200)] | None = Field(None, description=(
        "Required without `product_id`; else the product's name"))
    quantity: Quantity = Decimal(1)
    price: Amount | None = Field(None, description=(
        "THB per unit; required without `product_id`; else the product's unit price"))


Lines = Annotated[list[DealLineIn], Field(max_length=MAX_LINES, description=(
    "Product lines; the deal's amount is their sum unless `amount` is typed"))]


class DealCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, Text(200)]
    account_id: uuid.UUID = Field(description="The account (accounts service) it is with")
    contact_id: uuid.UUID | None = None
    owner_id: uuid.UUID | None = Field(None, description="An active user (else 404); "
                                                         "default: the caller")
    pipeline_id: uuid.UUID | None = Field(None, description=(
        "One of the tenant's pipelines (GET /api/v1/pipelines); default: the standard one"))
    stage_id: uuid.UUID | None = Field(None, description="Default: the pipeline's first")
    amount: Amount | None = Field(None, description=(
        "Typed; left out, the sum of `lines` (if any)"))
    expected_close: Day | None = None
    probability: Probability | None = Field(None, description=(
        "The deal's own; left out, its stage's default (GET /api/v1/pipelines)"))
    lead_id: uuid.UUID | None = Field(None, description="The lead it came from")
    lines: Lines = Field(default_factory=list)


class DealPatch(BaseModel):
    """Only the fields sent change; `name`, `owner_id` and `lines` may not be null, the
    others may (to clear them). `amount: null` makes the amount the sum of the lines again
    (none: no amount); new `lines` change a summed amount, not a typed one.
    `probability: null` goes back to the stage's default. Stage and status change through
    the actions."""

    model_config = ConfigDict(extra="forbid")

    name: Omittable[Annotated[str, Text(200)]] = None
    owner_id: Omittable[uuid.UUID] = None
    contact_id: uuid.UUID | None = None
    amount: Amount | None = None
    expected_close: Day | None = None
    probability: Probability | None = None
    lines: Omittable[Lines] = None


class DealStageIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    stage_id: uuid.UUID = Field(description="A stage of any of the tenant's pipelines")


class DealWonIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    amount: Amount | None = Field(None, description="What it closed at (default: as it is)")
    closed_on: Day | None = Field(None, description="Default: today in the tenant's zone")


class DealOut(Deal):
    read_only: bool = Field(description="The caller may see it but not change it")


class DealPage(BaseModel):
    items: list[DealOut]
    next_cursor: str | None


class DealEntryOut(BaseModel):
    id: int
    deal_id: uuid.UUID
    kind: Kind
    author_id: uuid.UUID | None
    changes: dict[str, Any] = Field(description="field → [before, after]")
    note: str | None
    created_at: datetime

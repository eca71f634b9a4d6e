from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from crmkit.custom import CustomValuesIn
from crmkit.fields import Omittable
from crmkit.text import Text

from ..catalog.schemas import SourceKey

Strategy = Literal["round_robin", "least_open"]
MAX_MEMBERS = 100
MAX_QUEUES = 50


class QueueMatch(BaseModel):
    """Which new leads the queue takes: every condition given must hold (none: every
    lead)."""

    model_config = ConfigDict(extra="forbid")

    source: SourceKey | None = Field(None, description="The lead's source (its `key`)")
    custom: CustomValuesIn | None = Field(None, description=(
        "Custom-field values the lead must have (equality; for a multi_select field, the "
        "lead has that option)"))
    product_ids: list[uuid.UUID] | None = Field(None, min_length=1, max_length=20,
                                               json_schema_extra={"uniqueItems": True},
                                               description=(
        "Catalogue products: the lead is interested in at least one of them (its "
        "`product_ids`)"))
    segment_id: uuid.UUID | None = Field(None, description=(
        "A saved lead segment (GET /api/v1/segments?entity=lead): the lead is one its "
        "filters would list; deleted later, the queue takes no lead"))


Members = Annotated[list[uuid.UUID], Field(
    min_length=1, max_length=MAX_MEMBERS, json_schema_extra={"uniqueItems": True},
    description="Active users of the tenant, in rotation order, each once; a member "
                "deactivated later is skipped")]


class QueueIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, Text(100)]
    match: QueueMatch = Field(default_factory=QueueMatch)
    members: Members
    strategy: Strategy = Field("round_robin", description=(
        "`round_robin`: the next member in turn; `least_open`: the member with the fewest "
        "open leads (Inbox, not converted), ties in turn"))
    active: bool = Field(True, description="An inactive queue is passed over")


class QueuePatch(BaseModel):
    """Only the fields sent change; none may be null."""

    model_config = ConfigDict(extra="forbid")

    name: Omittable[Annotated[str, Text(100)]] = None
    match: Omittable[QueueMatch] = None
    members: Omittable[Members] = None
    strategy: Omittable[Strategy] = None
    active: Omittable[bool] = None


class QueueOrder(BaseModel):
    model_config = ConfigDict(extra="forbid")

    queue_ids: list[uuid.UUID] = Field(max_length=MAX_QUEUES, description=(
        "Every queue of the tenant once, in the order new leads try them (else 409 "
        "`not_every_queue`)"))


class QueueOut(BaseModel):
    id: uuid.UUID
    name: str
    position: int = Field(description="New leads try the queues in this order (0 first)")
    match: QueueMatch
    members: list[uuid.UUID]
    strategy: Strategy
    active: bool
    next_member_id: uuid.UUID | None = Field(description=(
        "Whose turn it is (round robin), before inactive members are skipped"))
    version: int
    created_at: datetime
    updated_at: datetime

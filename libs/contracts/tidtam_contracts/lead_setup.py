"""Events of the leads service's set-up: pipelines and their stages, labels, lead sources
and lost/junk reasons (what an admin, or for personal labels each user, sets up).

Each carries the thing after the change, plus what the event adds; `version` grows by one
with every change (the events' `sequence`). The defaults a tenant starts with (standard
pipeline, sources, reasons) are made without events.

Leads moved off a deleted stage or pipeline are announced one by one as `lead.stage_changed`
(tidtam_contracts.leads), as any stage move; `pipeline.stage_deleted` and `pipeline.deleted`
say how many moved and where.
"""

from __future__ import annotations

import uuid
from typing import ClassVar, Literal

from pydantic import BaseModel, Field

from .base import EventData


class StageInfo(BaseModel):
    id: uuid.UUID
    name: str
    name_en: str | None
    position: int = Field(description="0 is the first stage")
    probability: int | None = Field(None, description=(
        "0–100: the default probability of a deal that enters the stage"))


class Pipeline(BaseModel):
    id: uuid.UUID
    name: str
    name_en: str | None
    is_standard: bool
    stages: list[StageInfo] = Field(description="In order")
    version: int


class PipelineEvent(Pipeline, EventData):
    VERSION: ClassVar[str] = "1"


class PipelineCreatedV1(PipelineEvent):
    TYPE: ClassVar[str] = "pipeline.created"


class PipelineUpdatedV1(PipelineEvent):
    TYPE: ClassVar[str] = "pipeline.updated"
    changed: list[str] = Field(description="Of `name`, `name_en`, `stages` (a stage added, "
                                           "renamed or the order changed)")


class LeadsMoved(BaseModel):
    leads_moved: int = Field(description="How many leads were moved off (each one also as "
                                         "`lead.stage_changed`)")
    moved_to_pipeline_id: uuid.UUID | None
    moved_to_stage_id: uuid.UUID | None


class PipelineStageDeletedV1(PipelineEvent, LeadsMoved):
    """The pipeline after the stage was deleted (the others' positions closed up)."""

    TYPE: ClassVar[str] = "pipeline.stage_deleted"
    stage_id: uuid.UUID
    stage_name: str


class PipelineDeletedV1(LeadsMoved, EventData):
    TYPE: ClassVar[str] = "pipeline.deleted"
    VERSION: ClassVar[str] = "1"
    id: uuid.UUID
    name: str
    name_en: str | None
    version: int


class Label(BaseModel):
    id: uuid.UUID
    name: str
    color: str | None
    scope: Literal["system", "personal"] = Field(
        description="personal: seen in the API only by `created_by`")
    created_by: uuid.UUID
    retired: bool = Field(description="Stays on the leads that have it; not put on others")
    version: int


class LabelCreatedV1(Label, EventData):
    TYPE: ClassVar[str] = "label.created"
    VERSION: ClassVar[str] = "1"


class LabelUpdatedV1(Label, EventData):
    TYPE: ClassVar[str] = "label.updated"
    VERSION: ClassVar[str] = "1"
    changed: list[str] = Field(description="Of `name`, `color`, `retired`")


class LeadSource(BaseModel):
    source: str = Field(description="The source's key, as leads carry it in `source`; never "
                                    "changes")
    name: str
    retired: bool
    version: int


class LeadSourceCreatedV1(LeadSource, EventData):
    TYPE: ClassVar[str] = "lead_source.created"
    VERSION: ClassVar[str] = "1"


class LeadSourceUpdatedV1(LeadSource, EventData):
    TYPE: ClassVar[str] = "lead_source.updated"
    VERSION: ClassVar[str] = "1"
    changed: list[str] = Field(description="Of `name`, `retired`")


class LeadReason(BaseModel):
    id: uuid.UUID
    kind: Literal["lost", "junk"]
    text: str
    retired: bool
    version: int


class LeadReasonCreatedV1(LeadReason, EventData):
    TYPE: ClassVar[str] = "lead_reason.created"
    VERSION: ClassVar[str] = "1"


class LeadReasonUpdatedV1(LeadReason, EventData):
    TYPE: ClassVar[str] = "lead_reason.updated"
    VERSION: ClassVar[str] = "1"
    changed: list[str] = Field(description="Of `text`, `retired`")


EVENTS: list[type[EventData]] = [
    PipelineCreatedV1, PipelineUpdatedV1, PipelineStageDeletedV1, PipelineDeletedV1,
    LabelCreatedV1, LabelUpdatedV1, LeadSourceCreatedV1, LeadSourceUpdatedV1,
    LeadReasonCreatedV1, LeadReasonUpdatedV1,
]

from __future__ import annotations

import uuid
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from crmkit.fields import Omittable
from crmkit.text import Text

MAX_EXTRA_PIPELINES = 10
MAX_STAGES = 10


Probability = Annotated[int, Field(ge=0, le=100, description=(
    "0–100 (%): the default probability of a deal that enters the stage"))]


class StageIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, Text(100)]
    name_en: Annotated[str, Text(100)] | None = None
    probability: Probability | None = None


class PipelineIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, Text(100)]
    name_en: Annotated[str, Text(100)] | None = None
    stages: list[StageIn] = Field(min_length=1, max_length=MAX_STAGES)


class StageOut(BaseModel):
    id: uuid.UUID
    name: str
    name_en: str | None
    position: int
    probability: int | None = Field(description=(
        "A deal's default probability in this stage (0–100), or null"))


class PipelineOut(BaseModel):
    id: uuid.UUID
    name: str
    name_en: str | None
    is_standard: bool
    stages: list[StageOut]


class PipelinePatch(BaseModel):
    """Only what is sent changes."""

    model_config = ConfigDict(extra="forbid")

    name: Omittable[Annotated[str, Text(100)]] = None
    name_en: Annotated[str, Text(100)] | None = Field(None, description="null clears it")


class StagePatch(PipelinePatch):
    probability: Probability | None = Field(None, description=(
        "null clears it; deals take it when they enter the stage"))


class StageOrder(BaseModel):
    model_config = ConfigDict(extra="forbid")

    stage_ids: list[uuid.UUID] = Field(
        min_length=1, max_length=MAX_STAGES,
        description="Every stage of the pipeline, each once, in the new order")


class PipelineLimits(BaseModel):
    max_pipelines: int = Field(description="How many pipelines a tenant may add besides the "
                                           "standard one")
    pipelines: int = Field(description="How many it has added")
    max_stages: int = Field(description="Stages per pipeline")


class StageDeleted(BaseModel):
    pipeline: PipelineOut = Field(description="The pipeline after the deletion")
    leads_moved: int


class PipelineDeleted(BaseModel):
    leads_moved: int

from __future__ import annotations

import uuid
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from crmkit.text import Text

MAX_EXTRA_PIPELINES = 10
MAX_STAGES = 10


class StageIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, Text(100)]
    name_en: Annotated[str, Text(100)] | None = None


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


class PipelineOut(BaseModel):
    id: uuid.UUID
    name: str
    name_en: str | None
    is_standard: bool
    stages: list[StageOut]

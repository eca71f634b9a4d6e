from __future__ import annotations

import uuid
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from crmkit.text import Text

ReasonKind = Literal["lost", "junk"]


SourceKey = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,39}$",
                                 description="A lead source's stable key, e.g. `tiktok`")]


class SourceIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    key: SourceKey = Field(description="Stable key stored on leads, e.g. `tiktok`")
    name: Annotated[str, Text(100)]


class SourceOut(BaseModel):
    key: str
    name: str
    position: int


class ReasonIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: ReasonKind
    text: Annotated[str, Text(200)]


class ReasonOut(BaseModel):
    id: uuid.UUID
    kind: ReasonKind
    text: str
    position: int

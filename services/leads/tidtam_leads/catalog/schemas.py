from __future__ import annotations

import uuid
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from ..text import text

ReasonKind = Literal["lost", "junk"]


class SourceIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    key: str = Field(pattern=r"^[a-z][a-z0-9_]{0,39}$",
                     description="Stable key stored on leads, e.g. `tiktok`")
    name: text(100)


class SourceOut(BaseModel):
    key: str
    name: str
    position: int


class ReasonIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: ReasonKind
    text: text(200)


class ReasonOut(BaseModel):
    id: uuid.UUID
    kind: ReasonKind
    text: str
    position: int

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from crmkit.text import Text

LabelScope = Literal["system", "personal"]


class LabelIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, Text(50)]
    color: str | None = Field(None, pattern=r"^#[0-9a-fA-F]{6}$", description="e.g. #ff8800")
    scope: LabelScope = Field(
        "personal", description="system: made by admins, seen by all; personal: seen only "
                                "by its maker")


class LabelOut(BaseModel):
    id: uuid.UUID
    name: str
    color: str | None
    scope: LabelScope
    created_by: uuid.UUID

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool

from crmkit.fields import Omittable
from crmkit.text import Text

LabelScope = Literal["system", "personal"]
Color = Annotated[str, Field(pattern=r"^#[0-9a-fA-F]{6}$", description="e.g. #ff8800")]


class LabelIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, Text(50)]
    color: Color | None = None
    scope: LabelScope = Field(
        "personal", description="system: made by admins, seen by all; personal: seen only "
                                "by its maker")


class LabelPatch(BaseModel):
    """Only what is sent changes. System labels: admins; personal ones: their maker."""

    model_config = ConfigDict(extra="forbid")

    name: Omittable[Annotated[str, Text(50)]] = None
    color: Color | None = Field(None, description="null clears it")
    retired: Omittable[StrictBool] = Field(None, description=(
        "true retires it: it stays on (and is shown with) the leads that have it, but is "
        "not put on others (409 `label_retired`); false brings it back"))


class LabelOut(BaseModel):
    id: uuid.UUID
    name: str
    color: str | None
    scope: LabelScope
    created_by: uuid.UUID
    retired: bool = Field(description="Shown on older leads; not offered for new ones")

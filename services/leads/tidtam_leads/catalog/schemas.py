from __future__ import annotations

import uuid
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool

from crmkit.fields import Omittable
from crmkit.text import Text

ReasonKind = Literal["lost", "junk"]


SourceKey = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,39}$",
                                 description="A lead source's stable key, e.g. `tiktok`")]
RETIRED = Field(description="Retired: still shown on the leads that have it, refused for "
                            "new ones (409 `source_retired` / `reason_retired`)")
SET_RETIRED = Field(None, description="true retires it (kept on old leads, refused for new "
                                      "ones); false brings it back")


class SourceIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    key: SourceKey = Field(description="Stable key stored on leads, e.g. `tiktok`")
    name: Annotated[str, Text(100)]


class SourcePatch(BaseModel):
    """Only what is sent changes; the key never does."""

    model_config = ConfigDict(extra="forbid")

    name: Omittable[Annotated[str, Text(100)]] = None
    retired: Omittable[StrictBool] = SET_RETIRED


class SourceOut(BaseModel):
    key: str
    name: str
    position: int
    retired: bool = RETIRED


class ReasonIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: ReasonKind
    text: Annotated[str, Text(200)]


class ReasonPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: Omittable[Annotated[str, Text(200)]] = None
    retired: Omittable[StrictBool] = SET_RETIRED


class ReasonOut(BaseModel):
    id: uuid.UUID
    kind: ReasonKind
    text: str
    position: int
    retired: bool = RETIRED

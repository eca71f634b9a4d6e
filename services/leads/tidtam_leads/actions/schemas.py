from __future__ import annotations

import uuid

from pydantic import BaseModel, ConfigDict, Field

from crmkit.errors import Unprocessable

from ..text import nfc, text


class SendIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    to_user_id: uuid.UUID
    note: text(2000) | None = None


class ReasonIn(BaseModel):
    """`reason`: one of the tenant's reasons (GET /api/v1/lead-reasons) or free text.

    Required and non-blank, but checked by the service after the lead's visibility: a lead
    the caller may not see is 404 whatever the body says."""

    model_config = ConfigDict(extra="forbid")

    reason: str | None = Field(None, max_length=2000)


def clean_reason(reason: str | None) -> str:
    value = nfc(reason) if reason is not None else ""
    if not value:
        raise Unprocessable.on("body.reason", "is required: say why (pick one of "
                                              "GET /api/v1/lead-reasons or write your own)")
    if len(value) > 500:
        raise Unprocessable.on("body.reason", "is too long: at most 500 characters")
    return value


class StageIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    stage_id: uuid.UUID

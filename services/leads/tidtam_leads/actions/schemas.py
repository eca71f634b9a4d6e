from __future__ import annotations

import uuid
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema
from pydantic_core import PydanticCustomError

from crmkit.errors import Unprocessable
from crmkit.text import NOT_BLANK, Text, check_text

REASON_MAX = 500


class SendIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    to_user_id: uuid.UUID = Field(description="An active user of the tenant (else 404)")
    note: Annotated[str, Text(2000)] | None = None


class ReasonIn(BaseModel):
    """`reason`: one of the tenant's reasons (GET /api/v1/lead-reasons) or free text.

    The schema states the rule (required, not blank, at most 500 characters); the service
    checks it after the lead's visibility, so a lead the caller may not see is 404 whatever
    the body says."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"required": ["reason"]})

    reason: Annotated[str | None, WithJsonSchema(
        {"type": "string", "minLength": 1, "maxLength": REASON_MAX, "pattern": NOT_BLANK,
         "description": "Why: one of GET /api/v1/lead-reasons or your own words"},
    )] = Field(None, max_length=2000)


def clean_reason(reason: str | None) -> str:
    if reason is None:
        raise Unprocessable.on("body.reason", "is required: say why (pick one of "
                                              "GET /api/v1/lead-reasons or write your own)",
                               code="missing")
    try:
        return check_text(reason, REASON_MAX)
    except PydanticCustomError as exc:
        message = exc.message()
        if exc.type == "string_too_short":
            message = ("is required: say why (pick one of GET /api/v1/lead-reasons or write "
                       "your own)")
        raise Unprocessable.on("body.reason", message, code="invalid_reason") from None


class StageIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    stage_id: uuid.UUID = Field(description="A stage of any of the tenant's pipelines "
                                            "(else 404)")

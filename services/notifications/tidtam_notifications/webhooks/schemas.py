from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, field_validator

from crmkit.fields import Omittable
from tidtam_contracts import CATALOGUE

TEST_TYPE = "webhook.test"
Status = Literal["pending", "sending", "delivered", "failed"]
URL_RULES = dict(min_length=1, max_length=2000, pattern=r"^[^\x00-\x20]*$",
                 description="http(s) URL of the receiver; internal addresses are refused "
                             "(422 naming `url`) unless TIDTAM_WEBHOOK_ALLOW_HOSTS allows them")
EVENTS_DOC = ("Event types (`account.created`), all of an aggregate's (`lead.*`), or `*`; "
              "GET /api/v1/asyncapi.json lists the types")


# Every pattern a webhook may take: each event type of the contracts, each aggregate's
# `<aggregate>.*`, and `*` (the schema lists them, so clients and fuzzers know).
PATTERNS = ["*", *sorted({t.split(".")[0] + ".*" for t in CATALOGUE.types()}),
            *CATALOGUE.types()]


def check_pattern(pattern: str) -> str:
    if pattern in PATTERNS:
        return pattern
    raise ValueError(f"{pattern!r} is not an event type or pattern; use one of "
                     f"{', '.join(PATTERNS)}")


def _patterns(value: list[str] | None) -> list[str] | None:
    if value is None:
        return None
    return list(dict.fromkeys(check_pattern(p) for p in value))


Pattern = Annotated[str, Field(min_length=1, max_length=100,
                               json_schema_extra={"enum": PATTERNS})]


class WebhookCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: str = Field(**URL_RULES)  # type: ignore[call-overload]
    events: list[Pattern] = Field(min_length=1, max_length=50, description=EVENTS_DOC)
    description: str | None = Field(None, max_length=500, pattern=r"^[^\x00]*$")

    _check_events = field_validator("events")(_patterns)


class WebhookPatch(BaseModel):
    """Only the fields sent change."""

    model_config = ConfigDict(extra="forbid")

    url: Omittable[str] = Field(None, **URL_RULES)  # type: ignore[call-overload]
    events: Omittable[list[Pattern]] = Field(None, min_length=1, max_length=50,
                                             description=EVENTS_DOC)
    enabled: Omittable[StrictBool] = Field(None, description="true also turns back on an "
                                                             "endpoint the retries disabled")
    description: str | None = Field(None, max_length=500, pattern=r"^[^\x00]*$")

    _check_events = field_validator("events")(_patterns)


class WebhookOut(BaseModel):
    id: uuid.UUID
    url: str
    description: str | None
    events: list[str]
    enabled: bool
    disabled_reason: str | None = Field(description="Why the retries switched it off")
    previous_secret_until: datetime | None = Field(
        description="After a rotation: until when the previous secret also signs")
    created_at: datetime
    updated_at: datetime


class WebhookCreated(WebhookOut):
    secret: str = Field(description="`whsec_…`: verify signatures with it. Shown only now")


class SecretOut(BaseModel):
    secret: str = Field(description="The new `whsec_…` secret, shown only now")
    previous_secret_until: datetime = Field(description="Until then deliveries carry a "
                                                        "signature with the old secret too")


class WebhookPage(BaseModel):
    items: list[WebhookOut]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page")


class DeliveryOut(BaseModel):
    id: uuid.UUID
    event_id: uuid.UUID = Field(description="Also the `webhook-id` header")
    event_type: str
    status: Status = Field(description="pending (waiting, or retrying after `last_error`), "
                                       "sending, delivered (2xx), failed (gave up)")
    attempts: int
    response_code: int | None = Field(description="HTTP status of the last attempt")
    latency_ms: int | None = Field(description="Of the last attempt")
    last_error: str | None
    next_attempt_at: datetime | None = Field(description="When pending: the next attempt")
    created_at: datetime
    delivered_at: datetime | None


class DeliveryPage(BaseModel):
    items: list[DeliveryOut]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page")

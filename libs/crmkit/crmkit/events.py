"""CloudEvents 1.0 envelopes and the registry of versioned event data models.

Routing key = event type, `<aggregate>.<past_verb>`. `data` is validated against the model
registered for `(type, dataversion)` before it is staged, so a malformed event never leaves
the service.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import orjson
from pydantic import BaseModel, ConfigDict, Field

CONTENT_TYPE = "application/cloudevents+json"
EXCHANGE = "tidtam.events"

_registry: dict[tuple[str, str], type[BaseModel]] = {}


def event_data(type_: str, version: str = "1"
               ) -> Callable[[type[BaseModel]], type[BaseModel]]:
    """Class decorator: register a pydantic model as the `data` of an event type/version."""

    def wrap(model: type[BaseModel]) -> type[BaseModel]:
        key = (type_, version)
        if key in _registry and _registry[key] is not model:
            raise ValueError(f"event {type_} v{version} is registered twice")
        _registry[key] = model
        return model

    return wrap


def registered() -> dict[tuple[str, str], type[BaseModel]]:
    return dict(_registry)


class CloudEvent(BaseModel):
    model_config = ConfigDict(extra="allow")

    specversion: str = "1.0"
    id: str = Field(default_factory=lambda: str(uuid.uuid4()))
    source: str
    type: str
    subject: str | None = None
    time: str = Field(default_factory=lambda: datetime.now(UTC).isoformat())
    datacontenttype: str = "application/json"
    tenantid: str
    dataversion: str = "1"
    sequence: int = 0
    correlationid: str | None = None
    data: dict[str, Any]

    def to_bytes(self) -> bytes:
        return orjson.dumps(self.model_dump(exclude_none=True))

    @classmethod
    def from_bytes(cls, body: bytes) -> CloudEvent:
        return cls.model_validate(orjson.loads(body))


def make_event(*, service: str, type_: str, tenant_id: uuid.UUID | str, subject: str,
               data: BaseModel | dict[str, Any], sequence: int = 0, version: str = "1",
               correlation_id: str | None = None) -> CloudEvent:
    model = _registry.get((type_, version))
    if model is None:
        raise KeyError(f"no data model registered for event {type_} v{version}")
    payload = data if isinstance(data, BaseModel) else model.model_validate(data)
    return CloudEvent(
        source=f"/services/{service}", type=type_, subject=subject, tenantid=str(tenant_id),
        dataversion=version, sequence=sequence, correlationid=correlation_id,
        data=orjson.loads(orjson.dumps(payload.model_dump(mode="json"))),
    )

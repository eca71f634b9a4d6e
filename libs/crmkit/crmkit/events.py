"""CloudEvents 1.0 envelopes, and what a service publishes (`EventSource`).

Routing key = event type, `<aggregate>.<past_verb>`. `data` is an event contract
(tidtam_contracts): its class names the type and the `dataversion`, so an event's envelope
cannot disagree with its data, and a malformed event never leaves the service.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import orjson
from pydantic import BaseModel, ConfigDict, Field

from tidtam_contracts import CATALOGUE, Catalogue, ContractError, EventData, check_contract

from .logging import correlation_id

CONTENT_TYPE = "application/cloudevents+json"
EXCHANGE = "tidtam.events"


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


def make_event(*, service: str, data: EventData, tenant_id: uuid.UUID | str, subject: str,
               sequence: int = 0, correlation_id: str | None = None) -> CloudEvent:
    """The envelope of `data`; type and dataversion are its contract's."""
    contract = check_contract(type(data))
    return CloudEvent(
        source=f"/services/{service}", type=contract.TYPE, subject=subject,
        tenantid=str(tenant_id), dataversion=contract.VERSION, sequence=sequence,
        correlationid=correlation_id,
        data=data.model_dump(mode="json"),
    )


class EventSource:
    """What one service publishes: its explicit list of contracts, checked when the app is
    built (each a known contract, the newest version of its type, once), and the one way
    its code makes events (`event`), which refuses a contract not on the list."""

    def __init__(self, service: str, published: Sequence[type[EventData]],
                 catalogue: Catalogue | None = CATALOGUE):
        self.service = service
        self.published: tuple[type[EventData], ...] = tuple(published)
        seen: dict[str, type[EventData]] = {}
        for model in self.published:
            check_contract(model)
            if model.TYPE in seen:
                raise ContractError(f"{service} lists {model.TYPE} twice ("
                                    f"{seen[model.TYPE].__name__}, {model.__name__})")
            seen[model.TYPE] = model
            if catalogue is not None:
                catalogue.require_newest(model, service, "publishes")

    def event(self, data: EventData, *, tenant_id: uuid.UUID | str, subject: str,
              sequence: int = 0) -> CloudEvent:
        """The event of `data`, carrying the current request's correlation id."""
        if type(data) not in self.published:
            raise ContractError(f"{self.service} does not list {type(data).label()} among "
                                "the events it publishes (its EVENTS_PUBLISHED)")
        return make_event(service=self.service, data=data, tenant_id=tenant_id,
                          subject=subject, sequence=sequence,
                          correlation_id=correlation_id.get())

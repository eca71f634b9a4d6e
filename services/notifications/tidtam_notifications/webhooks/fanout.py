"""Every event this service consumes is kept in the event feed (feed/) and becomes a
delivery for each enabled webhook of its tenant whose patterns take it, in the consumer's
transaction (so the schedule is as durable as the event's record), once per endpoint and
event. Both in one statement (repository.record_and_fan_out), the last of the consumer's
transaction. No lock: a tenant's events commit in parallel, and the feed's readers keep a
commit-safe order by the rows' transaction ids (feed/repository.py)."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.consumer import Delivery, Handler, on_each
from tidtam_contracts import CATALOGUE

from . import repository


async def record_and_fan_out(session: AsyncSession, event: Delivery[Any]) -> None:
    envelope = event.envelope
    await repository.record_and_fan_out(session, event.tenant,
                                        event_id=uuid.UUID(envelope.id),
                                        event_type=envelope.type,
                                        body=envelope.to_bytes().decode())


# privacy.* (data-subject requests) are between the services, not news for subscribers.
HANDLERS: list[Handler[Any]] = on_each([CATALOGUE.latest(t) for t in CATALOGUE.types()
                                        if not t.startswith("privacy.")],
                                       record_and_fan_out)

"""Every event this service consumes is kept in the event feed (feed/) and becomes a
delivery for each enabled webhook of its tenant whose patterns take it, in the consumer's
transaction (so the schedule is as durable as the event's record), once per endpoint and
event. The handler only notes the event in the session; `flush` (the consumer's
`before_commit`, main.py) records every event of the transaction (a batch of up to
TIDTAM_CONSUMER_BATCH, or one) in one statement (repository.record_and_fan_out), the last
of the transaction. No lock: a tenant's events commit in parallel, and the feed's readers
keep a commit-safe order by the rows' transaction ids (feed/repository.py)."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.consumer import Delivery, Handler, on_each
from crmkit.context import TenantId
from tidtam_contracts import CATALOGUE

from . import repository, worker

# The session's events still to record: (tenant, what to record), in arrival order.
_PENDING = "webhooks.fan_out"


async def record_and_fan_out(session: AsyncSession, event: Delivery[Any]) -> None:
    envelope = event.envelope
    pending = session.info.setdefault(_PENDING, [])
    pending.append((event.tenant, repository.Consumed(
        uuid.UUID(envelope.id), envelope.type, envelope.to_bytes().decode())))


async def flush(session: AsyncSession) -> None:
    """Record the events the handlers noted in this transaction (one statement per tenant:
    a consumer's transaction is one tenant's). The deliveries the process has room for are
    sent by its worker as soon as the transaction has committed (worker.Direct)."""
    pending = session.info.pop(_PENDING, None)
    if not pending:
        return
    by_tenant: dict[TenantId, list[repository.Consumed]] = {}
    for tenant, consumed in pending:
        by_tenant.setdefault(tenant, []).append(consumed)
    direct = worker.direct()
    for tenant, events in by_tenant.items():
        room = direct.room() if direct is not None else repository.NO_ROOM
        claimed = await repository.record_and_fan_out(session, tenant, events, room)
        if not claimed or direct is None:
            continue
        # Taken now, with no await since the room was counted last: what another
        # transaction took meanwhile goes back to the schedule, in this transaction.
        taken, over = direct.reserve(claimed)
        if over:
            await repository.undirect(session, tenant, [c.id for c in over])
        if taken:
            direct.after_commit(session, taken)


# privacy.* (data-subject requests) are between the services, not news for subscribers.
HANDLERS: list[Handler[Any]] = on_each([CATALOGUE.latest(t) for t in CATALOGUE.types()
                                        if not t.startswith("privacy.")],
                                       record_and_fan_out)

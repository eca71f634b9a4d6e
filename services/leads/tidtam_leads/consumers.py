"""What the leads service does with other services' events: the users projection and the
tenant's defaults. The kit's Consumer commits each handler's effect together with the
`(consumer, event_id)` record, so a redelivery is skipped."""

from __future__ import annotations

from crmkit.consumer import Consumer

from .catalog.service import ensure_defaults
from .users.service import apply_user_event

BINDINGS = ["tenant.created", "user.created", "user.updated", "user.deactivated"]


def register(consumer: Consumer) -> Consumer:
    @consumer.handler("tenant.created")
    async def tenant_created(session, event, tenant):
        await ensure_defaults(session, tenant)

    @consumer.handler("user.created")
    @consumer.handler("user.updated")
    async def user_changed(session, event, tenant):
        await apply_user_event(session, tenant, event.data, event.sequence)

    @consumer.handler("user.deactivated")
    async def user_deactivated(session, event, tenant):
        await apply_user_event(session, tenant, event.data, event.sequence, deactivate=True)

    return consumer

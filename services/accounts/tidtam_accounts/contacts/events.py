"""Contact events: `data` is the contact after the change (v1); `contact.updated` adds
`changed`."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from crmkit import outbox
from crmkit.context import TenantId
from crmkit.events import CloudEvent, event_data, make_event
from crmkit.logging import correlation_id

from ..config import SERVICE
from .repository import ContactRow
from .schemas import ContactOut


@event_data("contact.created")
class ContactCreatedV1(ContactOut):
    pass


@event_data("contact.updated")
class ContactUpdatedV1(ContactOut):
    changed: list[str]


@event_data("contact.deleted")
class ContactDeletedV1(ContactOut):
    pass


def contact_event(tenant: TenantId, type_: str, row: ContactRow, **extra: Any) -> CloudEvent:
    data = {**ContactOut.model_validate(dict(row)).model_dump(mode="json"), **extra}
    return make_event(service=SERVICE, type_=type_, tenant_id=tenant.value,
                      subject=str(row["id"]), data=data, sequence=row["version"],
                      correlation_id=correlation_id.get())


async def stage_contact_event(session: AsyncSession, tenant: TenantId, type_: str,
                              row: ContactRow, **extra: Any) -> None:
    await outbox.stage(session, contact_event(tenant, type_, row, **extra))

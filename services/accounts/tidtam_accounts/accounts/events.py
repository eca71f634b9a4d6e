"""Account events: `data` is the account after the change (v1); `account.updated` adds
`changed`, `account.merged` names the account that was merged in."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from crmkit import outbox
from crmkit.context import TenantId
from crmkit.events import event_data, make_event
from crmkit.logging import correlation_id

from ..config import SERVICE
from .schemas import AccountOut


@event_data("account.created")
class AccountCreatedV1(AccountOut):
    pass


@event_data("account.updated")
class AccountUpdatedV1(AccountOut):
    changed: list[str]


@event_data("account.merged")
class AccountMergedV1(AccountOut):
    from_id: uuid.UUID
    contact_ids: list[uuid.UUID]


@event_data("account.deleted")
class AccountDeletedV1(AccountOut):
    pass


async def stage_account_event(session: AsyncSession, tenant: TenantId, type_: str,
                              account: AccountOut, **extra: Any) -> None:
    """Staged in the outbox, in the caller's transaction: committed with the change or not
    at all."""
    data = {**account.model_dump(mode="json"), **extra}
    await outbox.stage(session, make_event(
        service=SERVICE, type_=type_, tenant_id=tenant.value, subject=str(account.id),
        data=data, sequence=account.version, correlation_id=correlation_id.get()))

"""Account events: `data` is the account after the change (tidtam_contracts.accounts.
Account, which AccountOut extends); `account.updated` adds `changed`, `account.merged` names
the account that was merged in."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from crmkit import outbox
from crmkit.context import TenantId
from tidtam_contracts.accounts import Account, AccountEventV1

from ..contracts import EVENTS


async def stage_account_event(session: AsyncSession, tenant: TenantId,
                              contract: type[AccountEventV1], account: Account,
                              **extra: Any) -> None:
    """Staged in the outbox, in the caller's transaction: committed with the change or not
    at all."""
    data = contract.model_validate({**account.model_dump(), **extra})
    await outbox.stage(session, EVENTS.event(data, tenant_id=tenant.value,
                                             subject=str(account.id), sequence=account.version))

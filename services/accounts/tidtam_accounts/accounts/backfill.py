"""Accounts published again on request: a service whose projection of accounts began after
some were made (the leads service learnt accounts from its migration 0021 on, for the
deals' account check) asks with `projection.backfill_requested` (aggregate `account`), and
every live account of the tenant goes out as it stands, as `account.restated` (its
`sequence` the account's version: a consumer keeps whichever of it and a newer change
comes last). Merged-away accounts are not restated (to a projection, unknown is gone).
Staged in the consumer's transaction (contacts/consumers.py dispatches the request), so a
request redelivered after its commit is skipped, and one that failed restates nothing."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from crmkit import outbox
from crmkit.context import TenantId
from tidtam_contracts.accounts import AccountRestatedV1

from ..contracts import EVENTS
from . import repository
from .values import to_out

BATCH = 1000


async def restate_accounts(session: AsyncSession, tenant: TenantId) -> int:
    """Stage `account.restated` for every live account of the tenant; how many."""
    staged = 0
    async for rows in repository.live_batches(session, tenant, size=BATCH):
        await outbox.stage_many(session, (
            EVENTS.event(AccountRestatedV1.model_validate(to_out(row).model_dump()),
                         tenant_id=tenant.value, subject=str(row["id"]),
                         sequence=row["version"])
            for row in rows))
        staged += len(rows)
    return staged

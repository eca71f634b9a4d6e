"""Contacts published again on request: a service whose projection of contacts began
after some were made (the activities service learnt contacts from migration 0002 on) asks
with `projection.backfill_requested`, and every contact of the tenant goes out as it
stands, as `contact.restated` (its `sequence` the contact's version: a consumer keeps
whichever of it and a newer change comes last). Staged in the consumer's transaction, so a
request that is redelivered after its commit is skipped, and one that failed restates
nothing. The same request for aggregate `account` restates the accounts
(accounts/backfill.py)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from crmkit import outbox
from crmkit.consumer import Delivery, Handler, on
from tidtam_contracts.accounts import ContactRestatedV1
from tidtam_contracts.activities import ProjectionBackfillRequestedV1

from ..accounts.backfill import restate_accounts
from . import repository
from .events import contact_event

BATCH = 1000


async def backfill_requested(session: AsyncSession,
                             event: Delivery[ProjectionBackfillRequestedV1]) -> None:
    if event.data.aggregate == "account":
        await restate_accounts(session, event.tenant)
        return
    if event.data.aggregate != "contact":
        return
    async for rows in repository.batches(session, event.tenant, size=BATCH):
        await outbox.stage_many(session, (contact_event(event.tenant, ContactRestatedV1, row)
                                          for row in rows))


HANDLERS: list[Handler[Any]] = [on(ProjectionBackfillRequestedV1, backfill_requested)]

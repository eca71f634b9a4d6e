"""The accounts and contacts a deal names, checked against this service's projection of
the accounts service (`account.*`, `contact.*` events; idempotent by `sequence`; those made
before migration 0021 restated on request: backfill.py), never a
read of the accounts database nor a call per request. An account the caller may not see
(their account visibility), deleted or merged away, or one not of the tenant is 404 naming
the field, as the accounts service itself would answer."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.consumer import Delivery, Handler, on_each
from crmkit.context import RequestContext
from crmkit.errors import NotFound
from tidtam_contracts.accounts import (
    AccountCreatedV1,
    AccountDeletedV1,
    AccountEventV1,
    AccountMergedV1,
    AccountRestatedV1,
    AccountUpdatedV1,
    ContactCreatedV1,
    ContactDeletedV1,
    ContactEventV1,
    ContactRestatedV1,
    ContactUpdatedV1,
)

from . import repository
from .models import KnownAccount, KnownContact


async def account_changed(session: AsyncSession, event: Delivery[AccountEventV1]) -> None:
    a = event.data
    await repository.upsert(session, event.tenant, KnownAccount, dict(
        id=a.id, owner_id=a.owner_id, deleted=isinstance(a, AccountDeletedV1),
        sequence=event.sequence))


async def account_merged(session: AsyncSession, event: Delivery[AccountMergedV1]) -> None:
    """The survivor as it now is; the merged-away account gone, its contacts moved."""
    await repository.upsert(session, event.tenant, KnownAccount, dict(
        id=event.data.id, owner_id=event.data.owner_id, deleted=False,
        sequence=event.sequence))
    await repository.merged(session, event.tenant, from_id=event.data.from_id,
                            into_id=event.data.id)


async def contact_changed(session: AsyncSession, event: Delivery[ContactEventV1]) -> None:
    c = event.data
    await repository.upsert(session, event.tenant, KnownContact, dict(
        id=c.id, account_id=c.account_id, deleted=isinstance(c, ContactDeletedV1),
        sequence=event.sequence))


async def require_visible(session: AsyncSession, ctx: RequestContext, *,
                          account_id: uuid.UUID, contact_id: uuid.UUID | None) -> None:
    """404 `unknown_account` naming `body.account_id` unless the caller may see the
    account; then the contact as `require_contact`."""
    known = await repository.account(session, ctx.tenant, account_id)
    if known is None or not ctx.account_scope.may_read(known.owner_id):
        raise NotFound.on("body.account_id", f"no account {account_id} that you may see "
                          "(GET /api/v1/accounts)", code="unknown_account")
    if contact_id is not None:
        await require_contact(session, ctx, account_id=account_id, contact_id=contact_id)


async def require_contact(session: AsyncSession, ctx: RequestContext, *,
                          account_id: uuid.UUID, contact_id: uuid.UUID) -> None:
    """404 `unknown_contact` naming `body.contact_id` unless it is a contact of
    `account_id` (not deleted)."""
    contact = await repository.contact(session, ctx.tenant, contact_id)
    if contact is None or contact.account_id != account_id:
        raise NotFound.on("body.contact_id", f"account {account_id} has no contact "
                          f"{contact_id} (GET /api/v1/accounts/{account_id}/contacts)",
                          code="unknown_contact")


# account.merged is also the conversion's (leads of the merged account follow it):
# consumers.py runs both in one handler.
HANDLERS: list[Handler[Any]] = [
    *on_each([AccountCreatedV1, AccountUpdatedV1, AccountDeletedV1, AccountRestatedV1],
            account_changed),
    *on_each([ContactCreatedV1, ContactUpdatedV1, ContactDeletedV1, ContactRestatedV1],
             contact_changed),
]

"""Contacts of an account: visible and changeable by whoever may see the account. Each
new contact takes a place in the plan's quota."""

from __future__ import annotations

import uuid
from collections.abc import Mapping

from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.context import RequestContext
from crmkit.errors import NotFound
from crmkit.paging import decode_cursor, next_cursor
from tidtam_contracts.accounts import ContactCreatedV1, ContactDeletedV1, ContactUpdatedV1

from ..accounts import repository as accounts_repo
from ..accounts import service as accounts
from ..quota import service as quota
from . import repository
from .events import stage_contact_event
from .repository import ContactRow
from .schemas import ContactCreate, ContactOut, ContactPage, ContactPatch


async def _load(session: AsyncSession, ctx: RequestContext, *, account_id: uuid.UUID,
                contact_id: uuid.UUID, write: bool = False) -> ContactRow:
    await accounts.load(session, ctx, account_id, write=write)
    row = await repository.get(session, ctx.tenant, account_id=account_id,
                               contact_id=contact_id, lock=write)
    if row is None:
        raise NotFound("no such contact of this account")
    return row


async def _unset_primary(session: AsyncSession, ctx: RequestContext,
                         account_id: uuid.UUID) -> None:
    for row in await repository.clear_primary(session, ctx.tenant, account_id):
        await stage_contact_event(session, ctx.tenant, ContactUpdatedV1, row,
                                  changed=["is_primary"])


async def create(session: AsyncSession, ctx: RequestContext, account_id: uuid.UUID,
                 body: ContactCreate, *, contact_id: uuid.UUID | None = None) -> ContactOut:
    # The account row stays locked till commit: contacts of one account are made one at
    # a time, so "first contact is primary" and "one primary" hold.
    await accounts.load(session, ctx, account_id, write=True)
    await quota.take(session, ctx.tenant)
    primary = body.is_primary or not await repository.has_primary(session, ctx.tenant,
                                                                  account_id)
    if body.is_primary:
        await _unset_primary(session, ctx, account_id)
    row = await repository.insert(session, ctx.tenant, {
        **body.model_dump(), "id": contact_id or uuid.uuid4(), "account_id": account_id,
        "is_primary": primary})
    await accounts_repo.set_keys(session, ctx.tenant, account_id=account_id,
                                 contact_id=row["id"], phones=row["phones"],
                                 emails=row["emails"])
    await stage_contact_event(session, ctx.tenant, ContactCreatedV1, row)
    return ContactOut.model_validate(dict(row))


async def get(session: AsyncSession, ctx: RequestContext, *, account_id: uuid.UUID,
              contact_id: uuid.UUID) -> ContactOut:
    row = await _load(session, ctx, account_id=account_id, contact_id=contact_id)
    return ContactOut.model_validate(dict(row))


async def list_page(session: AsyncSession, ctx: RequestContext, account_id: uuid.UUID, *,
                    limit: int, cursor: str | None,
                    is_primary: bool | None = None) -> ContactPage:
    after = decode_cursor(cursor) if cursor else None
    await accounts.load(session, ctx, account_id)
    rows = await repository.page(session, ctx.tenant, account_id, limit=limit + 1,
                                 after=after, is_primary=is_primary)
    rows, cursor = next_cursor(rows, limit)
    return ContactPage(items=[ContactOut.model_validate(dict(r)) for r in rows],
                       next_cursor=cursor)


async def patch(session: AsyncSession, ctx: RequestContext, *, account_id: uuid.UUID,
                contact_id: uuid.UUID, body: ContactPatch) -> ContactOut:
    current = await _load(session, ctx, account_id=account_id, contact_id=contact_id,
                         write=True)
    values = {f: getattr(body, f) for f in body.model_fields_set}
    was: Mapping[str, object] = current
    changed = sorted(k for k, v in values.items() if was[k] != v)
    if not changed:
        return ContactOut.model_validate(dict(current))
    if values.get("is_primary") and "is_primary" in changed:
        await _unset_primary(session, ctx, account_id)
    row = await repository.update(session, ctx.tenant, contact_id,
                                  {k: values[k] for k in changed})
    if {"phones", "emails"} & set(changed):
        await accounts_repo.set_keys(session, ctx.tenant, account_id=account_id,
                                     contact_id=contact_id, phones=row["phones"],
                                     emails=row["emails"])
    await stage_contact_event(session, ctx.tenant, ContactUpdatedV1, row, changed=changed)
    return ContactOut.model_validate(dict(row))


async def delete(session: AsyncSession, ctx: RequestContext, *, account_id: uuid.UUID,
                 contact_id: uuid.UUID) -> None:
    row = await _load(session, ctx, account_id=account_id, contact_id=contact_id,
                         write=True)
    await repository.delete(session, ctx.tenant, contact_id)
    await accounts_repo.set_keys(session, ctx.tenant, account_id=account_id,
                                 contact_id=contact_id, phones=[], emails=[])
    await quota.release(session, ctx.tenant, 1)
    await stage_contact_event(session, ctx.tenant, ContactDeletedV1, row)

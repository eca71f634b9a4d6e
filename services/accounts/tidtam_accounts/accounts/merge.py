"""Copy (a new account pre-filled from another, for companies of one group) and merge (two
records of one customer become one)."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from crmkit import outbox
from crmkit.context import RequestContext
from crmkit.errors import Conflict, Forbidden
from tidtam_contracts.accounts import AccountMergedV1, ContactUpdatedV1

from ..contacts import repository as contacts
from ..contacts.events import contact_event
from . import repository
from .events import stage_account_event
from .schemas import AccountCreate, AccountOut
from .service import create, load
from .values import derived, to_out

# What a copy takes from the original: terms, address, labels and the like; never the
# identity (tax ID, phones, emails), contacts or history.
COPIED = ("kind", "address", "website", "credit_limit", "credit_days", "bill_discount",
          "labels", "custom")
MERGERS = ("admin", "manager")


async def copy(session: AsyncSession, ctx: RequestContext, account_id: uuid.UUID,
               name: str) -> AccountOut:
    original = to_out(await load(session, ctx, account_id))
    fields = original.model_dump(include=set(COPIED))
    return await create(session, ctx, AccountCreate.model_validate({**fields, "name": name}))


async def merge(session: AsyncSession, ctx: RequestContext, *, survivor_id: uuid.UUID,
                from_id: uuid.UUID) -> AccountOut:
    """Move `from_id`'s contacts, phones and emails (and, through `account.merged`, leads'
    links and timeline) to the survivor; `from_id` remains only as a pointer to it."""
    if ctx.role not in MERGERS:
        raise Forbidden("only an admin or a manager may merge accounts")
    if survivor_id == from_id:
        raise Conflict("an account cannot be merged into itself: give another from_id",
                       code="merge_into_itself")
    # Lock in id order, so two opposite merges cannot deadlock.
    first, second = sorted([survivor_id, from_id])
    rows = {first: await load(session, ctx, first, write=True),
            second: await load(session, ctx, second, write=True)}
    survivor, gone = rows[survivor_id], rows[from_id]
    moved = await contacts.move(session, ctx.tenant, from_id=from_id, to_id=survivor_id)
    await outbox.stage_many(session, [contact_event(ctx.tenant, ContactUpdatedV1, row,
                                                    changed=["account_id"]) for row in moved])
    await repository.move_keys(session, ctx.tenant, from_id=from_id, to_id=survivor_id)
    filled = {k: gone[k] for k in ("tax_id", "branch", "address", "website", "line_id",
                                   "lat", "lon", "credit_limit", "credit_days",
                                   "bill_discount", "name_en")
              if survivor[k] is None and gone[k] is not None}
    merged = {**survivor, **filled,
              "phones": list(dict.fromkeys([*survivor["phones"], *gone["phones"]])),
              "emails": list(dict.fromkeys([*survivor["emails"], *gone["emails"]])),
              "labels": list(dict.fromkeys([*survivor["labels"], *gone["labels"]])),
              "anniversaries": [*survivor["anniversaries"], *gone["anniversaries"]],
              "custom": {**gone["custom"], **survivor["custom"]}}
    await repository.update(session, ctx.tenant, from_id, {"merged_into": survivor_id})
    row = await repository.update(session, ctx.tenant, survivor_id, {
        k: merged[k] for k in (*filled, "phones", "emails", "labels", "anniversaries",
                               "custom")} | derived(merged))
    out = to_out(row)
    await stage_account_event(session, ctx.tenant, AccountMergedV1, out, from_id=from_id,
                              contact_ids=[c["id"] for c in moved])
    return out

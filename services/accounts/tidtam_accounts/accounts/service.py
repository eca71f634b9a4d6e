"""Creating, reading, listing, editing and deleting accounts. Duplicates, copy and merge
live in duplicates.py and merge.py."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from fastapi import Request
from sqlalchemy.ext.asyncio import AsyncSession

from crmkit import custom
from crmkit.context import RequestContext
from crmkit.errors import Conflict, NotFound, Unprocessable
from crmkit.paging import decode_cursor, next_cursor
from crmkit.text import parse_phone, search_patterns
from crmkit.thai import branch_label
from tidtam_contracts.accounts import AccountCreatedV1, AccountDeletedV1, AccountUpdatedV1

from ..contacts import repository as contacts
from ..quota import service as quota
from ..users import service as users
from . import repository
from .events import stage_account_event
from .repository import AccountRow
from .schemas import AccountCreate, AccountOut, AccountPage, AccountPatch, Anniversary
from .values import column_values, derived, settle_branch, to_out

# Accounts' custom fields and segments (crmkit.custom), mounted by main.py.
CUSTOM = custom.CustomEntity(entity="account", table="accounts", list_path="/api/v1/accounts")


async def load(session: AsyncSession, ctx: RequestContext, account_id: uuid.UUID, *,
               write: bool = False) -> AccountRow:
    """The account if the caller may see it (404 otherwise, saying where a merged one
    went); with `write`, locked for the change."""
    row = await repository.get(session, ctx.tenant, ctx.account_scope, account_id, lock=write)
    if row is None:
        survivor = await repository.merged_into(session, ctx.tenant, account_id)
        if survivor is not None:
            raise NotFound(f"this account was merged into {survivor}", code="merged")
        raise NotFound("no such account")
    return row


async def check_tax_id(session: AsyncSession, ctx: RequestContext, *, tax_id: str | None,
                       branch: str | None, exclude: uuid.UUID | None) -> None:
    """409 when another live account has this tax ID and branch (whoever owns it)."""
    if not tax_id:
        return
    await repository.lock_tax_id(session, ctx.tenant, tax_id, branch)
    taken = await repository.with_tax_id(session, ctx.tenant, tax_id=tax_id, branch=branch,
                                         exclude=exclude)
    if taken:
        seen = [r["id"] for r in taken if ctx.account_scope.may_write(r["owner_id"])]
        where = f" ({seen[0]})" if seen else " (owned by someone you cannot see)"
        raise Conflict(
            f"an account with tax ID {tax_id}, {branch_label(branch)}, already exists{where}; "
            "open it instead, or send \"force\": true to save another one",
            code="duplicate_tax_id")


def check_identity(kind: str, tax_id: str | None) -> None:
    """A company's tax ID (a juristic person's) starts with 0."""
    if kind == "company" and tax_id and not tax_id.startswith("0"):
        raise Unprocessable.on("body.tax_id", "a company's tax ID starts with 0; this one is "
                                              "a person's (set kind to person) or mistyped",
                               code="person_tax_id")


async def check_anniversaries(session: AsyncSession, ctx: RequestContext,
                              account_id: uuid.UUID | None,
                              anniversaries: list[Anniversary]) -> None:
    """An anniversary's `contact_id` must be a contact of this account (404 naming it)."""
    wanted = [(i, a.contact_id) for i, a in enumerate(anniversaries) if a.contact_id]
    if not wanted:
        return
    found = (await contacts.existing(session, ctx.tenant, account_id, [c for _, c in wanted])
             if account_id else set())
    for i, contact_id in wanted:
        if contact_id not in found:
            raise NotFound.on(f"body.anniversaries.{i}.contact_id",
                              f"{contact_id} is not a contact of this account",
                              code="unknown_contact")


async def _require_owner(session: AsyncSession, ctx: RequestContext,
                         owner_id: uuid.UUID | None) -> uuid.UUID:
    owner = owner_id or ctx.user_id
    if owner != ctx.user_id:
        await users.require_active(session, ctx, owner, "body.owner_id")
        if not ctx.account_scope.may_write(owner):
            raise NotFound.on("body.owner_id", f"{owner} is not someone whose accounts you "
                                               "may manage", code="unknown_owner")
    return owner


async def create(session: AsyncSession, ctx: RequestContext, body: AccountCreate, *,
                 account_id: uuid.UUID | None = None) -> AccountOut:
    fields = body.model_dump(exclude={"force"})
    fields.update(address=body.address, location=body.location,
                  bill_discount=body.bill_discount, anniversaries=body.anniversaries)
    values = column_values(fields)
    check_identity(values["kind"], values["tax_id"])
    values.update(settle_branch(values))
    values["owner_id"] = await _require_owner(session, ctx, body.owner_id)
    await check_anniversaries(session, ctx, account_id, body.anniversaries)
    values["custom"] = custom.merge(await custom.definitions(session, ctx, CUSTOM), None,
                                    body.custom, creating=True)
    if not body.force:
        await check_tax_id(session, ctx, tax_id=values["tax_id"], branch=values["branch"],
                           exclude=None)
    row = await repository.insert(session, ctx.tenant, {
        "id": account_id or uuid.uuid4(), **values, **derived(values)})
    await repository.set_keys(session, ctx.tenant, account_id=row["id"], contact_id=None,
                              phones=row["phones"], emails=row["emails"])
    out = to_out(row)
    await stage_account_event(session, ctx.tenant, AccountCreatedV1, out)
    return out


async def get(session: AsyncSession, ctx: RequestContext, account_id: uuid.UUID) -> AccountOut:
    return to_out(await load(session, ctx, account_id))


async def patch(session: AsyncSession, ctx: RequestContext, account_id: uuid.UUID,
                body: AccountPatch) -> AccountOut:
    given = body.model_fields_set - {"force"}
    current = await load(session, ctx, account_id, write=True)
    values = column_values({f: getattr(body, f) for f in given})
    # Omittable fields: sent (in `given`) exactly when not None.
    if body.custom is not None:  # the keys sent change; the others stay
        values["custom"] = custom.merge(await custom.definitions(session, ctx, CUSTOM),
                                        current["custom"], body.custom, creating=False)
    if body.owner_id is not None and body.owner_id != current["owner_id"]:
        await _require_owner(session, ctx, body.owner_id)
    if body.anniversaries is not None:
        await check_anniversaries(session, ctx, account_id, body.anniversaries)
    merged = {**current, **values}
    check_identity(merged["kind"], merged["tax_id"])
    values.update(settle_branch(merged))
    merged.update(values)
    was: Mapping[str, object] = current
    changed = sorted(k for k, v in values.items() if was[k] != v)
    if not changed:
        return to_out(current)
    if {"tax_id", "branch"} & set(changed) and not body.force:
        await check_tax_id(session, ctx, tax_id=merged["tax_id"], branch=merged["branch"],
                           exclude=account_id)
    row = await repository.update(session, ctx.tenant, account_id,
                                  {**{k: values[k] for k in changed}, **derived(merged)})
    if {"phones", "emails"} & set(changed):
        await repository.set_keys(session, ctx.tenant, account_id=account_id,
                                  contact_id=None, phones=row["phones"], emails=row["emails"])
    out = to_out(row)
    api_changed = sorted({"location" if k in ("lat", "lon") else k for k in changed})
    await stage_account_event(session, ctx.tenant, AccountUpdatedV1, out,
                              changed=api_changed)
    return out


async def delete(session: AsyncSession, ctx: RequestContext, account_id: uuid.UUID) -> None:
    """Delete an account with its contacts, whose places in the quota come back."""
    row = await load(session, ctx, account_id, write=True)
    count = await contacts.count(session, ctx.tenant, account_id)
    await repository.delete(session, ctx.tenant, account_id)
    await quota.release(session, ctx.tenant, count)
    await stage_account_event(session, ctx.tenant, AccountDeletedV1, to_out(row))


def _keys_of(q: str | None) -> list[str]:
    """A `q` that is a whole phone number or email also finds contacts' exact ones."""
    if not q:
        return []
    if "@" in q:
        return [q.strip().lower()]
    try:
        return [parse_phone(q)]
    except ValueError:
        return []


async def list_page(session: AsyncSession, ctx: RequestContext, *, request: Request,
                    segment: uuid.UUID | None, limit: int, cursor: str | None,
                    **params: Any) -> AccountPage:
    """`params`: the list's filters (q, label, …); a segment's stored ones and `cf.*` from
    the query string apply too (crmkit.custom.list_filters)."""
    after = decode_cursor(cursor) if cursor else None
    found = await custom.list_filters(session, ctx, CUSTOM, request.app, request.query_params,
                                      segment, params)
    if found.empty:
        return AccountPage(items=[], next_cursor=None)
    filters = found.params
    q = filters.pop("q")
    also = found.also.get("q")
    rows = await repository.page(
        session, ctx.tenant, ctx.account_scope, limit=limit + 1, after=after,
        q=search_patterns(q), q_keys=_keys_of(q), custom=found.custom,
        also_q=(search_patterns(also), _keys_of(also)) if also else None, **filters)
    rows, cursor = next_cursor(rows, limit)
    return AccountPage(items=[to_out(r) for r in rows], next_cursor=cursor)

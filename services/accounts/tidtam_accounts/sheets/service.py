"""Accounts (with a contact per row) as crmkit.sheets imports and exports them. Each row
goes through the checks and values of the API's create (POST /accounts, then POST
/accounts/{id}/contacts) and the tax ID + branch duplicate rule; the batch is then stored
set-based (repository.py): the quota taken once, accounts, contacts, keys and their
`account.created`/`contact.created` events in a statement each. A row past the plan's
contact limit is reported, not imported; a duplicate is updated through the API's PATCH."""

from __future__ import annotations

import asyncio
import re
import uuid
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import Any

from fastapi import Request
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from crmkit import custom, outbox
from crmkit.context import RequestContext
from crmkit.custom.schemas import CustomFieldOut
from crmkit.errors import AppError, NotFound, Unprocessable
from crmkit.sheets import Column, ImportOptions, ImportRow, Outcome, RowError, row_errors
from crmkit.sheets.mapping import custom_columns, custom_value
from crmkit.sheets.phases import phase
from crmkit.sheets.schemas import ExportFilters
from tidtam_contracts.accounts import AccountCreatedV1, ContactCreatedV1

from ..accounts import service as accounts
from ..accounts.schemas import AccountCreate, AccountPatch
from ..accounts.values import column_values, derived, settle_branch, to_out
from ..contacts.events import contact_event
from ..contacts.schemas import ContactCreate
from ..contracts import EVENTS
from ..quota import service as quota
from ..users import service as users
from . import repository

COLUMNS = [
    Column("name", "ชื่อบริษัท", "Company name", ("ชื่อลูกค้า", "ชื่อ", "บริษัท", "name",
                                                  "company", "account", "customer")),
    Column("kind", "ประเภท", "Kind", ("ประเภทลูกค้า", "type")),
    Column("name_en", "ชื่อภาษาอังกฤษ", "English name", ("ชื่ออังกฤษ", "name (en)")),
    Column("tax_id", "เลขประจำตัวผู้เสียภาษี", "Tax ID", ("เลขผู้เสียภาษี", "เลขภาษี",
                                                        "tax id", "taxid", "vat id"),
           kind="tax_id"),
    Column("branch", "สาขา", "Branch", ("รหัสสาขา", "branch no"), kind="tax_id"),
    Column("phones", "เบอร์โทร", "Phone", ("โทรศัพท์", "เบอร์โทรศัพท์", "tel", "telephone",
                                          "phones"), kind="phone"),
    Column("emails", "อีเมล", "Email", ("อีเมล์", "e-mail", "emails")),
    Column("website", "เว็บไซต์", "Website", ("web", "url")),
    Column("line_id", "ไลน์", "LINE ID", ("line", "ไอดีไลน์")),
    Column("address.line", "ที่อยู่", "Address", ("address line",)),
    Column("address.subdistrict", "ตำบล/แขวง", "Subdistrict", ("ตำบล", "แขวง")),
    Column("address.district", "อำเภอ/เขต", "District", ("อำเภอ", "เขต")),
    Column("address.province", "จังหวัด", "Province", ("province",)),
    Column("address.postcode", "รหัสไปรษณีย์", "Postcode", ("postcode", "zip")),
    Column("credit_limit", "วงเงินเครดิต", "Credit limit", kind="money"),
    Column("contact.name", "ชื่อผู้ติดต่อ", "Contact name", ("ผู้ติดต่อ", "contact")),
    Column("contact.position", "ตำแหน่ง", "Contact position", ("position",)),
    Column("contact.phone", "โทรศัพท์มือถือ", "Contact mobile", ("มือถือ", "mobile")),
    Column("contact.email", "อีเมลผู้ติดต่อ", "Contact email", ("contact email",)),
]
EXPORT_ONLY = [
    Column("id", "รหัส", "ID", importable=False),
    Column("owner_id", "ผู้รับผิดชอบ", "Owner", importable=False),
    Column("labels", "ป้าย", "Labels", importable=False),
    Column("created_at", "สร้างเมื่อ", "Created", kind="datetime", importable=False),
    Column("updated_at", "แก้ไขเมื่อ", "Updated", kind="datetime", importable=False),
]
_KINDS = {"บริษัท": "company", "นิติบุคคล": "company", "company": "company",
          "บุคคล": "person", "บุคคลธรรมดา": "person", "person": "person"}
_SPLIT = re.compile(r"\s*[,;\n]\s*")


class AccountSheets:
    entity = "account"
    custom = accounts.CUSTOM

    def columns(self, fields: Sequence[CustomFieldOut]) -> list[Column]:
        return [*COLUMNS, *EXPORT_ONLY, *custom_columns(fields)]

    async def require_owner(self, session: AsyncSession, ctx: RequestContext,
                            user_id: uuid.UUID) -> None:
        await users.require_active(session, ctx, user_id, "body.owner.user_id")

    async def import_rows(self, session: AsyncSession, ctx: RequestContext,
                          rows: Sequence[ImportRow], options: ImportOptions, *,
                          dry_run: bool) -> list[Outcome]:
        defs = await custom.definitions(session, ctx, accounts.CUSTOM)
        owners = await users.ids_by_email(
            session, ctx, sorted({r.owner_email for r in rows if r.owner_email}))
        with phase("check"):
            checked = await asyncio.to_thread(_check_all, ctx, rows, options, defs, owners)
        return await _store(session, ctx, checked, options, dry_run=dry_run)

    def check_export_filters(self, filters: ExportFilters) -> None:
        for name in ("box", "label_id", "pipeline_id", "stage_id"):
            if getattr(filters, name) is not None:
                raise Unprocessable.on(f"body.filters.{name}", "not a filter of the accounts "
                                       "list", code="unknown_filter")

    async def export_rows(self, session: AsyncSession, ctx: RequestContext, request: Request,
                          filters: ExportFilters, keys: Sequence[str]
                          ) -> AsyncIterator[list[list[Any]]]:
        cursor = None
        while True:
            page = await accounts.list_page(
                session, ctx, request=request, segment=filters.segment, limit=1000,
                cursor=cursor, q=filters.q, label=filters.label, province=filters.province,
                owner_id=filters.owner_id)
            yield [[_value(data, k) for k in keys]
                   for data in (item.model_dump() for item in page.items)]
            cursor = page.next_cursor
            if cursor is None:
                return


def _value(data: dict[str, Any], key: str) -> Any:
    if key.startswith("custom."):
        return data["custom"].get(key[7:])
    if key.startswith("address."):
        return (data["address"] or {}).get(key[8:])
    if key.startswith("contact."):
        return None  # contacts are exported with their accounts' screens, not here
    return data[key]


def _bodies(row: ImportRow, options: ImportOptions, defs: dict[str, Any],
            owners: dict[str, uuid.UUID]) -> tuple[AccountCreate, ContactCreate | None]:
    data = {**options.defaults, **row.values}
    body: dict[str, Any] = {}
    address: dict[str, str] = {}
    contact: dict[str, Any] = {}
    for key, value in data.items():
        if key.startswith("custom."):
            name = key[7:]
            body.setdefault("custom", {})[name] = (
                custom_value(defs[name].type, value) if name in defs else value)
        elif key.startswith("address."):
            address[key[8:]] = value
        elif key.startswith("contact."):
            contact[key[8:]] = value
        elif key in ("phones", "emails"):
            body[key] = [v for v in _SPLIT.split(value) if v]
        elif key == "kind":
            body[key] = _KINDS.get(value.strip().casefold(), value)
        else:
            body[key] = value
    if address:
        body["address"] = address
    owner = options.owner_id
    if row.owner_email and not owner:
        owner = owners.get(row.owner_email.lower())
        if owner is None:
            raise Unprocessable.on("owner", f"{row.owner_email} is not an active user",
                                   code="unknown_user")
    if owner:
        body["owner_id"] = owner
    made = AccountCreate.model_validate(body)
    person = None
    if contact:
        person = ContactCreate.model_validate({
            "name": contact.get("name") or made.name, "position": contact.get("position"),
            "phones": [contact["phone"]] if contact.get("phone") else [],
            "emails": [contact["email"]] if contact.get("email") else []})
    return made, person


@dataclass
class _New:
    """A checked row: the account's column values (as the create computes them) and its
    contact's body."""

    values: dict[str, Any]
    contact: ContactCreate | None
    body: AccountCreate

    @property
    def key(self) -> tuple[str, str] | None:
        tax_id = self.values["tax_id"]
        return (tax_id, self.values["branch"]) if tax_id else None


def _check_all(ctx: RequestContext, rows: Sequence[ImportRow], options: ImportOptions,
               defs: dict[str, Any], owners: dict[str, uuid.UUID]) -> list[Outcome | _New]:
    """Each row through the create's checks and values (in a thread: the CPU part), or its
    failure."""
    out: list[Outcome | _New] = []
    for row in rows:
        try:
            body, contact = _bodies(row, options, defs, owners)
            out.append(_New(_values(ctx, body, defs), contact, body))
        except (ValidationError, AppError) as exc:
            out.append(Outcome.failed(*row_errors(exc, {})))
    return out


def _values(ctx: RequestContext, body: AccountCreate, defs: dict[str, Any]) -> dict[str, Any]:
    """The columns of a new account, as accounts.service.create computes them (its owner
    one the caller may manage; no anniversaries: imports have none)."""
    fields = body.model_dump(exclude={"force"})
    fields.update(address=body.address, location=body.location,
                  bill_discount=body.bill_discount, anniversaries=body.anniversaries)
    values = column_values(fields)
    accounts.check_identity(values["kind"], values["tax_id"])
    values.update(settle_branch(values))
    owner = body.owner_id or ctx.user_id
    if owner != ctx.user_id and not ctx.account_scope.may_write(owner):
        raise NotFound.on("body.owner_id", f"{owner} is not someone whose accounts you may "
                          "manage", code="unknown_owner")
    values["owner_id"] = owner
    values["custom"] = custom.merge(defs, None, body.custom, creating=True)
    values["id"] = uuid.uuid4()
    return {**values, **derived(values)}


async def _store(session: AsyncSession, ctx: RequestContext, checked: list[Outcome | _New],
                 options: ImportOptions, *, dry_run: bool) -> list[Outcome]:
    """The batch as the API's creates would leave it, set-based: duplicates by tax ID +
    branch (the database's live accounts and earlier rows of the batch) skipped or
    updated, the contact quota taken once (rows with a contact past it fail and leave
    nothing), then the accounts, contacts, keys and events in a statement each."""
    outcomes = [c if isinstance(c, Outcome) else Outcome("created") for c in checked]
    made = {i: c for i, c in enumerate(checked) if isinstance(c, _New)}
    keys = [k for c in made.values() if (k := c.key) is not None]
    with phase("duplicates"):
        if not dry_run:
            await repository.lock_tax_ids(session, ctx.tenant, keys)
        holders: dict[tuple[str, str], list[repository.Holder]] = {}
        for h in await repository.with_tax_ids(session, ctx.tenant, keys):
            holders.setdefault((h["tax_id"], h["branch"] or ""), []).append(h)
    new: list[int] = []
    seen: dict[tuple[str, str], uuid.UUID] = {}  # the batch's new accounts by key
    for i, c in made.items():
        key = c.key
        if key is not None and options.policy != "create":
            found = holders.get(key)
            if found:
                target = next((f for f in found if ctx.account_scope.may_write(f["owner_id"])),
                              None)
                if options.policy == "update" and target is not None and not dry_run:
                    outcomes[i] = await _update(session, ctx, target["id"], c.body)
                else:
                    outcomes[i] = Outcome("skipped", record_id=target["id"] if target else None)
                continue
            if key in seen:
                outcomes[i] = Outcome("skipped", record_id=seen[key])
                continue
            seen[key] = c.values["id"]
        new.append(i)
    if dry_run or not new:
        return outcomes
    with phase("quota"):
        new = await _take_quota(session, ctx, made, new, outcomes)
    with phase("insert"):
        rows = await repository.insert_accounts(session, ctx.tenant,
                                                [made[i].values for i in new])
        people = [(row, made[i].contact) for i, row in zip(new, rows, strict=True)]
        contacts_made = await repository.insert_contacts(session, ctx.tenant, [
            {**person.model_dump(), "id": uuid.uuid4(), "account_id": row["id"],
             "is_primary": True}  # the account's first contact
            for row, person in people if person is not None])
        await repository.insert_keys(session, ctx.tenant, [
            *((r["id"], None, r["phones"], r["emails"]) for r in rows),
            *((r["account_id"], r["id"], r["phones"], r["emails"]) for r in contacts_made)])
    with phase("events"):
        by_account = {r["account_id"]: r for r in contacts_made}
        events = []
        for row in rows:  # per account: account.created, then its contact's contact.created
            data = AccountCreatedV1.model_validate(to_out(row).model_dump())
            events.append(EVENTS.event(data, tenant_id=ctx.tenant.value,
                                       subject=str(row["id"]), sequence=row["version"]))
            if (person := by_account.get(row["id"])) is not None:
                events.append(contact_event(ctx.tenant, ContactCreatedV1, person))
        await outbox.stage_many(session, events)
    for i, row in zip(new, rows, strict=True):
        outcomes[i] = Outcome("created", record_id=row["id"])
    return outcomes


async def _take_quota(session: AsyncSession, ctx: RequestContext, made: dict[int, _New],
                      new: list[int], outcomes: list[Outcome]) -> list[int]:
    """The new rows the plan's contact limit lets in, in the file's order: a row whose
    contact is past the limit fails (reported, not imported: no account either)."""
    wanted = [i for i in new if made[i].contact is not None]
    if not wanted:
        return new
    plan, limit, count = await repository.quota_left(session, ctx.tenant)
    granted = len(wanted) if limit is None else max(0, min(len(wanted), limit - count))
    if granted:
        await quota.take(session, ctx.tenant, granted)
    refused = set(wanted[granted:])
    for i in refused:
        outcomes[i] = Outcome.failed(RowError(
            "contact", "quota_exceeded",
            f"the {plan} plan allows {limit} contacts and this tenant has reached that "
            "limit; ask your administrator to move to a larger plan, or delete contacts no "
            "longer needed"))
    return [i for i in new if i not in refused]


async def _update(session: AsyncSession, ctx: RequestContext, account_id: uuid.UUID,
                  body: AccountCreate) -> Outcome:
    """The duplicate updated with the row's values through the API's PATCH (its checks,
    history and `account.updated`), in a savepoint: a row that fails leaves nothing."""
    given = body.model_dump(exclude_unset=True, exclude={"force", "tax_id", "branch"})
    try:
        async with session.begin_nested():
            await accounts.patch(session, ctx, account_id, AccountPatch.model_validate(given))
    except AppError as exc:
        return Outcome.failed(*row_errors(exc, {}))
    return Outcome("updated", record_id=account_id)


SHEETS = AccountSheets()

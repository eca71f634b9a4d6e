"""Accounts (with a contact per row) as crmkit.sheets imports and exports them. Each row
goes through the API's own create (POST /accounts, then POST /accounts/{id}/contacts), in
a savepoint: its checks, the tax ID + branch duplicate rule, the contact quota and the
events are the API's. A row past the plan's contact limit is reported, not imported."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator, Sequence
from typing import Any

from fastapi import Request
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from crmkit import custom
from crmkit.context import RequestContext
from crmkit.custom.schemas import CustomFieldOut
from crmkit.errors import AppError, Conflict, Unprocessable
from crmkit.sheets import Column, ImportOptions, ImportRow, Outcome, RowError, row_errors
from crmkit.sheets.mapping import custom_columns, custom_value
from crmkit.sheets.schemas import ExportFilters

from ..accounts import repository as accounts_repo
from ..accounts import service as accounts
from ..accounts.schemas import AccountCreate, AccountPatch
from ..contacts import service as contacts
from ..contacts.schemas import ContactCreate
from ..users import service as users

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
        out = []
        for row in rows:
            try:
                body, contact = _bodies(row, options, defs, owners)
            except (ValidationError, AppError) as exc:
                out.append(Outcome.failed(*row_errors(exc, {})))
                continue
            if dry_run:
                out.append(await _preview(session, ctx, body))
                continue
            out.append(await _store(session, ctx, body, contact, options))
        return out

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


async def _preview(session: AsyncSession, ctx: RequestContext, body: AccountCreate) -> Outcome:
    if body.tax_id and await accounts_repo.with_tax_id(
            session, ctx.tenant, tax_id=body.tax_id, branch=body.branch or "00000",
            exclude=None):
        return Outcome("skipped")
    return Outcome("created")


async def _store(session: AsyncSession, ctx: RequestContext, body: AccountCreate,
                 contact: ContactCreate | None, options: ImportOptions) -> Outcome:
    """The API's create (and the contact's), in a savepoint: a row that fails leaves
    nothing behind, the others stay."""
    if options.policy == "create":
        body = body.model_copy(update={"force": True})
    try:
        async with session.begin_nested():
            try:
                made = await accounts.create(session, ctx, body)
            except Conflict as exc:
                if exc.code != "duplicate_tax_id":
                    raise
                return await _duplicate(session, ctx, body, options)
            if contact is not None:
                await contacts.create(session, ctx, made.id, contact)
    except Conflict as exc:
        if exc.code == "contact_quota_exceeded":
            return Outcome.failed(RowError("contact", "quota_exceeded", exc.message))
        return Outcome.failed(*row_errors(exc, {}))
    except AppError as exc:
        return Outcome.failed(*row_errors(exc, {}))
    return Outcome("created", record_id=made.id)


async def _duplicate(session: AsyncSession, ctx: RequestContext, body: AccountCreate,
                     options: ImportOptions) -> Outcome:
    found = await accounts_repo.with_tax_id(session, ctx.tenant, tax_id=body.tax_id or "",
                                            branch=body.branch or "00000", exclude=None)
    target = next((f for f in found if ctx.account_scope.may_write(f["owner_id"])), None)
    if options.policy != "update" or target is None:
        return Outcome("skipped", record_id=target["id"] if target else None)
    given = body.model_dump(exclude_unset=True, exclude={"force", "tax_id", "branch"})
    await accounts.patch(session, ctx, target["id"], AccountPatch.model_validate(given))
    return Outcome("updated", record_id=target["id"])


SHEETS = AccountSheets()

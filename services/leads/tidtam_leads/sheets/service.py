"""Leads as crmkit.sheets imports and exports them: each row checked as POST /leads checks
its body (LeadCreate, the tenant's sources and custom fields, an active owner, products named
by code or name in the catalogue), duplicates
by the create's rule (open leads with the phone or email, and earlier rows of the same
batch), the batch COPYed into a staging table and its new leads made from there in one
statement with their history and events (repository.py); the `update` policy set-based
too (the matches locked, updated, their history and `lead.updated` events, a statement
each)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from fastapi import Request
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from crmkit import custom, outbox
from crmkit.context import RequestContext
from crmkit.custom import Definition
from crmkit.custom.schemas import CustomFieldOut
from crmkit.errors import AppError, Unprocessable
from crmkit.logging import correlation_id
from crmkit.sheets import Column, ImportOptions, ImportRow, Outcome, RowError, row_errors
from crmkit.sheets.mapping import custom_columns, custom_value
from crmkit.sheets.phases import phase
from crmkit.sheets.schemas import ExportFilters
from tidtam_contracts.leads import LeadUpdatedV2

from ..catalog import service as catalog
from ..consent.schemas import marketing_allowed
from ..followups import repository as history
from ..leads import service as leads
from ..leads.events import lead_event
from ..leads.models import Lead
from ..leads.repository import COLUMNS as LEAD_COLUMNS
from ..leads.schemas import LeadCreate
from ..pipelines import service as pipelines
from ..products import service as products
from ..queues.assign import assign_new
from ..users import service as users
from . import repository

COLUMNS = [
    Column("name", "ชื่อ", "Name", ("ชื่อลูกค้า", "ชื่อ-นามสกุล", "ชื่อนามสกุล", "ชื่อผู้ติดต่อ",
                                   "full name", "contact name", "customer name", "customer")),
    Column("phone", "เบอร์โทร", "Phone", ("เบอร์โทรศัพท์", "โทรศัพท์", "โทรศัพท์มือถือ", "มือถือ",
                                         "เบอร์มือถือ", "เบอร์", "mobile", "tel", "telephone",
                                         "phone number"), kind="phone"),
    Column("email", "อีเมล", "Email", ("อีเมล์", "e-mail", "mail", "email address")),
    Column("company", "ชื่อบริษัท", "Company", ("บริษัท", "company name", "organisation",
                                              "organization")),
    Column("note", "หมายเหตุ", "Note", ("notes", "remark", "remarks", "รายละเอียด")),
    Column("source", "ที่มา", "Source", ("แหล่งที่มา", "ช่องทาง", "lead source")),
    Column("potential", "มูลค่าที่คาดหวัง", "Potential value", ("มูลค่า", "value", "amount",
                                                             "potential"), kind="money"),
    # Product codes or names of the catalogue, separated by `,` `;` or new lines: the lead's
    # product interest (`product_ids`), which queue conditions on products match.
    Column("products", "สินค้าที่สนใจ", "Products", ("สินค้า", "ผลิตภัณฑ์", "รหัสสินค้า",
                                                  "product", "product codes", "sku",
                                                  "products of interest")),
]
EXPORT_ONLY = [
    Column("id", "รหัส", "ID", importable=False),
    Column("box", "กล่อง", "Box", importable=False),
    Column("owner_id", "ผู้รับผิดชอบ", "Owner", importable=False),
    Column("stage_id", "ขั้นตอน", "Stage", importable=False),
    Column("created_at", "สร้างเมื่อ", "Created", kind="datetime", importable=False),
    Column("updated_at", "แก้ไขเมื่อ", "Updated", kind="datetime", importable=False),
    # PDPA: whether marketing to the person is allowed (`no`: declined or withdrawn; empty
    # when nothing is recorded), and the latest withdrawal or grant someone recorded.
    Column("marketing", "ยินยอมรับการตลาด", "Marketing consent", importable=False),
    Column("consent_change", "การเปลี่ยนแปลงความยินยอม", "Consent change", importable=False),
]
_BASE = {"name", "phone", "email", "company", "note", "source", "potential"}
DEFAULT_SOURCE = "other"
# Rows an export fetches from its cursor at a time (at most a few such batches are held:
# the one written, a few queued for the writer, the one read).
EXPORT_FETCH = 2_000


class LeadSheets:
    entity = "lead"
    custom = leads.CUSTOM

    def columns(self, fields: Sequence[CustomFieldOut]) -> list[Column]:
        return [*COLUMNS, *EXPORT_ONLY, *custom_columns(fields)]

    async def require_owner(self, session: AsyncSession, ctx: RequestContext,
                            user_id: uuid.UUID) -> None:
        await users.require_active(session, ctx, user_id, "body.owner.user_id")

    async def import_rows(self, session: AsyncSession, ctx: RequestContext,
                          rows: Sequence[ImportRow], options: ImportOptions, *,
                          dry_run: bool) -> list[Outcome]:
        with phase("check"):
            checked = await _check(session, ctx, rows, options)
        bodies = {i: c for i, c in enumerate(checked) if isinstance(c, dict)}
        outcomes: list[Outcome] = [c if isinstance(c, Outcome) else Outcome("created")
                                   for c in checked]
        staged = list(bodies.items())  # (index in the batch, values), in the file's order
        with phase("stage"):
            await repository.stage(session, [b for _i, b in staged])
        with phase("duplicates"):
            matches = await repository.duplicates(
                session, ctx.tenant, ctx.lead_scope, phones=[b["phone"] for _i, b in staged],
                emails=[b["email"] for _i, b in staged])
        by_phone = {m["phone"]: m["id"] for m in matches}
        by_email = {m["email_key"]: m["id"] for m in matches}
        new: list[int] = []  # staged rows to insert
        seen: set[str] = set()  # the phones and emails of the batch's new leads
        updates: list[tuple[int, uuid.UUID, dict[str, Any]]] = []  # `update`: the matches
        for n, (i, body) in enumerate(staged):
            keys = (body["phone"], body["email"].lower())
            match = by_phone.get(keys[0]) or by_email.get(keys[1])
            twin = not seen.isdisjoint(keys)
            if options.policy != "create" and (match or twin):
                if options.policy == "update" and match is not None and not dry_run:
                    updates.append((i, match, body))
                else:
                    outcomes[i] = Outcome("skipped", record_id=match)
                continue
            seen.update(keys)
            new.append(n)
        if updates:
            with phase("update"):
                await _update_all(session, ctx, updates, outcomes)
        if not dry_run and new:
            with phase("assign"):
                stage = await pipelines.resolve_stage(session, ctx, pipeline_id=None,
                                                      stage_id=None)
                free = [staged[n][1] for n in new if not staged[n][1]["owner_chosen"]]
                queued = dict(zip((b["id"] for b in free),
                                  await assign_new(session, ctx.tenant, free), strict=True))
                if free:  # the queues chose owners: the staged rows take them
                    await repository.set_owners(session, {
                        n: pick.owner_id for n in new
                        if (pick := queued.get(staged[n][1]["id"])) is not None})
            # New leads, their history and their `lead.created` (and, owned by another than
            # the importer, `lead.assigned`) events, built by the database from the
            # contracts' fields, in one statement from the staging table.
            with phase("insert"):
                made = await repository.insert_staged(
                    session, ctx.tenant, new, pipeline_id=stage.pipeline_id,
                    stage_id=stage.id, author_id=ctx.user_id,
                    import_id=correlation_id.get() or "",
                    queued=[i for i, pick in queued.items() if pick is not None])
            # The queues' choices: their `lead.assigned` names the queue, with a history entry.
            with phase("assign"):
                await leads.stage_assigned(session, ctx, [(row, None, queued[row["id"]])
                                                          for row in made])
        return outcomes

    def check_export_filters(self, filters: ExportFilters) -> None:
        for name in ("label", "province"):
            if getattr(filters, name) is not None:
                raise Unprocessable.on(f"body.filters.{name}", "not a filter of the leads "
                                       "list", code="unknown_filter")

    async def export_rows(self, session: AsyncSession, ctx: RequestContext, request: Request,
                          filters: ExportFilters, keys: Sequence[str]
                          ) -> AsyncIterator[list[list[Any]]]:
        f = filters
        selected = _selected(keys)
        getters = None if selected else [_getter(k) for k in keys]
        async for batch in leads.stream_matching(
                session, ctx, request=request, segment=f.segment, box=f.box or "inbox",
                q=f.q, label_id=f.label_id, pipeline_id=f.pipeline_id, stage_id=f.stage_id,
                owner_id=f.owner_id, columns=selected or LEAD_COLUMNS, fetch=EXPORT_FETCH):
            if getters is None:  # each record is the row: its values in the keys' order
                yield batch
            else:
                yield [[get(row) for get in getters] for row in batch]


def _selected(keys: Sequence[str]) -> list[sa.ColumnElement[Any]] | None:
    """The keys as the columns of the export's query, in their order, so that each record
    is a row as it is (no Python per cell); a custom field as `custom -> key` (JSON, its
    type kept). None when a key needs Python (the PDPA consent columns)."""
    table = Lead.__table__.c
    out: list[sa.ColumnElement[Any]] = []
    for key in keys:
        if key.startswith("custom."):
            out.append(Lead.custom[key[7:]])
        elif key == "box":
            out.append(table["status"])
        elif key in table and key not in ("custom", "consent", "consent_change"):
            out.append(table[key])
        else:
            return None
    return out


def _getter(key: str) -> Callable[[Mapping[str, Any]], Any]:
    if key.startswith("custom."):
        name = key[7:]
        return lambda row: (row["custom"] or {}).get(name)
    if key == "marketing":
        return _marketing
    if key == "consent_change":
        return _consent_change
    if key == "products":
        return lambda row: ", ".join(str(p) for p in row["product_ids"] or ())
    column = "status" if key == "box" else key
    return lambda row: row[column]


def _marketing(row: Mapping[str, Any]) -> str:
    """PDPA: whether marketing to the person is allowed ("" when nothing is recorded)."""
    allowed = marketing_allowed(row["consent"], row["consent_change"])
    return "" if allowed is None else ("yes" if allowed else "no")


def _consent_change(row: Mapping[str, Any]) -> str:
    """The latest recorded change: `revoked marketing 2026-12-07T10:00:00+00:00 (phone)`."""
    change = row["consent_change"]
    if not change:
        return ""
    return f"{change['action']} {change['scope']} {change['at']} ({change['channel']})"


async def _check(session: AsyncSession, ctx: RequestContext, rows: Sequence[ImportRow],
                 options: ImportOptions) -> list[Outcome | dict[str, Any]]:
    """Each row as the create's values, or its failure. The validation (the CPU part) runs
    in a thread, so the service keeps answering requests while a batch is checked."""
    await catalog.ensure_defaults(session, ctx.tenant)
    defs = await custom.definitions(session, ctx, leads.CUSTOM)
    owners = await users.ids_by_email(session, ctx,
                                      sorted({r.owner_email for r in rows if r.owner_email}))
    catalogue = await products.names(session, ctx.tenant, [
        r.values["products"] for r in rows if r.values.get("products")])
    out = await asyncio.to_thread(_validate, ctx, rows, options, defs, owners, catalogue)
    sources: dict[str, RowError | None] = {}
    for i, value in enumerate(out):
        if isinstance(value, dict):
            if value["source"] not in sources:
                sources[value["source"]] = await _source_error(session, ctx, value["source"])
            if (problem := sources[value["source"]]) is not None:
                out[i] = Outcome.failed(problem)
    return out


def _validate(ctx: RequestContext, rows: Sequence[ImportRow], options: ImportOptions,
              defs: dict[str, Definition], owners: dict[str, uuid.UUID],
              catalogue: products.ProductNames) -> list[Outcome | dict[str, Any]]:
    out: list[Outcome | dict[str, Any]] = []
    for row in rows:
        data = {**options.defaults, **row.values}
        data.setdefault("source", DEFAULT_SOURCE)
        given = {k[7:]: custom_value(defs[k[7:]].type, v) if k[7:] in defs else v
                 for k, v in data.items() if k.startswith("custom.")}
        body = {k: v for k, v in data.items() if k in _BASE}
        owner = options.owner_id or ctx.user_id
        chosen = bool(options.owner_id or row.owner_email)  # else the queues choose
        if row.owner_email and not options.owner_id:
            if row.owner_email.lower() not in owners:
                out.append(Outcome.failed(RowError(
                    "owner", "unknown_user", f"{row.owner_email} is not an active user")))
                continue
            owner = owners[row.owner_email.lower()]
        product_ids = catalogue.ids(data.get("products") or "")
        if isinstance(product_ids, RowError):
            out.append(Outcome.failed(product_ids))
            continue
        try:
            made = LeadCreate.model_validate({**body, "custom": given})
            values = custom.merge(defs, None, made.custom, creating=True)
        except (ValidationError, AppError) as exc:
            out.append(Outcome.failed(*row_errors(exc, {})))
            continue
        out.append({"id": uuid.uuid4(), "name": made.name, "phone": made.phone,
                    "email": made.email, "company": made.company, "note": made.note,
                    "source": made.source, "owner_id": owner, "potential": made.potential,
                    "custom": values, "owner_chosen": chosen, "product_ids": product_ids})
    return out


async def _source_error(session: AsyncSession, ctx: RequestContext, key: str
                        ) -> RowError | None:
    try:
        await catalog.require_source(session, ctx, key, field="source")
    except AppError as exc:
        return row_errors(exc, {})[0]
    return None


async def _update_all(session: AsyncSession, ctx: RequestContext,
                      updates: Sequence[tuple[int, uuid.UUID, dict[str, Any]]],
                      outcomes: list[Outcome]) -> None:
    """The `update` policy, set-based: the duplicates updated with their rows' values as
    the API's PATCH does (only what the caller may change; the custom fields sent change,
    the others stay; what changed only), in one statement each: the leads read and locked,
    updated, their `updated` history, their `lead.updated` events (one COPY). A lead two
    rows of a batch match takes the first."""
    defs = await custom.definitions(session, ctx, leads.CUSTOM)
    current = {r["id"]: r for r in await repository.lock_for_update(
        session, ctx.tenant, ctx.lead_scope, [m for _i, m, _b in updates])}
    changes: dict[uuid.UUID, tuple[dict[str, Any], list[str]]] = {}
    for i, lead_id, body in updates:
        was = current.get(lead_id)
        if was is None or not ctx.lead_scope.may_write(was["owner_id"]):
            outcomes[i] = Outcome.failed(RowError("row", "not_allowed", leads.READ_ONLY))
            continue
        outcomes[i] = Outcome("updated", record_id=lead_id)
        if lead_id in changes:
            continue
        values: dict[str, Any] = {k: body[k] for k in ("name", "company", "note", "potential")
                                  if body[k] is not None}
        if body["product_ids"]:
            values["product_ids"] = body["product_ids"]
        if body["custom"]:
            try:
                values["custom"] = custom.merge(defs, was["custom"], body["custom"],
                                                creating=False)
            except AppError as exc:
                outcomes[i] = Outcome.failed(*row_errors(exc, {}))
                continue
        changed = sorted(k for k, v in values.items() if was[k] != v)  # type: ignore[literal-required]
        if changed:
            changes[lead_id] = ({**{k: was[k] for k in repository.UPDATED}, **values},  # type: ignore[literal-required]
                                changed)
    if not changes:
        return
    rows = await repository.update_many(session, ctx.tenant, {
        lead_id: values for lead_id, (values, _c) in changes.items()})
    await history.append_many(session, ctx.tenant, "updated", ctx.user_id, [
        (row["id"], {"changed": changes[row["id"]][1]}) for row in rows])
    await outbox.stage_many(session, [
        lead_event(ctx.tenant, LeadUpdatedV2, row, changed=changes[row["id"]][1],
                   by_user_id=ctx.user_id) for row in rows])


SHEETS = LeadSheets()

"""The set-based SQL of lead imports. A batch's checked rows are COPYed into a staging
table (temporary, dropped at commit); its duplicates are found in one statement (see
`duplicates`), and its new leads, their `created` history and their
`lead.created` (and `lead.assigned`) outbox rows are made from the staging table in one
statement: the events' payloads are built by PostgreSQL, from the contracts' fields (see
`_event_payload`)."""

from __future__ import annotations

import types
import typing
import uuid
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any, TypedDict

import orjson
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.context import TenantId, VisibilityScope
from crmkit.db import driver, rows_as
from crmkit.outbox import json_time
from tidtam_contracts.base import check_contract
from tidtam_contracts.leads import LeadAssignedV1, LeadCreatedV2, LeadEvent

from ..contracts import EVENTS
from ..leads.events import _COLUMNS as EVENT_COLUMNS
from ..leads.models import Lead
from ..leads.repository import COLUMNS, LeadRow, readable

STAGE = "lead_import_stage"
# The staging table's columns, in COPY's order; `n` is the row's place in the batch.
STAGE_COLUMNS = ("n", "id", "name", "phone", "email", "email_key", "company", "note",
                 "source", "owner_id", "potential", "custom", "product_ids")
_CREATE_STAGE = f"""
DROP TABLE IF EXISTS pg_temp.{STAGE};
CREATE TEMPORARY TABLE {STAGE} (
    n integer PRIMARY KEY, id uuid NOT NULL, name text, phone text, email text,
    email_key text, company text, note text, source text, owner_id uuid,
    potential numeric, custom jsonb, product_ids uuid[] NOT NULL
) ON COMMIT DROP"""


class Match(TypedDict):
    id: uuid.UUID
    phone: str
    email_key: str


async def stage(session: Any, rows: Sequence[dict[str, Any]]) -> None:
    """The batch's checked rows into the staging table (made anew), by COPY."""
    conn = await driver(session)
    await conn.execute(_CREATE_STAGE)
    if rows:
        await conn.copy_records_to_table(STAGE, columns=STAGE_COLUMNS, records=[
            (n, r["id"], r["name"], r["phone"], r["email"], r["email"].lower(), r["company"],
             r["note"], r["source"], r["owner_id"], r["potential"],
             orjson.dumps(r["custom"]).decode(), list(r.get("product_ids") or ()))
            for n, r in enumerate(rows)])


async def duplicates(session: AsyncSession, tenant: TenantId, scope: VisibilityScope, *,
                     phones: Sequence[str], emails: Sequence[str]) -> list[Match]:
    """Open (inbox) leads the caller sees with one of these phones or emails: the rule of
    the create's `possible_duplicates`, for a whole batch.

    Not a join with the staging table: while a first import fills a tenant's table its
    statistics still say it is nearly empty, and the planner then probed the email look-up
    through the phone index (tenant only, email as a filter: 2 s and more a batch, growing
    with the table, measured). Lists of literals give it the values and a BitmapOr of the
    two partial indexes."""
    if not phones and not emails:
        return []
    # The status as a literal, not a parameter: the phone and email indexes are partial on
    # status = 'inbox', and a cached generic plan with a parameter would not use them.
    q = sa.select(Lead.id, Lead.phone, Lead.email_key).where(
        Lead.tenant_id == tenant.value, Lead.status == sa.literal_column("'inbox'"),
        readable(scope),
        sa.or_(Lead.phone.in_(phones), Lead.email_key.in_([e.lower() for e in emails])))
    return rows_as(Match, (await session.execute(q)).mappings())


def _json(annotation: Any, column: str) -> str:
    """SQL: the lead column `column` as pydantic's JSON mode writes a field of this type."""
    if typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            annotation = args[0]
    origin = typing.get_origin(annotation)
    if annotation is datetime:
        return f"to_jsonb({json_time(column)})"
    if annotation is Decimal:  # pydantic writes a Decimal as a string ("1000.00")
        return f"to_jsonb({column}::text)"
    if annotation in (str, uuid.UUID, int, bool, dict) or origin in (list, dict, typing.Literal):
        return f"to_jsonb({column})"
    raise TypeError(f"no SQL for a {annotation!r} event field ({column})")


def _event_payload(contract: type[LeadEvent], source: str, extra: dict[str, str]) -> str:
    """SQL: the CloudEvent of `contract` for a row of `source` (a just-inserted lead with
    its `event_id`), as `outbox.stage_args` would write it (correlation id: parameter $6):
    its `data` made from the contract's own fields, the lead's columns and `extra` (field ->
    SQL) for the others, so a field added to the contract is in it or this raises (and a
    test compares the two)."""
    check_contract(contract)
    data = []
    for name, info in contract.model_fields.items():
        if name in extra:
            data.append(f"'{name}', to_jsonb({extra[name]})")
            continue
        column = f"{source}.{EVENT_COLUMNS.get(name, name)}"
        data.append(f"'{name}', {_json(info.annotation, column)}")
    envelope = [
        "'specversion', '1.0'", f"'id', {source}.event_id::text",
        f"'source', '/services/{EVENTS.service}'", f"'type', '{contract.TYPE}'",
        f"'subject', {source}.id::text",
        "'time', to_char(clock_timestamp() AT TIME ZONE 'UTC', "
        "'YYYY-MM-DD\"T\"HH24:MI:SS.US\"+00:00\"')",
        "'datacontenttype', 'application/json'", f"'tenantid', {source}.tenant_id::text",
        f"'dataversion', '{contract.VERSION}'", f"'sequence', {source}.version",
        f"'data', jsonb_build_object({', '.join(data)})"]
    payload = f"jsonb_build_object({', '.join(envelope)})"
    # correlationid is left out when there is none, as exclude_none does
    return (f"{payload} || CASE WHEN $6::text = '' THEN '{{}}'::jsonb "
            "ELSE jsonb_build_object('correlationid', $6::text) END")


_RETURNING = ", ".join(c.name for c in COLUMNS)
# One statement: the leads, their history, and their events in the outbox, in order per
# lead: `lead.created`, then `lead.assigned` when its owner is not the importer ($5) and no
# queue chose it ($7: those leads come back, and the caller stages their events, naming the
# queue). The events' ids are drawn once per event (a volatile subquery is not flattened).
_INSERT = f"""
WITH lead AS (
    INSERT INTO leads (tenant_id, id, name, phone, email, company, note, source, owner_id,
                       pipeline_id, stage_id, potential, custom, product_ids)
    SELECT $1, id, name, phone, email, company, note, source, owner_id, $2, $3, potential,
           custom, product_ids
    FROM {STAGE} WHERE n = ANY($4::integer[]) ORDER BY n
    RETURNING {_RETURNING}
), history AS (
    INSERT INTO lead_history (tenant_id, lead_id, kind, author_id, detail)
    SELECT tenant_id, id, 'created', $5,
           jsonb_build_object('owner_id', owner_id::text, 'source', source,
                              'import_id', $6::text)
    FROM lead
), event AS (
    INSERT INTO outbox (event_id, event_type, tenant_id, payload)
    SELECT event_id, event_type, tenant_id, payload FROM (
        SELECT c.event_id, '{LeadCreatedV2.TYPE}' AS event_type, c.tenant_id, c.id, 0 AS k,
               {_event_payload(LeadCreatedV2, "c", {"by_user_id": "$5::uuid"})} AS payload
        FROM (SELECT gen_random_uuid() AS event_id, lead.* FROM lead) c
        UNION ALL
        SELECT a.event_id, '{LeadAssignedV1.TYPE}', a.tenant_id, a.id, 1,
               {_event_payload(LeadAssignedV1, "a", {
                   "from_user_id": "NULL::uuid", "by_user_id": "$5::uuid",
                   "queue_id": "NULL::uuid", "queue_name": "NULL::text"})}
        FROM (SELECT gen_random_uuid() AS event_id, lead.* FROM lead
              WHERE lead.owner_id <> $5 AND NOT lead.id = ANY($7::uuid[])) a
    ) e ORDER BY e.id, e.k
)
SELECT {_RETURNING} FROM lead WHERE id = ANY($7::uuid[])"""


async def insert_staged(session: Any, tenant: TenantId, numbers: Sequence[int], *,
                        pipeline_id: uuid.UUID, stage_id: uuid.UUID, author_id: uuid.UUID,
                        import_id: str, queued: Sequence[uuid.UUID]) -> list[LeadRow]:
    """The staged rows `numbers` as new leads (in their owners' Inbox), with their `created`
    history, `lead.created` events and, for those owned by another than the importer, their
    `lead.assigned` (correlation: the import's id), in one statement. Returns the leads
    whose owners the queues chose (`queued`: their ids); the caller stages their
    `lead.assigned` (naming the queue) and their history."""
    if not numbers:
        return []
    conn = await driver(session)
    found = await conn.fetch(_INSERT, tenant.value, pipeline_id, stage_id, list(numbers),
                             author_id, import_id, list(queued))
    return rows_as(LeadRow, (dict(r.items()) for r in found))


async def set_owners(session: Any, owners: dict[int, uuid.UUID]) -> None:
    """The owners the queues chose, onto their staged rows."""
    if owners:
        conn = await driver(session)
        await conn.execute(
            f"UPDATE {STAGE} s SET owner_id = o.owner_id FROM unnest($1::integer[], "
            "$2::uuid[]) AS o(n, owner_id) WHERE s.n = o.n", list(owners), list(owners.values()))


# The columns an import's `update` may change (LeadPatch's fields that a sheet fills).
UPDATED = ("name", "company", "note", "potential", "product_ids", "custom")


async def lock_for_update(session: AsyncSession, tenant: TenantId, scope: VisibilityScope,
                          ids: Sequence[uuid.UUID]) -> list[LeadRow]:
    """The leads the caller sees among `ids`, locked for the change (in id order: no two
    imports wait on each other crosswise)."""
    if not ids:
        return []
    q = (sa.select(*COLUMNS).where(Lead.tenant_id == tenant.value,
                                   Lead.id.in_(sorted(set(ids))), readable(scope))
         .order_by(Lead.id).with_for_update())
    return rows_as(LeadRow, (await session.execute(q)).mappings())


async def update_many(session: AsyncSession, tenant: TenantId,
                      values: dict[uuid.UUID, dict[str, Any]]) -> list[LeadRow]:
    """Each lead's `UPDATED` columns set (and its version bumped, as the PATCH's update), by
    one executemany; the rows as they are now."""
    table = typing.cast(sa.Table, Lead.__table__)
    c = table.c
    await session.execute(
        sa.update(table).where(c.tenant_id == tenant.value,
                                        c.id == sa.bindparam("lead_id"))
        .values(**{k: sa.bindparam(f"v_{k}") for k in UPDATED},
                version=c.version + 1, updated_at=sa.func.now()),
        [{"lead_id": lead_id, **{f"v_{k}": v[k] for k in UPDATED}}
         for lead_id, v in values.items()])
    q = (sa.select(*COLUMNS).where(Lead.tenant_id == tenant.value,
                                   Lead.id.in_(list(values))).order_by(Lead.id))
    return rows_as(LeadRow, (await session.execute(q)).mappings())

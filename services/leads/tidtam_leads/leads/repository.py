"""All SQL about leads. Visibility is applied here, in SQL, from the caller's scope."""

from __future__ import annotations

import functools
import uuid
from collections.abc import AsyncIterator, Callable, Sequence
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, TypedDict, cast

import asyncpg
import orjson
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import array
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.context import TenantId, VisibilityScope
from crmkit.custom import CustomFilter, to_sql
from crmkit.db import driver, row_as, rows_as
from crmkit.events import CloudEvent
from crmkit.outbox import stage_args, staged_with
from crmkit.paging import before

from ..labels.models import Label, LeadLabel
from .models import Lead

COLUMNS = [c for c in Lead.__table__.c if c.name not in ("search", "email_key")]


class LeadRow(TypedDict):
    """A lead as the queries return it: COLUMNS (a test holds the two equal)."""

    tenant_id: uuid.UUID
    id: uuid.UUID
    name: str
    phone: str
    email: str
    company: str | None
    note: str | None
    source: str
    owner_id: uuid.UUID
    status: str
    status_reason: str | None
    sent_by: list[uuid.UUID]
    pipeline_id: uuid.UUID
    stage_id: uuid.UUID
    potential: Decimal | None
    version: int
    created_at: datetime
    updated_at: datetime
    custom: dict[str, Any]
    account_id: uuid.UUID | None
    contact_id: uuid.UUID | None
    conversion_id: uuid.UUID | None
    conversion_status: str | None
    conversion_error: str | None
    qualification: str | None
    consent: dict[str, Any] | None
    line_id: str | None
    product_ids: list[uuid.UUID]
    consent_change: dict[str, Any] | None


class LeadView(LeadRow):
    """A lead as one viewer reads it: with the labels they may see."""

    label_ids: list[uuid.UUID]


# A search's first page straight from lead_search_page: box, scope, keyset position, size.
SearchPage = tuple[str, VisibilityScope, tuple[datetime, uuid.UUID] | None, int]


class DuplicateRow(TypedDict):
    id: uuid.UUID
    name: str
    phone: str
UUID_ARRAY = sa.ARRAY(sa.Uuid)
_CENTS = Decimal("0.01")  # leads.potential is numeric(14, 2): PostgreSQL rounds half up


def writable(scope: VisibilityScope) -> sa.ColumnElement[bool]:
    if scope.owner_ids is None:  # sees all
        return sa.true()
    return Lead.owner_id.in_(sorted(scope.owner_ids))


def readable(scope: VisibilityScope) -> sa.ColumnElement[bool]:
    cond = writable(scope)
    if scope.sender_id is not None:
        cond = sa.or_(cond, Lead.sent_by.contains(array([scope.sender_id], type_=sa.Uuid)))
    return cond


def label_ids_of(viewer: uuid.UUID) -> sa.ScalarSelect[list[uuid.UUID]]:
    """The lead's labels the viewer may see: system ones and their own personal ones."""
    return (
        sa.select(sa.func.coalesce(sa.func.array_agg(LeadLabel.label_id),
                                   sa.text("'{}'::uuid[]")))
        .join(Label, sa.and_(Label.tenant_id == LeadLabel.tenant_id,
                             Label.id == LeadLabel.label_id))
        .where(LeadLabel.tenant_id == Lead.tenant_id, LeadLabel.lead_id == Lead.id,
               sa.or_(Label.scope == "system", Label.created_by == viewer))
        .scalar_subquery()
    )


_RETURNING = ", ".join(c.name for c in COLUMNS)
_INSERT_CREATED = f"""
WITH lead AS (
    INSERT INTO leads (tenant_id, id, name, phone, email, company, note, source,
                       owner_id, pipeline_id, stage_id, potential, custom, account_id,
                       contact_id, product_ids)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $15::jsonb, $16, $17,
            $18::uuid[])
    RETURNING {_RETURNING}
), history AS (
    INSERT INTO lead_history (tenant_id, lead_id, kind, author_id, detail)
    SELECT tenant_id, id, 'created', $13, $14::jsonb FROM lead
), event AS (
    {staged_with("lead", 19, {"created_at": "created_at", "updated_at": "updated_at"})}
)
SELECT lead.*, (
    SELECT coalesce(jsonb_agg(jsonb_build_object('id', d.id, 'name', d.name,
                                                 'phone', d.phone)
                              ORDER BY d.created_at DESC), '[]'::jsonb)
    FROM ({{duplicates}}) AS d
) AS possible_duplicates
FROM lead"""
# What the columns the insert leaves out hold in a new lead (their server defaults).
NEW_LEAD: dict[str, Any] = {"status": "inbox", "status_reason": None, "sent_by": [], "version": 1,
            "conversion_id": None, "conversion_status": None, "conversion_error": None,
            "qualification": None, "consent": None, "line_id": None,
            "consent_change": None}
_STAMPED = ("created_at", "updated_at")  # set by the database: the event gets them in SQL
_PLACEHOLDER_TIME = datetime(1970, 1, 1, tzinfo=UTC)


@functools.cache
def _insert_created_sql(sees_all: bool, sender: bool) -> str:
    # Prepared once per visibility shape (the duplicates' conditions differ).
    dups = _duplicates_sql(sees_all=sees_all, sender=sender, first=23)
    return _INSERT_CREATED.replace("{duplicates}", dups)


async def insert_created(session: AsyncSession, tenant: TenantId, scope: VisibilityScope,
                         values: dict[str, Any], *, author_id: uuid.UUID | None,
                         detail: dict[str, Any], event: Callable[[LeadRow], CloudEvent]
                         ) -> tuple[LeadRow, list[DuplicateRow]]:
    """`insert_created_on` in the session's transaction."""
    return await insert_created_on(await driver(session), tenant, scope, values,
                                   author_id=author_id, detail=detail, event=event)


async def insert_created_on(conn: asyncpg.Connection, tenant: TenantId, scope: VisibilityScope,
                            values: dict[str, Any], *, author_id: uuid.UUID | None,
                            detail: dict[str, Any], event: Callable[[LeadRow], CloudEvent]
                            ) -> tuple[LeadRow, list[DuplicateRow]]:
    """Insert a new lead, its `created` history entry and its event (`event(row)`) in the
    outbox, and read the open leads the caller sees with the same phone or email: one
    statement, one round trip (the hot path of POST /leads). The event is made from the
    row as it will be (the values, the server defaults of NEW_LEAD), its timestamps filled
    in by the statement; the row the statement returns is checked to be that row, so the
    event says what was stored or the transaction fails. Returns the row and the
    duplicates."""
    v = {**values, **NEW_LEAD, "tenant_id": tenant.value,
         "custom": values.get("custom") or {},
         "product_ids": list(values.get("product_ids") or []),
         "potential": None if values["potential"] is None
         else values["potential"].quantize(_CENTS, rounding=ROUND_HALF_UP)}
    staged = stage_args(event(cast(LeadRow, {**v, **dict.fromkeys(_STAMPED,
                                                                  _PLACEHOLDER_TIME)})))
    dup_args = _duplicates_args(tenant, scope, phone=v["phone"], email=v["email"],
                                exclude=v["id"])
    row = await conn.fetchrow(
        _insert_created_sql(scope.owner_ids is None, scope.sender_id is not None),
        tenant.value, v["id"], v["name"], v["phone"], v["email"], v["company"], v["note"],
        v["source"], v["owner_id"], v["pipeline_id"], v["stage_id"], v["potential"],
        author_id, orjson.dumps(detail).decode(), orjson.dumps(v["custom"]).decode(),
        v.get("account_id"), v.get("contact_id"), v["product_ids"], *staged, *dup_args)
    if row is None:  # an INSERT … RETURNING always returns its row
        raise RuntimeError("the lead's insert returned no row")
    data = dict(row.items())
    dups = [DuplicateRow(id=uuid.UUID(d["id"]), name=d["name"], phone=d["phone"])
            for d in data.pop("possible_duplicates")]
    lead = row_as(LeadRow, data)
    differs = sorted(k for k, value in data.items() if k not in _STAMPED and value != v[k])
    if differs:
        raise RuntimeError(f"the new lead's event would not say what was stored: {differs}")
    return lead, dups


async def get(session: AsyncSession, tenant: TenantId, scope: VisibilityScope, *,
              lead_id: uuid.UUID, viewer: uuid.UUID, lock: bool = False) -> LeadView | None:
    q = sa.select(*COLUMNS, label_ids_of(viewer).label("label_ids")).where(
        Lead.tenant_id == tenant.value, Lead.id == lead_id, readable(scope))
    if lock:
        q = q.with_for_update(of=Lead)
    row = (await session.execute(q)).mappings().one_or_none()
    return None if row is None else row_as(LeadView, row)


async def update(session: AsyncSession, tenant: TenantId, lead_id: uuid.UUID,
                 values: dict[str, Any]) -> LeadRow:
    """Apply a change and bump the aggregate's version (the events' `sequence`)."""
    return row_as(LeadRow, (await session.execute(
        sa.update(Lead).where(Lead.tenant_id == tenant.value, Lead.id == lead_id)
        .values(**values, version=Lead.version + 1, updated_at=sa.func.now())
        .returning(*COLUMNS)
    )).mappings().one())


def _matching_ids(text_: str, digits: str | None,
                  page: SearchPage | None) -> sa.Select[uuid.UUID]:
    """Ids of the tenant's leads whose search text matches; with `page` (box, scope, keyset
    position, size) only the first page of the caller's writable ones in that box."""
    text_arg, digits_arg = sa.literal(text_, sa.Text), sa.literal(digits, sa.Text)
    if page is None:
        return sa.select(sa.func.lead_search_ids(text_arg, digits_arg))
    box, scope, after, limit = page
    owners = None if scope.owner_ids is None else sorted(scope.owner_ids)
    return sa.select(sa.func.lead_search_page(
        text_arg, digits_arg, sa.literal(box, sa.Text), sa.literal(owners, sa.ARRAY(sa.Uuid)),
        sa.literal(after[0] if after else None, sa.DateTime(timezone=True)),
        sa.literal(after[1] if after else None, sa.Uuid), limit))


def in_box(box: str, scope: VisibilityScope,
           viewer: uuid.UUID) -> list[sa.ColumnElement[bool]]:
    """The leads in the caller's `box`: for `sent`, those they passed on to someone else."""
    if box == "sent":
        return [Lead.sent_by.contains(array([viewer], type_=sa.Uuid)), Lead.owner_id != viewer,
                readable(scope)]
    # The read-only leads a caller sent on belong in their Sent box, not here.
    return [Lead.status == box, writable(scope)]


async def box_counts(session: AsyncSession, tenant: TenantId, scope: VisibilityScope,
                     viewer: uuid.UUID, boxes: Sequence[str]) -> dict[str, int]:
    """How many leads each box holds for the caller, by the lists' own conditions."""
    q = sa.select(*(sa.func.count().filter(sa.and_(*in_box(box, scope, viewer))).label(box)
                    for box in boxes)).where(Lead.tenant_id == tenant.value, readable(scope))
    return dict((await session.execute(q)).mappings().one())


async def page(session: AsyncSession, tenant: TenantId, scope: VisibilityScope,
               viewer: uuid.UUID, *, box: str, limit: int,
               after: tuple[datetime, uuid.UUID] | None, q_text: str | None,
               q_digits: str | None, label_id: uuid.UUID | None,
               pipeline_id: uuid.UUID | None, stage_id: uuid.UUID | None,
               owner_id: uuid.UUID | None, custom: Sequence[CustomFilter] = (),
               also_q: tuple[str | None, str | None] | None = None,
               qualified: bool | None = None) -> list[LeadView]:
    """One page of a box, newest first, keyset on (created_at, id). `custom`: `cf.*`
    filters; `also_q`: a second search that must match too (a segment's).

    The first page of a box without filters (what a list screen opens on, the hot case) is
    the same statement for every request of one caller: built and compiled once per caller
    (`_first_page`), then run as a prepared statement on the driver, without SQLAlchemy's
    per-request construction, cache-key and result work."""
    if after is None and not (q_text or label_id or pipeline_id or stage_id or owner_id
                              or custom or also_q or qualified is not None):
        sql, args = _first_page(session.get_bind().dialect, tenant.value, scope, viewer,
                                box=box, limit=limit)
        return rows_as(LeadView, await (await driver(session)).fetch(sql, *args))
    return rows_as(LeadView, await session.execute(_page_query(
        tenant.value, scope, viewer, box=box, limit=limit, after=after, q_text=q_text,
        q_digits=q_digits, label_id=label_id, pipeline_id=pipeline_id, stage_id=stage_id,
        owner_id=owner_id, custom=custom, also_q=also_q, qualified=qualified)))


async def stream(session: AsyncSession, tenant: TenantId, scope: VisibilityScope,
                 viewer: uuid.UUID, *, box: str, q_text: str | None, q_digits: str | None,
                 label_id: uuid.UUID | None, pipeline_id: uuid.UUID | None,
                 stage_id: uuid.UUID | None, owner_id: uuid.UUID | None,
                 custom: Sequence[CustomFilter] = (),
                 also_q: tuple[str | None, str | None] | None = None,
                 qualified: bool | None = None,
                 columns: Sequence[sa.ColumnElement[Any]] = COLUMNS,
                 fetch: int = 10_000) -> AsyncIterator[list[asyncpg.Record]]:
    """Every lead `page` would list with these filters, newest first, as driver records
    (`columns`: by default COLUMNS, without the viewer's labels) in batches of `fetch`:
    one statement through a server-side cursor in the session's transaction (exports:
    memory stays flat, and no per-page query or per-row conversion)."""
    # No LIMIT; a search alone still goes through lead_search_page, given a size past any.
    query = _page_query(tenant.value, scope, viewer, box=box, limit=2**31 - 1, after=None,
                        q_text=q_text, q_digits=q_digits, label_id=label_id,
                        pipeline_id=pipeline_id, stage_id=stage_id, owner_id=owner_id,
                        custom=custom, also_q=also_q, qualified=qualified)
    query = query.with_only_columns(*columns).limit(None)
    compiled = query.compile(dialect=session.get_bind().dialect,
                             compile_kwargs={"render_postcompile": True})
    params = compiled.construct_params()
    args = [params[name] for name in compiled.positiontup or ()]
    conn = await driver(session)
    cursor = await conn.cursor(compiled.string, *args)
    while batch := await cursor.fetch(fetch):
        yield batch


def _answer_columns(viewer: uuid.UUID) -> list[sa.ColumnElement[Any]]:
    """LeadOut's fields, in its order and by its names, for a box other than `sent`: every
    lead listed there is one the caller may change (`in_box`), so `read_only` is false;
    `marketing` is left for the caller to fill in (crmkit's consent rule, in Python)."""
    named: dict[str, sa.ColumnElement[Any]] = {c.name: c for c in COLUMNS}
    named |= {"box": Lead.status.label("box"), "reason": Lead.status_reason.label("reason"),
              "label_ids": label_ids_of(viewer).label("label_ids"),
              "read_only": sa.false().label("read_only"),
              "marketing": sa.null().label("marketing")}
    return [named[name] for name in ANSWER_FIELDS]


# LeadOut's fields (schemas.py; tests/leads/test_lead_rows.py holds the two equal).
ANSWER_FIELDS = ("id", "name", "phone", "email", "company", "note", "source", "owner_id", "box",
                 "reason", "sent_by", "pipeline_id", "stage_id", "potential", "custom",
                 "account_id", "contact_id", "conversion_status", "version", "created_at",
                 "updated_at", "product_ids", "qualification", "conversion_error", "label_ids",
                 "read_only", "consent", "line_id", "consent_change", "marketing")


async def first_page_answer(session: AsyncSession, tenant: TenantId, scope: VisibilityScope,
                            viewer: uuid.UUID, *, box: str, limit: int) -> list[dict[str, Any]]:
    """The first page of a box other than `sent`, without filters (what a list screen opens
    on: the hot case), as the answer's items: each row a dict of ANSWER_FIELDS in order,
    straight from the driver's record (no per-row reshaping). `marketing` is None: the
    caller fills it in. One prepared statement per caller, as `page`'s first page."""
    if box == "sent":
        raise ValueError("the Sent box's leads may be read-only: use `page`")
    sql, args = _first_page(session.get_bind().dialect, tenant.value, scope, viewer,
                            box=box, limit=limit, answer=True)
    return [dict(r.items()) for r in await (await driver(session)).fetch(sql, *args)]


@functools.lru_cache(maxsize=4096)
def _first_page(dialect: Dialect, tenant: uuid.UUID, scope: VisibilityScope,
                viewer: uuid.UUID, *, box: str, limit: int,
                answer: bool = False) -> tuple[str, tuple[Any, ...]]:
    """The SQL and arguments of a box's first page for one caller (they hold only the
    caller's verified tenant, scope and id: the same for every request of theirs); with
    `answer`, its columns are the answer's (`_answer_columns`)."""
    query = _page_query(tenant, scope, viewer, box=box, limit=limit, after=None,
                        q_text=None, q_digits=None, label_id=None, pipeline_id=None,
                        stage_id=None, owner_id=None)
    if answer:
        query = query.with_only_columns(*_answer_columns(viewer))
    compiled = query.compile(dialect=dialect, compile_kwargs={"render_postcompile": True})
    params = compiled.construct_params()
    return compiled.string, tuple(params[name] for name in compiled.positiontup or ())


def _page_query(tenant: uuid.UUID, scope: VisibilityScope, viewer: uuid.UUID, *, box: str,
                limit: int, after: tuple[datetime, uuid.UUID] | None, q_text: str | None,
                q_digits: str | None, label_id: uuid.UUID | None,
                pipeline_id: uuid.UUID | None, stage_id: uuid.UUID | None,
                owner_id: uuid.UUID | None, custom: Sequence[CustomFilter] = (),
                also_q: tuple[str | None, str | None] | None = None,
                qualified: bool | None = None) -> sa.Select[Any]:
    where = [Lead.tenant_id == tenant, *in_box(box, scope, viewer)]
    where += before(Lead.created_at, Lead.id, after)
    # The search goes through lead_search (migration 0005): under RLS no trigram index
    # serves `leads` itself. With nothing else to filter on, one page straight from it.
    alone = box != "sent" and not (label_id or pipeline_id or stage_id or owner_id or custom
                                   or also_q or qualified is not None)
    for text_, digits in ((q_text, q_digits), also_q or (None, None)):
        if text_:
            where.append(Lead.id.in_(_matching_ids(
                text_, digits, (box, scope, after, limit) if alone else None)))
    where += to_sql(Lead.custom, custom)
    if pipeline_id:
        where.append(Lead.pipeline_id == pipeline_id)
    if stage_id:
        where.append(Lead.stage_id == stage_id)
    if owner_id:
        where.append(Lead.owner_id == owner_id)
    if qualified is not None:
        where.append(Lead.qualification == "qualified" if qualified
                     else Lead.qualification.is_distinct_from("qualified"))
    if label_id:
        where.append(sa.exists().where(
            LeadLabel.tenant_id == Lead.tenant_id, LeadLabel.lead_id == Lead.id,
            LeadLabel.label_id == label_id, Label.tenant_id == LeadLabel.tenant_id,
            Label.id == LeadLabel.label_id,
            sa.or_(Label.scope == "system", Label.created_by == viewer)))
    return (sa.select(*COLUMNS, label_ids_of(viewer).label("label_ids")).where(*where)
            .order_by(Lead.created_at.desc(), Lead.id.desc()).limit(limit))


def _duplicates_sql(*, sees_all: bool, sender: bool, first: int) -> str:
    """Open leads with the same phone or email (id, name, phone, created_at), parameters
    `first` on: tenant, the lead to leave out, phone, lower-cased email, then the caller's
    owners unless they see all, then the caller as a sender if they see what they sent."""
    # One branch per index (ix_leads_phone, ix_leads_email; both partial on the literal
    # status 'inbox'), so that the plan PostgreSQL caches for this prepared statement (a
    # generic plan, after five executions) still uses them. As one OR with a parameter for
    # the status, the generic plan walked the tenant's whole inbox (90 ms at 100,000 leads);
    # so did a branch with its own ORDER BY created_at LIMIT, which tempted the planner into
    # the (tenant_id, status, created_at) index. The branches only fetch matches; the sort
    # and limit come after the union.
    p = [f"${first + i}" for i in range(6)]
    visible = ""
    if not sees_all:
        visible = f" AND (owner_id = ANY({p[4]}::uuid[])"
        if sender:
            visible += f" OR sent_by @> ARRAY[{p[5]}::uuid]"
        visible += ")"
    branch = (f"SELECT id, name, phone, created_at FROM leads WHERE tenant_id = {p[0]} "
              f"AND status = 'inbox' AND {{match}} AND id <> {p[1]}" + visible)
    return (f"SELECT * FROM ({branch.format(match=f'phone = {p[2]}')} UNION "
            f"{branch.format(match=f'email_key = {p[3]}')}) AS u "
            "ORDER BY created_at DESC LIMIT 10")


def _duplicates_args(tenant: TenantId, scope: VisibilityScope, *, phone: str, email: str,
                     exclude: uuid.UUID) -> list[Any]:
    args: list[Any] = [tenant.value, exclude, phone, email.lower()]
    if scope.owner_ids is not None:
        args.append(sorted(scope.owner_ids))
        if scope.sender_id is not None:
            args.append(scope.sender_id)
    return args


async def set_label(session: AsyncSession, tenant: TenantId, lead_id: uuid.UUID,
                    label_ids: list[uuid.UUID]) -> None:
    if not label_ids:
        return
    from sqlalchemy.dialects.postgresql import insert as pg_insert

    await session.execute(pg_insert(LeadLabel).values([
        dict(tenant_id=tenant.value, lead_id=lead_id, label_id=lid) for lid in label_ids
    ]).on_conflict_do_nothing())


async def unset_label(session: AsyncSession, tenant: TenantId, *, lead_id: uuid.UUID,
                      label_id: uuid.UUID) -> None:
    await session.execute(sa.delete(LeadLabel).where(
        LeadLabel.tenant_id == tenant.value, LeadLabel.lead_id == lead_id,
        LeadLabel.label_id == label_id))


async def open_match(session: AsyncSession, tenant: TenantId, *, phone: str,
                     email: str, line_id: str | None = None) -> LeadRow | None:
    """The newest open lead (inbox) with this phone, (lower-cased) email or LINE user id,
    locked for the change; empty values match nothing. Each uses its partial index."""
    conds = []
    if line_id:
        conds.append(Lead.line_id == line_id)
    if phone:
        conds.append(Lead.phone == phone)
    if email:
        conds.append(Lead.email_key == email.lower())
    if not conds:
        return None
    row = (await session.execute(
        sa.select(*COLUMNS).where(Lead.tenant_id == tenant.value, Lead.status == "inbox",
                                  sa.or_(*conds))
        .order_by(Lead.created_at.desc(), Lead.id.desc()).limit(1).with_for_update()
    )).mappings().one_or_none()
    return row_as(LeadRow, row) if row is not None else None


async def set_captured(session: AsyncSession, tenant: TenantId, lead_id: uuid.UUID,
                       values: dict[str, Any]) -> None:
    """Record the person's consent (and LINE user id) on the lead: not a change of the
    lead's own fields (those of its events), so no new version."""
    await session.execute(sa.update(Lead).where(Lead.tenant_id == tenant.value,
                                                Lead.id == lead_id).values(**values))

"""All SQL of the calendar: a user's activities, their leads' planned next contacts, and
the yearly dates of accounts and contacts, each under the visibility given, as one query
whose answer is the JSON array of the items (schemas.CalendarItem), in order.

PostgreSQL writes the JSON: a month may hold thousands of items, and decoding each row's
columns into Python objects, building dicts and encoding them again took most of the
answer's time (bench/activities.py). It writes it as text: json_build_object and
row_to_json look up every value's type for every row and cost half as much again. Every
text a user wrote, and every time, goes through to_json (escaped); the rest are ids,
dates, numbers, booleans and our own words, which need no escaping.

One round trip a call: the tenant's time zone (unless given), the range's instants and
the items come from the one statement, and times are written as UTC whatever the
connection's zone (no `SET TimeZone` first). Building the statement's expression tree
took most of the service's CPU per call (py-spy), so it is compiled once per caller's
visibility (`key`) into SQL with `$n` parameters and run on the driver, a prepared
statement (statements.py).

The month mode (`per_day`) writes JSON only for the items it shows: per day, the first
`per_day` activities of each of all-day and timed ones and the first next contacts, read
in order from indexes (`ix_activities_owner_day`, migration 0004) by LIMITed lateral
scans, and the day's counts by type; only those candidates are ranked."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import date
from typing import Any

import asyncpg
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY, aggregate_order_by
from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.context import TenantId

from ..activities.models import Activity
from ..records.models import AccountRecord, AnniversaryRecord, LeadRecord
from ..records.settings import DEFAULT_TIME_ZONE, TenantSettings
from .statements import Statements

Sql = sa.ColumnElement[Any]
Param = sa.BindParameter[Any]
NULL = "null"
DAY: sa.ColumnClause[Any] = sa.literal_column("interval '1 day'")


def _text(value: str) -> Sql:
    """A constant text (ours: no quote in it)."""
    return sa.literal_column(f"'{value}'", sa.Text)


def _escaped(value: Any) -> Sql:
    """A user's text or JSON: as JSON, or null."""
    return sa.func.coalesce(sa.cast(sa.func.to_json(value), sa.Text), _text(NULL))


def _time(value: Any) -> Sql:
    """A time as JSON, UTC ISO 8601 (`"…+00:00"`, as to_json writes it in UTC), or null:
    written from the UTC wall time, so the connection's TimeZone does not matter."""
    utc = sa.cast(sa.func.to_json(sa.func.timezone(_text("UTC"), value)), sa.Text)
    return sa.func.coalesce(sa.func.left(utc, -1) + _text('+00:00"'), _text(NULL))


def _quoted(value: Any) -> Sql:
    """An id or a date (nothing to escape): as a JSON string, or null."""
    return sa.func.coalesce(_text('"') + sa.cast(value, sa.Text) + _text('"'), _text(NULL))


def _plain(value: Any) -> Sql:
    """A number or a boolean: as JSON, or null."""
    return sa.func.coalesce(sa.cast(value, sa.Text), _text(NULL))


def _object(*pairs: tuple[str, Sql | str]) -> Sql:
    """`{"key":value,…}` from values already written as JSON (a str: a constant one)."""
    out: Sql | None = None
    for i, (key, value) in enumerate(pairs):
        head = _text(("{" if i == 0 else ",") + f'"{key}":')
        part = head + (_text(value) if isinstance(value, str) else value)
        out = part if out is None else out + part
    assert out is not None
    return out + _text("}")


def _item(type_: str, uid: Sql, day: Sql, *, starts_at: Sql | str = NULL,
          ends_at: Sql | str = NULL, all_day: Sql | str = "false", title: Sql,
          owner_id: Sql | str = NULL, lead_id: Sql | str = NULL,
          account_id: Sql | str = NULL, contact_id: Sql | str = NULL,
          activity: Sql | str = NULL, anniversary: Sql | str = NULL,
          row: Sql | str = NULL, full: bool = False) -> Sql:
    """One item, its keys in CalendarItem's order. `full`: with `row` (the ICS feed's)."""
    pairs: list[tuple[str, Sql | str]] = [
        ("type", f'"{type_}"'), ("uid", _quoted(uid)), ("day", _quoted(day)),
        ("starts_at", starts_at), ("ends_at", ends_at), ("all_day", all_day),
        ("title", title), ("owner_id", owner_id), ("lead_id", lead_id),
        ("account_id", account_id), ("contact_id", contact_id), ("activity", activity),
        ("anniversary", anniversary)]
    if full:
        pairs.append(("row", row))
    return _object(*pairs)


@dataclass(frozen=True)
class Call:
    """A call's values, as the statement's parameters (bound anew each call; the rest of
    a compiled statement, the visibility's values, is the key's)."""

    tenant: Param
    user: Param
    first: Param
    last: Param
    zone: Param
    months: Param
    per_day: Param

    @staticmethod
    def of(tenant: TenantId, user_id: uuid.UUID, first: date, last: date, zone: str | None,
           months: list[int], per_day: int = 0) -> Call:
        return Call(
            tenant=sa.bindparam("cal_tenant", tenant.value, type_=sa.Uuid),
            user=sa.bindparam("cal_user", user_id, type_=sa.Uuid),
            first=sa.bindparam("cal_first", first, type_=sa.Date),
            last=sa.bindparam("cal_last", last, type_=sa.Date),
            zone=sa.bindparam("cal_zone", zone, type_=sa.Text),
            months=sa.bindparam("cal_months", months, type_=ARRAY(sa.Integer)),
            per_day=sa.bindparam("cal_per_day", per_day, type_=sa.Integer))

    def values(self) -> dict[str, Any]:
        return {str(p.key): p.value for p in (self.tenant, self.user, self.first, self.last,
                                              self.zone, self.months, self.per_day)}


@dataclass(frozen=True)
class Range:
    """The time zone (given, else the tenant's, else Bangkok's) and the instants from the
    start of the first day to the end of the last, as scalar subqueries (each once a
    statement)."""

    zone: Sql
    start: Sql
    end: Sql

    @staticmethod
    def of(call: Call) -> Range:
        named = sa.select(TenantSettings.time_zone).where(
            TenantSettings.tenant_id == call.tenant).scalar_subquery()
        zone = sa.func.coalesce(call.zone, named, _text(DEFAULT_TIME_ZONE)).label("zone")
        inner = sa.select(zone).subquery("tz")
        bounds = sa.select(
            inner.c.zone,
            sa.func.timezone(inner.c.zone, sa.cast(call.first, sa.DateTime)).label("lo"),
            sa.func.timezone(inner.c.zone, sa.cast(call.last, sa.DateTime) + DAY).label("hi"),
        ).cte("bounds")
        return Range(*(sa.select(c).scalar_subquery() for c in bounds.c))


def _local_day(moment: Any, zone: Sql) -> Sql:
    return sa.cast(sa.func.timezone(zone, moment), sa.Date)


def _row(type_: str, item: Sql, day: Sql, all_day: Any, starts_at: Any,
         uid: Sql) -> list[Sql]:
    """A union branch: the item, its type, and what the items are ordered by."""
    return [item.label("item"), _text(type_).label("type"), day.label("day"),
            all_day.label("all_day"), starts_at.label("starts_at"), uid.label("uid")]


def _activities(call: Call, day: Sql, visible: sa.ColumnElement[bool],
                full: bool) -> sa.Select[Any]:
    """The user's activities (not cancelled) as items on `day`; the caller adds the range."""
    a = Activity
    starts = sa.func.coalesce(a.starts_at, a.due_at, a.at)
    end_at = sa.func.coalesce(a.ends_at, a.due_at)
    overdue = sa.func.coalesce(sa.and_(a.status == "planned", end_at < sa.func.now()), False)
    uid = _text("activity-") + sa.cast(a.id, sa.Text) + _text("@tidtam")
    brief = _object(("id", _quoted(a.id)), ("kind", _quoted(a.kind)),
                    ("status", _quoted(a.status)), ("version", _plain(a.version)),
                    ("overdue", _plain(overdue)))
    # What the ICS feed adds to an activity's event.
    row = _object(("version", _plain(a.version)), ("updated_at", _time(a.updated_at)),
                  ("note", _escaped(a.note)), ("place", _plain(a.place)),
                  ("kind", _quoted(a.kind)))
    item = _item("activity", uid, day, starts_at=_time(starts), ends_at=_time(a.ends_at),
                 all_day=_plain(a.all_day), title=_escaped(a.subject),
                 owner_id=_quoted(a.owner_id), lead_id=_quoted(a.lead_id),
                 account_id=_quoted(a.account_id), contact_id=_quoted(a.contact_id),
                 activity=brief, row=row, full=full)
    return (sa.select(*_row("activity", item, day, a.all_day, starts, uid))
            .where(*_mine(call, visible)))


def _mine(call: Call, visible: sa.ColumnElement[bool]) -> list[sa.ColumnElement[bool]]:
    a = Activity
    return [a.tenant_id == call.tenant, a.owner_id == call.user, a.status != "cancelled",
            visible]


def _next_contacts(call: Call, day: Sql, visible: sa.ColumnElement[bool],
                   full: bool) -> sa.Select[Any]:
    """The user's leads' planned next contacts as items on `day`; the caller adds the
    range."""
    lead = LeadRecord
    uid = _text("next-contact-") + sa.cast(lead.id, sa.Text) + _text("@tidtam")
    item = _item("next_contact", uid, day, starts_at=_time(lead.next_contact_at),
                 title=_escaped(lead.name), owner_id=_quoted(lead.owner_id),
                 lead_id=_quoted(lead.id), full=full)
    return (sa.select(*_row("next_contact", item, day, sa.false(), lead.next_contact_at, uid))
            .where(*_leads(call, visible)))


def _leads(call: Call, visible: sa.ColumnElement[bool]) -> list[sa.ColumnElement[bool]]:
    lead = LeadRecord
    return [lead.tenant_id == call.tenant, lead.owner_id == call.user, visible]


def _yearly_dates(call: Call, visible: sa.ColumnElement[bool], full: bool) -> sa.Select[Any]:
    """Each date's returns between `first` and `last` (from its own year on): 29 February
    falls on 28 February in other years. `visible` is over AccountRecord (live ones)."""
    d = AnniversaryRecord
    years = sa.func.generate_series(
        sa.cast(sa.extract("year", call.first), sa.Integer),
        sa.cast(sa.extract("year", call.last), sa.Integer),
    ).table_valued("year").render_derived(name="years")
    year = years.c.year
    leap = sa.or_(sa.and_(year % 4 == 0, year % 100 != 0), year % 400 == 0)
    month_day = sa.cast(sa.extract("day", d.date), sa.Integer)
    day = sa.func.make_date(year, d.month, sa.case(
        (sa.and_(d.month == 2, month_day == 29, sa.not_(leap)), 28), else_=month_day))
    born = sa.cast(sa.extract("year", d.date), sa.Integer)
    uid = (_text("anniversary-") + sa.cast(d.source_id, sa.Text) + _text("-")
           + sa.cast(d.position, sa.Text) + _text("-") + sa.cast(year, sa.Text)
           + _text("@tidtam"))
    anniversary = _object(("kind", _escaped(d.kind)), ("date", _quoted(d.date)),
                          ("years", _plain(year - born)), ("note", _escaped(d.note)))
    item = _item("anniversary", uid, day, all_day="true", title=_escaped(d.name),
                 account_id=_quoted(d.account_id), contact_id=_quoted(d.contact_id),
                 anniversary=anniversary, full=full)
    return (sa.select(*_row("anniversary", item, day, sa.true(),
                             sa.cast(sa.null(), sa.DateTime(timezone=True)), uid))
            .select_from(d)
            .join(AccountRecord, sa.and_(AccountRecord.tenant_id == d.tenant_id,
                                         AccountRecord.id == d.account_id))
            .join(years, year >= born)
            .where(d.tenant_id == call.tenant, d.month == sa.any_(call.months),
                   AccountRecord.deleted.is_(False), visible, day >= call.first,
                   day <= call.last))


TYPES = ("activity", "next_contact", "anniversary")


@dataclass(frozen=True)
class Seen:
    """What of the tenant's records the calendar may show (SQL conditions over Activity,
    LeadRecord and AccountRecord)."""

    activities: sa.ColumnElement[bool]
    leads: sa.ColumnElement[bool]
    accounts: sa.ColumnElement[bool]


# The conditions, built only when the statement is compiled; with the `key` that stands
# for what decides them (the caller's visibility), so that a statement compiled with them
# serves every call with the same key (None: built and compiled each call).
Rules = Callable[[], Seen]


def _order(items: Any, start: Sql) -> list[Any]:
    """The items' order within a day: all-day first, then by time, then uid."""
    return [items.c.all_day.desc(), sa.func.coalesce(items.c.starts_at, start),
            items.c.uid.collate("C")]


def _array(joined: Sql) -> Sql:
    """`[…]` around the joined elements, as UTF-8 bytes (bytea: no decoding into a str
    and encoding back)."""
    return sa.func.convert_to(_text("[") + sa.func.coalesce(joined, _text("")) + _text("]"),
                              _text("UTF8"))


def _full(call: Call, seen: Seen, full: bool) -> sa.Select[Any]:
    """(zone, every item's JSON array)."""
    r = Range.of(call)
    a, lead = Activity, LeadRecord
    union = sa.union_all(
        _activities(call, _local_day(a.at, r.zone), seen.activities, full).where(
            a.at >= r.start, a.at < r.end),
        _next_contacts(call, _local_day(lead.next_contact_at, r.zone), seen.leads, full).where(
            lead.next_contact_at >= r.start, lead.next_contact_at < r.end),
        _yearly_dates(call, seen.accounts, full)).subquery("items")
    joined = sa.func.string_agg(union.c.item, aggregate_order_by(
        _text(","), union.c.day, *_order(union, r.start)))
    return sa.select(r.zone.label("zone"), sa.select(_array(joined)).scalar_subquery())


def _month(call: Call, seen: Seen) -> sa.Select[Any]:
    """(zone, the first `per_day` items of each day as a JSON array in the full order,
    each day's counts as a JSON array by day)."""
    r = Range.of(call)
    a, lead = Activity, LeadRecord
    g = sa.func.generate_series(sa.cast(call.first, sa.DateTime), sa.cast(call.last, sa.DateTime),
                                DAY).table_valued("at").render_derived(name="g")
    days = sa.select(sa.cast(g.c.at, sa.Date).label("day"),
                     sa.func.timezone(r.zone, g.c.at).label("lo"),
                     sa.func.timezone(r.zone, g.c.at + DAY).label("hi")).cte("days")
    in_day = (a.at >= days.c.lo, a.at < days.c.hi)
    lead_in_day = (lead.next_contact_at >= days.c.lo, lead.next_contact_at < days.c.hi)
    yearly = _yearly_dates(call, seen.accounts, False).cte("yearly")

    def first_of_day(query: sa.Select[Any], *order: Any) -> sa.Select[Any]:
        top = query.order_by(*order).limit(call.per_day).lateral()
        return sa.select(*top.c).select_from(days.join(top, sa.true()))

    candidates = sa.union_all(
        *(first_of_day(_activities(call, days.c.day, seen.activities, False).where(
            a.all_day.is_(flag), *in_day), a.at, a.id) for flag in (True, False)),
        first_of_day(_next_contacts(call, days.c.day, seen.leads, False).where(*lead_in_day),
                     lead.next_contact_at, lead.id),
        sa.select(*yearly.c)).subquery("items")
    ranked = sa.select(*candidates.c, sa.over(
        sa.func.row_number(), partition_by=candidates.c.day,
        order_by=_order(candidates, r.start)).label("rank")).subquery("ranked")
    items = sa.func.string_agg(ranked.c.item, aggregate_order_by(
        _text(","), ranked.c.day, *_order(ranked, r.start))).filter(
        ranked.c.rank <= call.per_day)

    def count(query: sa.Select[Any]) -> Sql:
        return query.with_only_columns(sa.func.count(),
                                       maintain_column_froms=True).scalar_subquery()

    counts = sa.select(
        days.c.day,
        count(sa.select(a.id).where(*_mine(call, seen.activities), *in_day)).label(TYPES[0]),
        count(sa.select(lead.id).where(*_leads(call, seen.leads), *lead_in_day)).label(TYPES[1]),
        count(sa.select(yearly.c.uid).where(yearly.c.day == days.c.day)).label(TYPES[2]),
    ).cte("counts").prefix_with("MATERIALIZED")  # each count once, however often used
    total = sum((counts.c[t] for t in TYPES[1:]), counts.c[TYPES[0]])
    day = _object(("day", _quoted(counts.c.day)), ("total", _plain(total)),
                  ("counts", _object(*((t, _plain(counts.c[t])) for t in TYPES))),
                  ("more", _plain(sa.func.greatest(total - call.per_day, 0))))
    by_day = sa.func.string_agg(day, aggregate_order_by(_text(","), counts.c.day)).filter(
        total > 0)
    return sa.select(r.zone.label("zone"), sa.select(_array(items)).scalar_subquery(),
                     sa.select(_array(by_day)).scalar_subquery())


STATEMENTS = Statements(size=512)


async def _run(session: AsyncSession, key: Hashable | None, call: Call,
               build: Any) -> asyncpg.Record:
    return await STATEMENTS.fetchrow(session, key, build, call.values())


async def items_json(session: AsyncSession, tenant: TenantId, user_id: uuid.UUID, *,
                     first: date, last: date, zone: str | None, months: list[int],
                     seen: Rules, key: Hashable | None,
                     full: bool = False) -> tuple[str, bytes]:
    """The time zone (`zone`, else the tenant's) and the items' JSON array (UTF-8), by day,
    then all-day first, time and uid; times in UTC (`full`: each item with `row`, what the
    ICS feed adds to an activity)."""
    call = Call.of(tenant, user_id, first, last, zone, months)
    row = await _run(session, None if key is None else ("full", full, key), call,
                     lambda: _full(call, seen(), full))
    return row[0], row[1]


async def month_json(session: AsyncSession, tenant: TenantId, user_id: uuid.UUID, *,
                     first: date, last: date, zone: str | None, months: list[int],
                     seen: Rules, key: Hashable | None,
                     per_day: int) -> tuple[str, bytes, bytes]:
    """The month mode, in one query: the zone, the first `per_day` items of each day (a
    JSON array in the order of items_json) and, per day with items, `{"day", "total",
    "counts": {type: n}, "more"}` (a JSON array by day; `more`: the items not among the
    first)."""
    call = Call.of(tenant, user_id, first, last, zone, months, per_day)
    row = await _run(session, None if key is None else ("month", key), call,
                     lambda: _month(call, seen()))
    return row[0], row[1], row[2]

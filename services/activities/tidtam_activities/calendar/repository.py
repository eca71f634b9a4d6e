"""All SQL of the calendar: a user's activities, their leads' planned next contacts, and
the yearly dates of accounts and contacts, each under the visibility given, as one query
whose answer is the JSON array of the items (schemas.CalendarItem), in order.

PostgreSQL writes the JSON: a month may hold thousands of items, and decoding each row's
columns into Python objects, building dicts and encoding them again took most of the
answer's time (bench/activities.py). It writes it as text: json_build_object and
row_to_json look up every value's type for every row and cost half as much again. Every
text a user wrote, and every time, goes through to_json (escaped); the rest are ids,
dates, numbers, booleans and our own words, which need no escaping."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.context import TenantId

from ..activities.models import Activity
from ..records.models import AccountRecord, AnniversaryRecord, LeadRecord

Sql = sa.ColumnElement[Any]
NULL = "null"


def _text(value: str) -> Sql:
    """A constant text (ours: no quote in it)."""
    return sa.literal_column(f"'{value}'", sa.Text)


def _escaped(value: Any) -> Sql:
    """A user's text, a time (UTC ISO 8601) or JSON: as JSON, or null."""
    return sa.func.coalesce(sa.cast(sa.func.to_json(value), sa.Text), _text(NULL))


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


def _local_day(moment: Any, zone: str) -> Sql:
    return sa.cast(sa.func.timezone(sa.literal(zone, sa.Text), moment), sa.Date)


def _row(type_: str, item: Sql, day: Sql, all_day: Any, starts_at: Any,
         uid: Sql) -> list[Sql]:
    """A union branch: the item, its type, and what the items are ordered by."""
    return [item.label("item"), _text(type_).label("type"), day.label("day"),
            all_day.label("all_day"), starts_at.label("starts_at"), uid.label("uid")]


def _activities(tenant: TenantId, user_id: uuid.UUID, start: datetime, end: datetime,
                zone: str, visible: sa.ColumnElement[bool], full: bool) -> sa.Select[Any]:
    a = Activity
    day = _local_day(a.at, zone)
    starts = sa.func.coalesce(a.starts_at, a.due_at, a.at)
    end_at = sa.func.coalesce(a.ends_at, a.due_at)
    overdue = sa.func.coalesce(sa.and_(a.status == "planned", end_at < sa.func.now()), False)
    uid = _text("activity-") + sa.cast(a.id, sa.Text) + _text("@tidtam")
    brief = _object(("id", _quoted(a.id)), ("kind", _quoted(a.kind)),
                    ("status", _quoted(a.status)), ("version", _plain(a.version)),
                    ("overdue", _plain(overdue)))
    # What the ICS feed adds to an activity's event.
    row = _object(("version", _plain(a.version)), ("updated_at", _escaped(a.updated_at)),
                  ("note", _escaped(a.note)), ("place", _plain(a.place)),
                  ("kind", _quoted(a.kind)))
    item = _item("activity", uid, day, starts_at=_escaped(starts), ends_at=_escaped(a.ends_at),
                 all_day=_plain(a.all_day), title=_escaped(a.subject),
                 owner_id=_quoted(a.owner_id), lead_id=_quoted(a.lead_id),
                 account_id=_quoted(a.account_id), contact_id=_quoted(a.contact_id),
                 activity=brief, row=row, full=full)
    return (sa.select(*_row("activity", item, day, a.all_day, starts, uid))
            .where(a.tenant_id == tenant.value, a.owner_id == user_id, a.at >= start,
                   a.at < end, a.status != "cancelled", visible))


def _next_contacts(tenant: TenantId, user_id: uuid.UUID, start: datetime, end: datetime,
                   zone: str, visible: sa.ColumnElement[bool], full: bool) -> sa.Select[Any]:
    lead = LeadRecord
    day = _local_day(lead.next_contact_at, zone)
    uid = _text("next-contact-") + sa.cast(lead.id, sa.Text) + _text("@tidtam")
    item = _item("next_contact", uid, day, starts_at=_escaped(lead.next_contact_at),
                 title=_escaped(lead.name), owner_id=_quoted(lead.owner_id),
                 lead_id=_quoted(lead.id), full=full)
    return (sa.select(*_row("next_contact", item, day, sa.false(), lead.next_contact_at, uid))
            .where(lead.tenant_id == tenant.value, lead.owner_id == user_id,
                   lead.next_contact_at >= start, lead.next_contact_at < end, visible))


def _yearly_dates(tenant: TenantId, first: date, last: date, months: list[int],
                  visible: sa.ColumnElement[bool], full: bool) -> sa.Select[Any]:
    """Each date's returns between `first` and `last` (from its own year on): 29 February
    falls on 28 February in other years. `visible` is over AccountRecord (live ones)."""
    d = AnniversaryRecord
    years = sa.func.generate_series(first.year, last.year).table_valued("year").render_derived(
        name="years")
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
    return (sa.select(*_row("anniversary", item, day, sa.true(), sa.null(), uid))
            .select_from(d)
            .join(AccountRecord, sa.and_(AccountRecord.tenant_id == d.tenant_id,
                                         AccountRecord.id == d.account_id))
            .join(years, year >= born)
            .where(d.tenant_id == tenant.value, d.month.in_(months),
                   AccountRecord.deleted.is_(False), visible, day >= first, day <= last))


TYPES = ("activity", "next_contact", "anniversary")


def _union(tenant: TenantId, user_id: uuid.UUID, first: date, last: date, start: datetime,
           end: datetime, zone: str, months: list[int], activities: sa.ColumnElement[bool],
           leads: sa.ColumnElement[bool], accounts: sa.ColumnElement[bool],
           full: bool) -> sa.Subquery:
    return sa.union_all(
        _activities(tenant, user_id, start, end, zone, activities, full),
        _next_contacts(tenant, user_id, start, end, zone, leads, full),
        _yearly_dates(tenant, first, last, months, accounts, full)).subquery("items")


def _order(items: Any, start: datetime) -> list[Any]:
    """The items' order within a day: all-day first, then by time, then uid."""
    return [items.c.all_day.desc(),
            sa.func.coalesce(items.c.starts_at, sa.literal(start, sa.DateTime(timezone=True))),
            items.c.uid.collate("C")]


def _array(joined: Sql) -> Sql:
    """`[…]` around the joined elements, as UTF-8 bytes (bytea: no decoding into a str
    and encoding back)."""
    return sa.func.convert_to(_text("[") + sa.func.coalesce(joined, _text("")) + _text("]"),
                              _text("UTF8"))


async def items_json(session: AsyncSession, tenant: TenantId, user_id: uuid.UUID, *,
                     first: date, last: date, start: datetime, end: datetime, zone: str,
                     months: list[int], activities: sa.ColumnElement[bool],
                     leads: sa.ColumnElement[bool], accounts: sa.ColumnElement[bool],
                     full: bool = False) -> bytes:
    """The items' JSON array (UTF-8), by day, then all-day first, time and uid; times in
    UTC (`full`: each item with `row`, what the ICS feed adds to an activity)."""
    # Times written as UTC ISO 8601 ("…+00:00"), whatever the connection's zone.
    await session.execute(sa.text("SELECT set_config('TimeZone', 'UTC', true)"))
    union = _union(tenant, user_id, first, last, start, end, zone, months, activities, leads,
                   accounts, full)
    joined = sa.func.string_agg(union.c.item, aggregate_order_by(
        _text(","), union.c.day, *_order(union, start)))
    found: bytes = (await session.execute(sa.select(_array(joined)))).scalar_one()
    return found


async def month_json(session: AsyncSession, tenant: TenantId, user_id: uuid.UUID, *,
                     first: date, last: date, start: datetime, end: datetime, zone: str,
                     months: list[int], activities: sa.ColumnElement[bool],
                     leads: sa.ColumnElement[bool], accounts: sa.ColumnElement[bool],
                     per_day: int) -> tuple[bytes, bytes]:
    """The month mode, in one query: the first `per_day` items of each day (a JSON array
    in the order of items_json) and, per day with items, `{"day", "total", "counts": {type:
    n}, "more"}` (a JSON array by day; `more`: the items not among the first)."""
    await session.execute(sa.text("SELECT set_config('TimeZone', 'UTC', true)"))
    union = _union(tenant, user_id, first, last, start, end, zone, months, activities, leads,
                   accounts, False)
    by_day = sa.over(sa.func.count(), partition_by=union.c.day)
    ranked = sa.select(
        union.c.item, union.c.day, union.c.all_day, union.c.starts_at, union.c.uid,
        sa.over(sa.func.row_number(), partition_by=union.c.day,
                order_by=_order(union, start)).label("rank"),
        by_day.label("total"),
        *(sa.func.count().filter(union.c.type == _text(t)).over(
            partition_by=union.c.day).label(t) for t in TYPES),
    ).subquery("ranked")
    first_n = ranked.c.rank <= per_day
    items = sa.func.string_agg(ranked.c.item, aggregate_order_by(
        _text(","), ranked.c.day, *_order(ranked, start))).filter(first_n)
    counts = _object(*((t, _plain(ranked.c[t])) for t in TYPES))
    day = _object(("day", _quoted(ranked.c.day)), ("total", _plain(ranked.c.total)),
                  ("counts", counts),
                  ("more", _plain(sa.func.greatest(ranked.c.total - per_day, 0))))
    days = sa.func.string_agg(day, aggregate_order_by(_text(","), ranked.c.day)).filter(
        ranked.c.rank == 1)
    row = (await session.execute(sa.select(_array(items), _array(days)))).one()
    return row[0], row[1]

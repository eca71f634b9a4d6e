"""All SQL of the calendar: a user's activities, their leads' planned next contacts, and
the yearly dates of accounts and contacts, each under the visibility given, as one query
whose answer is the JSON array of the items (schemas.CalendarItem), in order.

PostgreSQL builds the JSON: a month may hold thousands of items, and decoding each row's
columns into Python objects, building dicts and encoding them again took most of the
answer's time (bench/activities.py)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSON, aggregate_order_by
from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.context import TenantId

from ..activities.models import Activity
from ..records.models import AccountRecord, AnniversaryRecord, LeadRecord


def _object(*pairs: tuple[str, Any]) -> sa.ColumnElement[Any]:
    """json_build_object with its keys as SQL literals (no untyped bind parameters)."""
    args: list[Any] = []
    for key, value in pairs:
        args += [sa.literal_column(f"'{key}'"), value]
    return sa.func.json_build_object(*args)


def _text(value: str) -> sa.ColumnElement[str]:
    return sa.literal_column(f"'{value}'", sa.Text)


def _item(type_: str, uid: sa.ColumnElement[str], day: sa.ColumnElement[Any], *,
          starts_at: Any = None, ends_at: Any = None, all_day: bool | Any = False,
          title: Any, owner_id: Any = None, lead_id: Any = None, account_id: Any = None,
          contact_id: Any = None, activity: Any = None, anniversary: Any = None,
          row: Any = None, full: bool = False) -> list[sa.ColumnElement[Any]]:
    """One item's columns, named and ordered as CalendarItem's keys (row_to_json writes
    them so, without spaces); None is JSON null. `full`: with `row` (the ICS feed's)."""
    def v(value: Any) -> Any:
        return sa.null() if value is None else sa.true() if value is True \
            else sa.false() if value is False else value
    pairs = [("type", _text(type_)), ("uid", uid), ("day", day), ("starts_at", v(starts_at)),
             ("ends_at", v(ends_at)), ("all_day", v(all_day)), ("title", title),
             ("owner_id", v(owner_id)), ("lead_id", v(lead_id)),
             ("account_id", v(account_id)), ("contact_id", v(contact_id)),
             ("activity", _json(activity)), ("anniversary", _json(anniversary))]
    if full:
        pairs.append(("row", _json(row)))
    return [value.label(key) for key, value in pairs]


def _json(value: Any) -> Any:
    """A JSON value, or a JSON null (typed, so the union's branches agree)."""
    return sa.cast(sa.null(), JSON) if value is None else value


def _local_day(moment: Any, zone: str) -> sa.ColumnElement[date]:
    return sa.cast(sa.func.timezone(sa.literal(zone, sa.Text), moment), sa.Date)


def _activities(tenant: TenantId, user_id: uuid.UUID, start: datetime, end: datetime,
                zone: str, visible: sa.ColumnElement[bool], full: bool) -> sa.Select[Any]:
    a = Activity
    day = _local_day(a.at, zone)
    starts = sa.func.coalesce(a.starts_at, a.due_at, a.at)
    end_at = sa.func.coalesce(a.ends_at, a.due_at)
    overdue = sa.func.coalesce(sa.and_(a.status == "planned", end_at < sa.func.now()), False)
    uid = _text("activity-") + sa.cast(a.id, sa.Text) + _text("@tidtam")
    brief = _object(("id", a.id), ("kind", a.kind), ("status", a.status),
                    ("version", a.version), ("overdue", overdue))
    # What the ICS feed adds to an activity's event.
    row = _object(("version", a.version), ("updated_at", a.updated_at), ("note", a.note),
                  ("place", a.place), ("kind", a.kind))
    return (sa.select(*_item("activity", uid, day, starts_at=starts, ends_at=a.ends_at,
                             all_day=a.all_day, title=a.subject, owner_id=a.owner_id,
                             lead_id=a.lead_id, account_id=a.account_id,
                             contact_id=a.contact_id, activity=brief, row=row, full=full))
            .where(a.tenant_id == tenant.value, a.owner_id == user_id, a.at >= start,
                   a.at < end, a.status != "cancelled", visible))


def _next_contacts(tenant: TenantId, user_id: uuid.UUID, start: datetime, end: datetime,
                   zone: str, visible: sa.ColumnElement[bool], full: bool) -> sa.Select[Any]:
    lead = LeadRecord
    day = _local_day(lead.next_contact_at, zone)
    uid = _text("next-contact-") + sa.cast(lead.id, sa.Text) + _text("@tidtam")
    return (sa.select(*_item("next_contact", uid, day, starts_at=lead.next_contact_at,
                             title=lead.name, owner_id=lead.owner_id, lead_id=lead.id,
                             full=full))
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
    anniversary = _object(("kind", d.kind), ("date", d.date), ("years", year - born),
                          ("note", d.note))
    return (sa.select(*_item("anniversary", uid, day, all_day=True, title=d.name,
                             account_id=d.account_id, contact_id=d.contact_id,
                             anniversary=anniversary, full=full))
            .select_from(d)
            .join(AccountRecord, sa.and_(AccountRecord.tenant_id == d.tenant_id,
                                         AccountRecord.id == d.account_id))
            .join(years, year >= born)
            .where(d.tenant_id == tenant.value, d.month.in_(months),
                   AccountRecord.deleted.is_(False), visible, day >= first, day <= last))


async def items_json(session: AsyncSession, tenant: TenantId, user_id: uuid.UUID, *,
                     first: date, last: date, start: datetime, end: datetime, zone: str,
                     months: list[int], activities: sa.ColumnElement[bool],
                     leads: sa.ColumnElement[bool], accounts: sa.ColumnElement[bool],
                     full: bool = False) -> bytes:
    """The items' JSON array (UTF-8), by day, then all-day first, time and uid; times in
    UTC (`full`: each item with `row`, what the ICS feed adds to an activity)."""
    # Times written as UTC ISO 8601 ("…+00:00"), whatever the connection's zone.
    await session.execute(sa.text("SELECT set_config('TimeZone', 'UTC', true)"))
    union = sa.union_all(
        _activities(tenant, user_id, start, end, zone, activities, full),
        _next_contacts(tenant, user_id, start, end, zone, leads, full),
        _yearly_dates(tenant, first, last, months, accounts, full)).subquery("item")
    ordered = aggregate_order_by(
        union.table_valued(), union.c.day, union.c.all_day.desc(),
        sa.func.coalesce(union.c.starts_at, sa.literal(start, sa.DateTime(timezone=True))),
        union.c.uid.collate("C"))
    # Bytes as they are (bytea): no decoding into a str and encoding back.
    found: bytes = (await session.execute(sa.select(sa.func.convert_to(sa.func.coalesce(
        sa.cast(sa.func.json_agg(ordered), sa.Text), _text("[]")), _text("UTF8"))
    ))).scalar_one()
    return found

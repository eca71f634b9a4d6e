"""All SQL of custom fields and segments (the owning service's database, tenant-scoped)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, NamedTuple, TypedDict

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from ..context import TenantId
from ..db import driver, row_as, rows_as
from .cache import CHANNEL, WROTE
from .tables import FIELDS, SEGMENTS, entity_table

# The hot path (every create of a record): one prepared statement, no ORM work.
_DEFINITIONS = ("SELECT key, type, options, required FROM custom_fields "
                "WHERE tenant_id = $1 AND entity = $2")


class FieldRow(TypedDict):
    tenant_id: uuid.UUID
    entity: str
    key: str
    label_th: str
    label_en: str | None
    type: str
    options: list[dict[str, str]]
    required: bool
    position: int
    created_at: datetime
    updated_at: datetime


class SegmentRow(TypedDict):
    tenant_id: uuid.UUID
    id: uuid.UUID
    entity: str
    name: str
    filters: dict[str, Any]
    shared: bool
    created_by: uuid.UUID
    created_at: datetime
    updated_at: datetime


class ValueRule(NamedTuple):
    key: str
    type: str
    options: list[dict[str, str]]
    required: bool


async def value_rules(session: AsyncSession, tenant: TenantId,
                      entity: str) -> list[ValueRule]:
    """(key, type, options, required) of every field (the session's driver connection
    decodes JSONB, as SQLAlchemy set it up)."""
    rows = await (await driver(session)).fetch(_DEFINITIONS, tenant.value, entity)
    return [ValueRule(r["key"], r["type"], r["options"], r["required"]) for r in rows]


async def fields(session: AsyncSession, tenant: TenantId, entity: str) -> list[FieldRow]:
    return rows_as(FieldRow, (await session.execute(
        sa.select(FIELDS).where(FIELDS.c.tenant_id == tenant.value,
                                FIELDS.c.entity == entity)
        .order_by(FIELDS.c.position, FIELDS.c.key))).mappings())


async def field(session: AsyncSession, tenant: TenantId, entity: str, key: str, *,
                lock: bool = False) -> FieldRow | None:
    q = sa.select(FIELDS).where(FIELDS.c.tenant_id == tenant.value,
                                FIELDS.c.entity == entity, FIELDS.c.key == key)
    if lock:
        q = q.with_for_update()
    row = (await session.execute(q)).mappings().one_or_none()
    return None if row is None else row_as(FieldRow, row)


async def lock_fields(session: AsyncSession, tenant: TenantId, entity: str) -> tuple[int, int]:
    """Serialise definition changes of one tenant and entity (a transaction-scoped advisory
    lock, so two admins cannot both add the 50th field); then (count, next position)."""
    await session.execute(sa.select(sa.func.pg_advisory_xact_lock(
        sa.func.hashtextextended(f"custom_fields:{tenant.value}:{entity}", 0))))
    count, top = (await session.execute(
        sa.select(sa.func.count(), sa.func.max(FIELDS.c.position))
        .where(FIELDS.c.tenant_id == tenant.value, FIELDS.c.entity == entity))).one()
    return count, (top + 1 if top is not None else 0)


async def _definitions_change(session: AsyncSession, tenant: TenantId) -> None:
    """Every process's rules cache drops the tenant's when this transaction commits
    (crmkit.custom.cache); this session stops using the cache."""
    session.info[WROTE] = True
    await session.execute(sa.select(sa.func.pg_notify(CHANNEL, str(tenant.value))))


async def insert_field(session: AsyncSession, tenant: TenantId,
                       values: dict[str, Any]) -> FieldRow | None:
    """The new row, or None when the key is taken."""
    await _definitions_change(session, tenant)
    row = (await session.execute(
        pg_insert(FIELDS).values(tenant_id=tenant.value, **values)
        .on_conflict_do_nothing().returning(*FIELDS.c))).mappings().one_or_none()
    return None if row is None else row_as(FieldRow, row)


async def update_field(session: AsyncSession, tenant: TenantId, entity: str, key: str,
                       values: dict[str, Any]) -> FieldRow:
    await _definitions_change(session, tenant)
    return row_as(FieldRow, (await session.execute(
        sa.update(FIELDS).where(FIELDS.c.tenant_id == tenant.value,
                                FIELDS.c.entity == entity, FIELDS.c.key == key)
        .values(**values, updated_at=sa.func.now()).returning(*FIELDS.c))).mappings().one())


async def delete_field(session: AsyncSession, tenant: TenantId, entity: str, key: str,
                       table: str) -> None:
    """The definition, and its values on every record of the tenant (a later field with
    the same key starts empty)."""
    await _definitions_change(session, tenant)
    await session.execute(sa.delete(FIELDS).where(
        FIELDS.c.tenant_id == tenant.value, FIELDS.c.entity == entity, FIELDS.c.key == key))
    t = entity_table(table)
    await session.execute(sa.update(t).where(t.c.tenant_id == tenant.value,
                                             t.c.custom.has_key(key))
                          .values(custom=t.c.custom.op("-", return_type=JSONB)(
                              sa.cast(key, sa.Text))))


async def in_use(session: AsyncSession, tenant: TenantId, table: str, key: str,
                 values: list[Any] | None = None, *, multi: bool = False) -> list[Any]:
    """Without `values`: [True] if any record holds a value for `key`. With them: those
    of `values` some record holds."""
    t = entity_table(table)
    if values is None:
        conds = {True: t.c.custom.has_key(key)}
    else:
        conds = {v: t.c.custom.contains({key: [v] if multi else v}) for v in values}
    found = []
    for value, cond in conds.items():
        q = sa.select(sa.exists().where(t.c.tenant_id == tenant.value, cond))
        if (await session.execute(q)).scalar():
            found.append(value)
    return found


# --- segments ------------------------------------------------------------------------------

def _visible(tenant: TenantId, entity: str, viewer: uuid.UUID) -> list[sa.ColumnElement[bool]]:
    return [SEGMENTS.c.tenant_id == tenant.value, SEGMENTS.c.entity == entity,
            sa.or_(SEGMENTS.c.shared, SEGMENTS.c.created_by == viewer)]


async def segments(session: AsyncSession, tenant: TenantId, entity: str,
                   viewer: uuid.UUID) -> list[SegmentRow]:
    return rows_as(SegmentRow, (await session.execute(
        sa.select(SEGMENTS).where(*_visible(tenant, entity, viewer))
        .order_by(SEGMENTS.c.name, SEGMENTS.c.id))).mappings())


async def segment(session: AsyncSession, tenant: TenantId, entity: str, *, viewer: uuid.UUID,
                  segment_id: uuid.UUID, lock: bool = False) -> SegmentRow | None:
    q = sa.select(SEGMENTS).where(*_visible(tenant, entity, viewer),
                                  SEGMENTS.c.id == segment_id)
    if lock:
        q = q.with_for_update()
    row = (await session.execute(q)).mappings().one_or_none()
    return None if row is None else row_as(SegmentRow, row)


async def count_segments(session: AsyncSession, tenant: TenantId, entity: str,
                         creator: uuid.UUID) -> int:
    await session.execute(sa.select(sa.func.pg_advisory_xact_lock(
        sa.func.hashtextextended(f"segments:{tenant.value}:{entity}:{creator}", 0))))
    return (await session.execute(sa.select(sa.func.count()).where(
        SEGMENTS.c.tenant_id == tenant.value, SEGMENTS.c.entity == entity,
        SEGMENTS.c.created_by == creator))).scalar_one()


async def insert_segment(session: AsyncSession, tenant: TenantId,
                         values: dict[str, Any]) -> SegmentRow:
    return row_as(SegmentRow, (await session.execute(
        sa.insert(SEGMENTS).values(tenant_id=tenant.value, **values)
        .returning(*SEGMENTS.c))).mappings().one())


async def update_segment(session: AsyncSession, tenant: TenantId, segment_id: uuid.UUID,
                         values: dict[str, Any]) -> SegmentRow:
    return row_as(SegmentRow, (await session.execute(
        sa.update(SEGMENTS).where(SEGMENTS.c.tenant_id == tenant.value,
                                  SEGMENTS.c.id == segment_id)
        .values(**values, updated_at=sa.func.now()).returning(*SEGMENTS.c))).mappings().one())


async def delete_segment(session: AsyncSession, tenant: TenantId,
                         segment_id: uuid.UUID) -> None:
    await session.execute(sa.delete(SEGMENTS).where(SEGMENTS.c.tenant_id == tenant.value,
                                                    SEGMENTS.c.id == segment_id))

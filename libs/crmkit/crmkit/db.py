"""Async SQLAlchemy 2 on asyncpg, with the tenant set per transaction for row-level security.

Every transaction a tenant session begins starts with
`set_config('app.tenant_id', <tenant>, true)`, sent with its BEGIN in one round trip:
transaction-local, so a pooled connection never carries one request's tenant into the next.
With no tenant set, RLS policies match no row.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from typing import Any, Protocol, TypeVar, cast

import asyncpg
import orjson
from sqlalchemy import MetaData, event
from sqlalchemy.dialects.postgresql import UUID as PG_UUID
from sqlalchemy.engine import Connection, CursorResult, Result
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import Mapped, Session, SessionTransaction, mapped_column
from sqlalchemy.pool import PoolProxiedConnection
from sqlalchemy.sql import Executable
from sqlalchemy.util import await_

from .context import TenantId

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

TENANT_SETTING = "app.tenant_id"


def new_metadata() -> MetaData:
    return MetaData(naming_convention=NAMING_CONVENTION)


class TenantMixin:
    """A tenant-owned table: `tenant_id` first in its key, RLS enabled by its migration."""

    tenant_id: Mapped[uuid.UUID] = mapped_column(PG_UUID(as_uuid=True), nullable=False)


def create_engine(url: str, *, pool_size: int = 16, max_overflow: int = 0) -> AsyncEngine:
    """No overflow by default: an overflow connection is opened and closed per use, which
    under load costs far more than waiting for a pooled one. JIT is off: every statement of
    an OLTP service is small, and PostgreSQL's cost-based JIT trigger only ever adds
    milliseconds of compilation to queries that run in fractions of one.

    No `pool_pre_ping`: with asyncpg it is three round trips (BEGIN, a ping, ROLLBACK) on
    every checkout, a fifth of a request's database time here (bench/pyspy.py). A connection
    the server closed (restart, idle timeout, pg_terminate_backend) is known to asyncpg
    without asking, since the event loop sees the socket close; such a one is replaced at
    checkout instead."""
    engine = create_async_engine(
        url, pool_size=pool_size, max_overflow=max_overflow,
        # The connection used last serves the next checkout: its prepared statements and type
        # cache are warm. First in, first out (the default) walked a request through every
        # pooled connection the consumers' concurrency had opened, each preparing its
        # statements (and introspecting types) again: two more round trips a create.
        pool_use_lifo=True,
        connect_args={"server_settings": {"application_name": "tidtam", "jit": "off"}},
        # JSON and JSONB columns read with orjson (a list page decodes 50 `custom` values).
        json_deserializer=orjson.loads,
    )
    event.listen(engine.sync_engine, "checkout", _refuse_closed)
    return engine


def _refuse_closed(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
    if dbapi_connection.driver_connection.is_closed():
        # The pool discards it and checks out (or opens) another.
        raise DisconnectionError("the server closed this pooled connection")


def sessionmaker(engine: AsyncEngine, *,
                 info: dict[str, Any] | None = None) -> async_sessionmaker[AsyncSession]:
    """`info`: what every session it makes carries in `Session.info` (e.g. an app's own
    caches, reached from a session without a module-level global)."""
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=True, info=info)


@event.listens_for(Session, "after_begin")
def _set_tenant(session: Session, transaction: SessionTransaction,
                connection: Connection) -> None:
    tenant = session.info.get("tenant")
    if tenant is None:
        return
    adapted = connection.connection.dbapi_connection
    if _plain_begin(adapted):
        await_(_begin_as(adapted, uuid.UUID(str(tenant))))
    else:  # another isolation level, read-only, or already begun: SQLAlchemy's BEGIN
        connection.exec_driver_sql(_SET_TENANT, (TENANT_SETTING, str(tenant)))


_SET_TENANT = "SELECT set_config($1, $2, true)"


def _plain_begin(adapted: Any) -> bool:
    """The connection is SQLAlchemy's asyncpg adapter with no transaction begun yet, and
    would begin a plain one (the default isolation level, read-write)."""
    return (getattr(adapted, "_transaction", False) is None
            and getattr(adapted, "isolation_level", "") is None
            and not getattr(adapted, "readonly", True)
            and not getattr(adapted, "deferrable", True))


class _Begun:
    """A transaction begun by `_begin_as`, as SQLAlchemy's asyncpg adapter keeps one (it
    only ever calls `commit` or `rollback`, then forgets it)."""

    __slots__ = ("_conn",)

    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def commit(self) -> None:
        await self._conn.execute("COMMIT")

    async def rollback(self) -> None:
        await self._conn.execute("ROLLBACK")


async def _begin_as(adapted: Any, tenant: uuid.UUID) -> None:
    """BEGIN and the tenant's transaction-local setting in one round trip: one simple-
    protocol message of two statements (a BEGIN in it opens a transaction that outlives the
    message). The setting is in place before any statement of the transaction runs, as
    with two round trips; the tenant is a UUID, so written as a literal it is only hex
    digits and dashes. The adapter is handed the transaction first, so that whatever
    happens next, its rollback (or the pool's reset) ends it."""
    conn: asyncpg.Connection = adapted._connection
    adapted._transaction = _Begun(conn)
    try:
        await conn.execute(
            f"BEGIN; SELECT set_config('{TENANT_SETTING}', '{tenant}', true)")
    except Exception as error:
        adapted._handle_exception(error)  # SQLAlchemy's error types, as for any statement


async def driver(session: AsyncSession) -> asyncpg.Connection:
    """The asyncpg connection of the session's transaction, begun (tenant set) if it was
    not yet: for hot paths that run their prepared SQL without SQLAlchemy's per-statement
    work. Its statements are part of the same transaction, committed or rolled back with
    the session; nothing else changes (RLS, the tenant setting, the edge commit)."""
    conn = await session.connection()
    raw = await conn.get_raw_connection()
    if getattr(raw.dbapi_connection, "_transaction", False) is None:
        # SQLAlchemy's asyncpg adapter sends BEGIN with its first statement. With a tenant,
        # after_begin's set_config was that statement; without one nothing was sent yet,
        # and a statement run on the driver now would commit on its own.
        await conn.exec_driver_sql("SELECT 1")
    return driver_of(raw)


@asynccontextmanager
async def autocommit(maker: async_sessionmaker[AsyncSession]
                     ) -> AsyncIterator[asyncpg.Connection]:
    """A pooled asyncpg connection outside any transaction: each statement commits on its
    own, one round trip (no BEGIN, no COMMIT). No tenant is set, so RLS shows no rows: for
    a worker's SECURITY DEFINER functions that work across tenants, not a tenant's data."""
    async with maker() as session:
        conn = await session.connection()
        yield driver_of(await conn.get_raw_connection())


def driver_of(raw: PoolProxiedConnection) -> asyncpg.Connection:
    """The asyncpg connection under a pooled SQLAlchemy one."""
    if raw.driver_connection is None:  # only once the pool has invalidated it
        raise RuntimeError("the database connection was invalidated")
    conn: asyncpg.Connection = raw.driver_connection
    return conn


R = TypeVar("R")


class RowLike(Protocol):
    """A row from SQLAlchemy (RowMapping) or asyncpg (Record): named values."""

    def keys(self) -> Iterable[Any]: ...
    def items(self) -> Iterable[tuple[Any, Any]]: ...


def row_as(kind: type[R], row: RowLike) -> R:
    """A result row as the repository's typed row (a TypedDict): a plain dict, checked to
    hold every key the type requires, so a query that drifts from its row type fails here,
    not three calls later. (The values' types are the columns'; the driver converts them.)"""
    data = dict(row.items())
    _check_keys(kind, data)
    return cast(R, data)


def rows_as(kind: type[R], rows: Iterable[RowLike] | Result[Any]) -> list[R]:
    """`row_as` for every row of one result (they share their keys: checked once). Given
    a SQLAlchemy Result, its tuples are zipped with its keys (several times faster than
    going through its mappings)."""
    if isinstance(rows, Result):
        keys = list(rows.keys())
        data = [dict(zip(keys, row, strict=True)) for row in rows]
    else:
        data = [dict(row.items()) for row in rows]
    if data:
        _check_keys(kind, data[0])
    return cast(list[R], data)


def _check_keys(kind: type[object], row: dict[str, Any]) -> None:
    required: frozenset[str] = getattr(kind, "__required_keys__", frozenset())
    missing = required - row.keys()
    if missing:
        raise TypeError(f"{kind.__name__} row lacks {', '.join(sorted(missing))}")


async def rows_affected(session: AsyncSession, stmt: Executable) -> int:
    """Run an INSERT/UPDATE/DELETE and say how many rows it touched."""
    result = await session.execute(stmt)
    if not isinstance(result, CursorResult):  # only DML has a row count
        raise TypeError(f"not a DML statement: {stmt!r}")
    return result.rowcount


async def set_tenant(session: AsyncSession, tenant: uuid.UUID | None) -> None:
    """Scope the session to `tenant` (None: no tenant) from now on: its next transactions,
    and the one under way if there is one (transaction-local, as at its start). For the
    operator, whose one transaction may create a tenant and then work inside it."""
    if tenant is None:
        session.info.pop("tenant", None)
    else:
        session.info["tenant"] = tenant
    if session.in_transaction():
        conn = await driver(session)
        await conn.execute(_SET_TENANT, TENANT_SETTING, "" if tenant is None else str(tenant))


@asynccontextmanager
async def tenant_session(
    maker: async_sessionmaker[AsyncSession], tenant: TenantId | None
) -> AsyncIterator[AsyncSession]:
    """A session whose every transaction is scoped to `tenant` (None: no tenant, no rows)."""
    async with maker() as session:
        if tenant is not None:
            session.info["tenant"] = tenant.value
        yield session


@asynccontextmanager
async def unit_of_work(
    maker: async_sessionmaker[AsyncSession], tenant: TenantId | None
) -> AsyncIterator[AsyncSession]:
    """A tenant session committed when the block ends normally, rolled back otherwise: the
    one place where request edges commit."""
    async with tenant_session(maker, tenant) as session:
        try:
            yield session
            await session.commit()
        except BaseException:
            await session.rollback()
            raise


# --- DDL helpers for migrations -------------------------------------------------------------

def enable_rls(table: str) -> list[str]:
    """Statements that put `table` under FORCE'd row-level security keyed on app.tenant_id."""
    cond = f"tenant_id = NULLIF(current_setting('{TENANT_SETTING}', true), '')::uuid"
    return [
        f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY",
        f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY",
        f"CREATE POLICY tenant_isolation ON {table} USING ({cond}) WITH CHECK ({cond})",
    ]


def default_grants(role: str) -> list[str]:
    """Tables and sequences a later migration adds get the application role's grants
    without anyone remembering."""
    return [
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE "
        f"ON TABLES TO {role}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {role}",
    ]


def grant_app_role(role: str) -> list[str]:
    """Let the application role use every table and sequence of the schema (not own them)."""
    return [
        f"GRANT USAGE ON SCHEMA public TO {role}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}",
    ]


def outbox_grants(app_role: str, relay_role: str) -> list[str]:
    """The outbox is outside RLS (the relay reads across tenants) and its rows carry personal
    data: the request role may only add rows (staging is a plain INSERT, no RETURNING; the
    identity column needs no sequence privilege; the NOTIFY trigger needs none). Only the
    relay role reads, marks and deletes them; it also deletes old processed-event records
    (crmkit.housekeeping), and touches no tenant table."""
    return [
        f"REVOKE ALL ON outbox FROM {app_role}",
        f"GRANT INSERT ON outbox TO {app_role}",
        f"REVOKE ALL ON SEQUENCE outbox_id_seq FROM {app_role}",
        f"GRANT USAGE ON SCHEMA public TO {relay_role}",
        f"GRANT SELECT, UPDATE, DELETE ON outbox TO {relay_role}",
        f"GRANT SELECT, DELETE ON processed_events TO {relay_role}",
    ]


def outbox_grants_undone(app_role: str, relay_role: str) -> list[str]:
    """The downgrade of `outbox_grants`: the request role back to full use of the outbox."""
    return [
        f"REVOKE ALL ON outbox, processed_events FROM {relay_role}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON outbox TO {app_role}",
        f"GRANT USAGE, SELECT ON SEQUENCE outbox_id_seq TO {app_role}",
    ]

"""The tenant's transaction-local setting, sent with BEGIN in one message (crmkit.db), and
outbox rows staged inside another statement (crmkit.outbox.staged_with, json_time)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from pydantic import BaseModel
from sqlalchemy.exc import DBAPIError

from crmkit.context import authenticated_tenant
from crmkit.db import (
    at_commit,
    begin_with,
    create_engine,
    driver,
    literal_bytes,
    literal_text,
    sessionmaker,
    tenant_session,
    unit_of_work,
)
from crmkit.idempotency import _record_now
from crmkit.outbox import json_time

pytestmark = pytest.mark.integration

SETTING = sa.text("SELECT current_setting('app.tenant_id', true)")


@pytest.fixture
async def one_connection(kitdb, owner_engine):
    """The request role with a pool of one connection: every session below reuses it."""
    engine = create_engine(kitdb.app_url, pool_size=1, max_overflow=0)
    yield sessionmaker(engine)
    await engine.dispose()


async def test_the_tenant_holds_for_its_transaction_only(one_connection):
    a, b = authenticated_tenant(uuid.uuid4()), authenticated_tenant(uuid.uuid4())
    async with unit_of_work(one_connection, a) as session:
        assert (await session.execute(SETTING)).scalar() == str(a.value)
        assert (await session.execute(sa.text("SELECT now() = statement_timestamp()"))
                ).scalar() is False  # inside a transaction begun before this statement
    async with unit_of_work(one_connection, None) as session:
        assert (await session.execute(SETTING)).scalar() in (None, "")
    async with unit_of_work(one_connection, b) as session:
        assert (await session.execute(SETTING)).scalar() == str(b.value)
        await session.commit()  # a second transaction of one session gets it too
        assert (await session.execute(SETTING)).scalar() == str(b.value)


async def test_a_failed_transaction_rolls_back_and_the_connection_serves_on(
        one_connection, kitdb):
    tenant = authenticated_tenant(uuid.uuid4())
    with pytest.raises(DBAPIError):
        async with unit_of_work(one_connection, tenant) as session:
            await session.execute(sa.text("INSERT INTO widgets (tenant_id, name) "
                                          "VALUES (:t, 'kept?')"), {"t": tenant.value})
            await session.execute(sa.text("SELECT 1/0"))
    async with tenant_session(one_connection, tenant) as session:
        assert (await session.execute(sa.text("SELECT count(*) FROM widgets"))).scalar() == 0
        assert (await session.execute(SETTING)).scalar() == str(tenant.value)


WIDGETS = sa.text("SELECT name FROM widgets ORDER BY name")


def _widget(tenant: uuid.UUID, name: str) -> str:
    """An INSERT with literals only, as begin_with and at_commit take."""
    return (f"INSERT INTO widgets (tenant_id, name) VALUES ('{tenant}'::uuid, "
            f"{literal_text(name)})")


async def test_a_statement_sent_with_begin_runs_in_the_tenants_transaction(one_connection):
    tenant = authenticated_tenant(uuid.uuid4())
    name = "it's a \\ '' ไทย $1 \\x41"  # quotes, backslashes, Thai, what looks like SQL
    async with unit_of_work(one_connection, tenant) as session:
        # RLS refuses a row of a tenant not set: the setting came before it in the message.
        assert await begin_with(session, _widget(tenant.value, name)) == "INSERT 0 1"
        assert await begin_with(session, "SELECT 1/0") is None  # begun: not sent
        assert (await session.execute(SETTING)).scalar() == str(tenant.value)
    async with tenant_session(one_connection, tenant) as session:
        assert (await session.execute(WIDGETS)).scalars().all() == [name]
    with pytest.raises(RuntimeError):  # an error after it rolls it back with the rest
        async with unit_of_work(one_connection, tenant) as session:
            await begin_with(session, _widget(tenant.value, "rolled back"))
            raise RuntimeError("the handler failed")
    async with unit_of_work(one_connection, None) as session:  # no tenant: not sent
        assert await begin_with(session, "SELECT 1/0") is None
    async with tenant_session(one_connection, tenant) as session:
        assert (await session.execute(WIDGETS)).scalars().all() == [name]


async def test_statements_at_commit_run_with_it_or_fail_it(one_connection):
    tenant = authenticated_tenant(uuid.uuid4())
    async with unit_of_work(one_connection, tenant) as session:
        await session.execute(sa.text("SELECT 1"))
        assert await at_commit(session, _widget(tenant.value, "at commit"))
        conn = await driver(session)  # not sent yet: only with the COMMIT
        assert await conn.fetchval("SELECT count(*) FROM widgets") == 0
    async with tenant_session(one_connection, tenant) as session:
        assert (await session.execute(WIDGETS)).scalars().all() == ["at commit"]
    with pytest.raises(DBAPIError):  # one fails: the commit raises, nothing is kept
        async with unit_of_work(one_connection, tenant) as session:
            await session.execute(sa.text("INSERT INTO widgets (tenant_id, name) "
                                          "VALUES (:t, 'kept?')"), {"t": tenant.value})
            assert await at_commit(session, _widget(tenant.value, "kept too?"))
            assert await at_commit(session, "SELECT 1/0")
    async with unit_of_work(one_connection, tenant) as session:  # the connection serves on
        assert (await session.execute(WIDGETS)).scalars().all() == ["at commit"]
        assert (await session.execute(SETTING)).scalar() == str(tenant.value)
    with pytest.raises(RuntimeError):  # rolled back: the statements are dropped unsent
        async with unit_of_work(one_connection, tenant) as session:
            await session.execute(sa.text("SELECT 1"))
            assert await at_commit(session, _widget(tenant.value, "dropped"))
            raise RuntimeError("the handler failed")
    async with unit_of_work(one_connection, tenant) as session:
        assert (await session.execute(WIDGETS)).scalars().all() == ["at commit"]
        assert await at_commit(session, "SELECT 1")  # a second transaction: its own list
    async with unit_of_work(one_connection, None) as session:  # begun by SQLAlchemy: not kept
        assert not await at_commit(session, "SELECT 1/0")


async def test_an_answer_recorded_at_commit_without_its_key_fails_the_commit(
        one_connection):
    tenant = authenticated_tenant(uuid.uuid4())
    with pytest.raises(DBAPIError, match="row was not there to record: 0 rows"):
        async with unit_of_work(one_connection, tenant) as session:
            await session.execute(sa.text("INSERT INTO widgets (tenant_id, name) "
                                          "VALUES (:t, 'kept?')"), {"t": tenant.value})
            assert await at_commit(session, _record_now(tenant.value, "never claimed", 201,
                                                        "application/json", b"{}"))
    async with tenant_session(one_connection, tenant) as session:
        assert (await session.execute(WIDGETS)).scalars().all() == []


async def test_literals_hold_any_text_and_bytes(one_connection):
    text = "a'b\\c ''ไทย\n$$ --"
    data = bytes(range(256))
    async with unit_of_work(one_connection, None) as session:
        conn = await driver(session)
        assert await conn.fetchval(f"SELECT {literal_text(text)}") == text
        assert await conn.fetchval(f"SELECT {literal_bytes(data)}") == data


class _Stamp(BaseModel):
    at: datetime


@pytest.mark.parametrize("micros", [0, 1, 120000, 999999])
async def test_json_time_writes_what_pydantic_writes(one_connection, micros):
    at = datetime(2026, 12, 7, 1, 2, 3, micros, tzinfo=UTC)
    async with tenant_session(one_connection, None) as session:
        written = (await session.execute(
            sa.text(f"SELECT {json_time('CAST(:at AS timestamptz)')}"), {"at": at})).scalar()
    assert written == _Stamp(at=at).model_dump(mode="json")["at"]

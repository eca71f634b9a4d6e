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
from crmkit.db import create_engine, sessionmaker, tenant_session, unit_of_work
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


class _Stamp(BaseModel):
    at: datetime


@pytest.mark.parametrize("micros", [0, 1, 120000, 999999])
async def test_json_time_writes_what_pydantic_writes(one_connection, micros):
    at = datetime(2026, 12, 7, 1, 2, 3, micros, tzinfo=UTC)
    async with tenant_session(one_connection, None) as session:
        written = (await session.execute(
            sa.text(f"SELECT {json_time('CAST(:at AS timestamptz)')}"), {"at": at})).scalar()
    assert written == _Stamp(at=at).model_dump(mode="json")["at"]

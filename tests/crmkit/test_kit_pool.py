"""The kit's connection pool checks a connection without a round trip (crmkit.db): one the
server closed is replaced at checkout, and the request using the pool sees no error."""

from __future__ import annotations

import asyncio

import asyncpg
import pytest
import sqlalchemy as sa

from crmkit.db import create_engine


@pytest.mark.integration
async def test_a_connection_the_server_closed_is_replaced_at_checkout(kitdb):
    engine = create_engine(kitdb.app_url, pool_size=1)
    owner = await asyncpg.connect(kitdb.owner_url.replace("postgresql+asyncpg", "postgresql"))
    try:
        async with engine.connect() as conn:
            first = (await conn.execute(sa.text("SELECT pg_backend_pid()"))).scalar()
        await owner.execute("SELECT pg_terminate_backend($1)", first)
        for _ in range(50):  # until the server has gone and the client has seen it go
            if not await owner.fetchval("SELECT count(*) FROM pg_stat_activity WHERE pid = $1",
                                        first):
                break
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.1)
        async with engine.connect() as conn:
            second = (await conn.execute(sa.text("SELECT pg_backend_pid()"))).scalar()
        assert second != first
    finally:
        await owner.close()
        await engine.dispose()

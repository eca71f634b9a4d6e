"""The set-up cache (tidtam_leads.catalog.cache) against real PostgreSQL: it keeps nothing
until its LISTEN is up, a NOTIFY from another connection (another leads process's commit)
drops that tenant's entries, and a read that began before a notification is not stored."""

from __future__ import annotations

import asyncio
import uuid

import asyncpg
import pytest

from crmkit.testing.tenants import pg_dsn
from tidtam_leads.catalog.cache import CHANNEL, SetupCache, StartStage

pytestmark = pytest.mark.integration


async def _until(check, timeout=10.0):
    deadline = asyncio.get_running_loop().time() + timeout
    while not check():
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.02)


async def test_notify_from_another_connection_drops_the_tenant(leads_db):
    cache = SetupCache()
    assert not cache.may_store(cache.generation)  # not listening: nothing is kept
    mine, other = uuid.uuid4(), uuid.uuid4()
    async with cache.listening_to(pg_dsn(leads_db.app_url)):
        await _until(lambda: cache.listening)
        generation = cache.generation
        assert cache.may_store(generation)
        for tenant in (mine, other):
            cache.ready.add(tenant)
            cache.sources.add((tenant, "website"))
            cache.first_stage[(tenant, None)] = StartStage(uuid.uuid4(), uuid.uuid4())
        conn = await asyncpg.connect(pg_dsn(leads_db.owner_url))
        try:
            await conn.execute("SELECT pg_notify($1, $2)", CHANNEL, str(mine))
        finally:
            await conn.close()
        await _until(lambda: mine not in cache.ready)
        assert (mine, "website") not in cache.sources and (mine, None) not in cache.first_stage
        assert other in cache.ready and (other, "website") in cache.sources
        assert (other, None) in cache.first_stage
        # what was read before the notification may not be stored
        assert not cache.may_store(generation)
    assert not cache.listening and not cache.ready  # stopped: forgets, keeps nothing

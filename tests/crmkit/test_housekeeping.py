"""Housekeeping of the kit's tables, on real PostgreSQL as the application role: published
outbox rows and processed-event records past the retention go; unpublished rows and recent
records stay."""

from __future__ import annotations

import uuid

import anyio
import pytest
import sqlalchemy as sa

from crmkit.housekeeping import Housekeeper

pytestmark = pytest.mark.integration

OUTBOX = ("INSERT INTO outbox (event_id, event_type, tenant_id, payload, created_at, sent_at) "
          "VALUES (:id, 'kit.test', :tenant, '{}'::jsonb, now() - make_interval(days => :age), "
          ":sent)")
PROCESSED = ("INSERT INTO processed_events (consumer, event_id, event_type, processed_at) "
             "VALUES ('kit', :id, 'kit.test', now() - make_interval(days => :age))")


async def _rows(engine, sql):
    async with engine.connect() as conn:
        return {r[0] for r in await conn.execute(sa.text(sql))}


async def test_old_published_rows_and_old_records_go(owner_engine, relay_engine):
    tenant = uuid.uuid4()
    ids = {name: uuid.uuid4() for name in ("old_sent", "new_sent", "old_unsent", "old_rec",
                                           "new_rec")}
    async with owner_engine.begin() as conn:
        await conn.execute(sa.text(OUTBOX.replace(":sent", "now() - make_interval(days => :age)")),
                           [{"id": ids["old_sent"], "tenant": tenant, "age": 40},
                            {"id": ids["new_sent"], "tenant": tenant, "age": 2}])
        await conn.execute(sa.text(OUTBOX.replace(":sent", "NULL")),
                           [{"id": ids["old_unsent"], "tenant": tenant, "age": 40}])
        await conn.execute(sa.text(PROCESSED), [{"id": ids["old_rec"], "age": 31},
                                                {"id": ids["new_rec"], "age": 29}])
    keeper = Housekeeper("kit", relay_engine, retention_days=30, every_seconds=3600)
    deleted = await keeper.sweep()
    assert deleted == {"outbox": 1, "processed_events": 1, "idempotency_keys": 0}
    assert await _rows(owner_engine, "SELECT event_id FROM outbox") == {
        ids["new_sent"], ids["old_unsent"]}
    assert await _rows(owner_engine, "SELECT event_id FROM processed_events") == {
        ids["new_rec"]}
    assert await keeper.sweep() == {"outbox": 0, "processed_events": 0, "idempotency_keys": 0}


async def test_it_runs_in_the_background_until_stopped(owner_engine, relay_engine):
    async with owner_engine.begin() as conn:
        await conn.execute(sa.text(PROCESSED), [{"id": uuid.uuid4(), "age": 90}])
    keeper = Housekeeper("kit", relay_engine, retention_days=30, every_seconds=0.05)
    await keeper.start()
    try:
        with anyio.fail_after(10):
            while True:  # polling a table: no event to wait on
                if not await _rows(owner_engine, "SELECT event_id FROM processed_events"):
                    break
                await anyio.sleep(0.05)
    finally:
        await keeper.stop()
    assert keeper._task.done()

"""An erase that finds the person in an outbox row the relay has not published yet fails at
once (its transaction rolled back, the consumer retries it later) instead of waiting inside
the transaction, and purges the row once it is published. On a database of its own, so no
relay publishes the row behind the test's back."""

from __future__ import annotations

import asyncio
import json
import uuid
from datetime import UTC, datetime

import asyncpg
import pytest
from notif_support import NOTIFICATIONS_DIR

from crmkit.context import tenant_from_event
from crmkit.db import create_engine, sessionmaker, tenant_session
from crmkit.events import CloudEvent
from crmkit.privacy import OutboxNotPublished, Part, purge_when_published
from crmkit.testing.tenants import pg_dsn

pytestmark = pytest.mark.integration

TYPES = ["webhook.disabled"]


@pytest.fixture(scope="module")
def quiet_db(make_service_db):
    return make_service_db("notifications", NOTIFICATIONS_DIR)


async def _erase_once(maker, tenant, email: str, earlier: set[uuid.UUID]) -> int:
    """One delivery's erase: the purge in one transaction, committed if it returns."""
    async with tenant_session(maker, tenant) as session:
        async with session.begin():
            return await purge_when_published(session, Part(texts={email}), TYPES, earlier)


async def _publish_while_it_waits(owner: asyncpg.Connection, task: asyncio.Task[int],
                                  row_id: int) -> None:
    """The relay's part: once the erase's transaction sits idle after scanning the outbox
    (an erase waiting in its transaction), mark the row published: an erase that waits then
    succeeds; one that fails at once has decided before (it raises whatever this does)."""
    while not task.done():
        idle = await owner.fetchval(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND state = 'idle in transaction' AND query LIKE '%privacy_outbox_data%'")
        if idle:
            await owner.execute("UPDATE outbox SET sent_at = now() WHERE id = $1", row_id)
            return
        await asyncio.sleep(0.01)


async def test_an_unpublished_row_fails_the_erase_at_once_then_it_is_purged(quiet_db):
    tenant = tenant_from_event(str(uuid.uuid4()))
    email = f"pdpa-{uuid.uuid4().hex[:8]}@example.co.th"
    event = CloudEvent(source="/services/notifications", type="webhook.disabled",
                       subject=str(uuid.uuid4()), tenantid=str(tenant.value), data={
                           "id": str(uuid.uuid4()), "url": "https://hooks.example.co.th/x",
                           "reason": f"410 Gone for {email}", "attempts": 1},
                       time=datetime.now(UTC).isoformat())
    owner = await asyncpg.connect(pg_dsn(quiet_db.owner_url))
    engine = create_engine(quiet_db.app_url, pool_size=2)
    maker = sessionmaker(engine)
    try:
        row_id = await owner.fetchval(
            "INSERT INTO outbox (event_id, event_type, tenant_id, payload) VALUES "
            "($1, $2, $3, $4::jsonb) RETURNING id", uuid.UUID(event.id), event.type,
            tenant.value, json.dumps(event.model_dump(mode="json", exclude_none=True)))
        earlier = {uuid.UUID(event.id)}
        erase = asyncio.create_task(_erase_once(maker, tenant, email, earlier))
        await _publish_while_it_waits(owner, erase, row_id)
        with pytest.raises(OutboxNotPublished):  # an erase that waited would have succeeded
            await erase
        assert await owner.fetchval("SELECT count(*) FROM pg_stat_activity WHERE datname = "
                                    "current_database() AND state LIKE 'idle in transaction%'"
                                    ) == 0
        assert await owner.fetchval("SELECT count(*) FROM outbox WHERE id = $1", row_id) == 1

        # The relay publishes it; the retried delivery purges it.
        await owner.execute("UPDATE outbox SET sent_at = now() WHERE id = $1", row_id)
        assert await _erase_once(maker, tenant, email, earlier) == 1
        assert await owner.fetchval("SELECT count(*) FROM outbox WHERE id = $1", row_id) == 0
    finally:
        await engine.dispose()
        await owner.close()

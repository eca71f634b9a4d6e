"""Fixtures for the kit's event plumbing tests: a migrated `kit` database (outbox,
processed_events, and `widgets` under RLS), brokers and consumers that clean up after
themselves, and a few polling helpers (never sleep-and-hope)."""

from __future__ import annotations

from contextlib import suppress
from pathlib import Path

import aio_pika
import pytest
import sqlalchemy as sa

from crmkit.db import create_engine, sessionmaker
from crmkit.messaging import Broker

KITDB = Path(__file__).parent / "kitdb"


@pytest.fixture(scope="session")
def kitdb(make_service_db):
    # Sync fixture on purpose: migrate.setup runs its own event loop.
    return make_service_db("kit", KITDB)


@pytest.fixture
async def owner_engine(kitdb):
    engine = create_engine(kitdb.owner_url, pool_size=2, max_overflow=2)
    async with engine.begin() as conn:
        # Each test starts from empty tables: relays sweep the whole outbox.
        await conn.execute(sa.text("TRUNCATE outbox, processed_events, widgets, idempotency_keys"))
    yield engine
    await engine.dispose()


@pytest.fixture
async def app_engine(kitdb, owner_engine):
    """The application role (tidtam_app): what request handlers and consumers run as."""
    engine = create_engine(kitdb.app_url, pool_size=5, max_overflow=5)
    yield engine
    await engine.dispose()


@pytest.fixture
def app_maker(app_engine):
    return sessionmaker(app_engine)


@pytest.fixture
async def relay_engine(kitdb, owner_engine):
    """The relay role (tidtam_relay): what relays and housekeeping run as; the only role
    that may read the outbox."""
    engine = create_engine(kitdb.relay_url, pool_size=5, max_overflow=5)
    yield engine
    await engine.dispose()


@pytest.fixture
def relay_maker(relay_engine):
    return sessionmaker(relay_engine)


@pytest.fixture
async def brokers(amqp_url):
    """Factory of started Brokers; stops them and deletes the queues they made."""
    made: list[Broker] = []
    queues: list[str] = []

    async def make(service: str = "kit", consumers=(), **kw) -> Broker:
        kw.setdefault("backoff_max", 2.0)
        kw.setdefault("publish_timeout", 5.0)
        broker = Broker(amqp_url, service, **kw)
        for c in consumers:
            broker.add_consumer(c)
            queues.extend([c.queue_name, c.dlq_name])
        made.append(broker)
        await broker.start(wait=15)
        return broker

    yield make
    for broker in made:
        await broker.stop()
    if queues:
        with suppress(Exception):
            conn = await aio_pika.connect(amqp_url)
            channel = await conn.channel()
            for name in queues:
                with suppress(Exception):
                    await channel.queue_delete(name)
            await conn.close()

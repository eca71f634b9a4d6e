"""pytest plugin: real PostgreSQL and RabbitMQ for every test tier that needs them.

Fixtures:
- `test_servers`: (owner DB URL, AMQP URL, broker_is_container), session-wide.
- `make_service_db(name, service_dir)`: a fresh database migrated to head; returns
  `ServiceDb(name, owner_url, app_url, relay_url)`. Dropped at the end of the session.
- `make_vhost(tag)`: an AMQP URL on a fresh vhost of the test broker.
- `mail_sink`: a real SMTP server (aiosmtpd, crmkit.testing.mailsink) for the session.
- `amqp_url`, `event_capture`: bind an exclusive queue to `tidtam.events` and
  `await capture.assert_published(type, where=..., timeout=...)`.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import asyncpg
import pytest
from sqlalchemy.engine import make_url

from crmkit import migrate
from crmkit.config import as_user
from crmkit.testing.capture import EventCapture
from crmkit.testing.servers import Servers, start_servers

if TYPE_CHECKING:  # aiosmtpd is a development dependency: imported when the fixture runs
    from crmkit.testing.mailsink import MailSink

APP_ROLE = os.environ.get("TIDTAM_APP_DB_ROLE", migrate.APP_ROLE)
RELAY_ROLE = os.environ.get("TIDTAM_RELAY_DB_ROLE", migrate.RELAY_ROLE)


@dataclass
class ServiceDb:
    name: str
    owner_url: str
    app_url: str  # the request role: RLS applies, and it may only INSERT into the outbox
    relay_url: str  # the outbox relay's role


@pytest.fixture(scope="session")
def test_servers() -> Iterator[Servers]:
    with ExitStack() as stack:
        yield start_servers(stack)


@pytest.fixture(scope="session")
def amqp_url(test_servers: Servers) -> str:
    return test_servers.amqp_url


@pytest.fixture(scope="session")
def make_vhost(test_servers: Servers) -> Iterator[Callable[[str], str]]:
    """`make_vhost("e2e")` → an AMQP URL on a fresh vhost (deleted after the session).

    Each system under test gets its own vhost: two leads processes bound to one broker
    would otherwise compete for the same `leads.*` queues."""
    made: list[str] = []

    def make(tag: str) -> str:
        name = f"tidtam_t_{tag}_{uuid.uuid4().hex[:8]}"
        url = test_servers.new_vhost(name)
        made.append(name)
        return url

    yield make

    def delete(name: str) -> None:
        with suppress(RuntimeError):
            test_servers.rabbitmqctl("delete_vhost", name)

    # All at once: each rabbitmqctl starts an Erlang VM (seconds of wall time on a loaded
    # machine), and one after another they were most of the session's last teardown (the
    # suite's last test file, tests/notifications/test_webhooks_worker.py: 81 s).
    with ThreadPoolExecutor(max_workers=max(len(made), 1)) as pool:
        list(pool.map(delete, made))


@pytest.fixture(scope="session")
def make_service_db(test_servers: Servers) -> Iterator[Callable[[str, Path], ServiceDb]]:
    owner = test_servers.db_url
    created: list[str] = []

    def make(name: str, service_dir: Path) -> ServiceDb:
        db = f"tidtam_t_{name}_{uuid.uuid4().hex[:8]}"
        owner_url = make_url(owner).set(database=db).render_as_string(hide_password=False)
        migrate.setup(Path(service_dir), owner_url, APP_ROLE, relay_role=RELAY_ROLE)
        created.append(db)
        return ServiceDb(db, owner_url, as_user(owner_url, APP_ROLE),
                         as_user(owner_url, RELAY_ROLE))

    yield make

    async def drop() -> None:
        conn = await asyncpg.connect(make_url(owner).set(drivername="postgresql")
                                     .render_as_string(hide_password=False))
        try:
            for db in created:
                await conn.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
        finally:
            await conn.close()

    if not os.environ.get("TIDTAM_TEST_KEEP_DBS"):
        asyncio.run(drop())


@pytest.fixture(scope="session")
def mail_sink() -> Iterator[MailSink]:
    """A real SMTP server for the session that keeps what it receives."""
    from crmkit.testing.mailsink import MailSink

    sink = MailSink().start()
    yield sink
    sink.stop()


@pytest.fixture
async def event_capture(amqp_url: str) -> AsyncIterator[EventCapture]:
    capture = EventCapture(amqp_url)
    await capture.start()
    yield capture
    await capture.stop()


# Every test says which tier it is in (`pytest -m unit` must select exactly the tests that
# need no servers); a test without one is a collection error, not a silent member of none.
TIERS = ("unit", "integration", "e2e", "slow")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    untiered = [item.nodeid for item in items
                if not any(item.get_closest_marker(tier) for tier in TIERS)]
    if untiered:
        shown = "\n  ".join(untiered[:20])
        more = f"\n  … and {len(untiered) - 20} more" if len(untiered) > 20 else ""
        raise pytest.UsageError(
            f"{len(untiered)} test(s) carry no tier marker (one of {', '.join(TIERS)}); "
            f"mark each, e.g. `pytestmark = pytest.mark.unit`:\n  {shown}{more}")

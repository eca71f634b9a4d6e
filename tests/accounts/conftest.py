"""Fixtures for the accounts service tests: one migrated database, one vhost and one real
service process per session; a fresh tenant (people announced through the broker) per test.

Reusable pieces live in accounts_support.py."""

from __future__ import annotations

import httpx
import pytest
from accounts_support import (
    ACCOUNTS_DIR,
    SECRET,
    GatewayEvents,
    make_tenant,
    run_accounts_service,
)

from crmkit.testing.capture import EventCapture
from crmkit.testing.fake_rd import FakeRD


@pytest.fixture(scope="session")
def accounts_db(make_service_db):
    return make_service_db("accounts", ACCOUNTS_DIR)


@pytest.fixture(scope="session")
def accounts_amqp(make_vhost):
    """A vhost of our own: another accounts process (e2e) must not share our queues."""
    return make_vhost("accounts")


@pytest.fixture(scope="session")
def fake_rd():
    """The Revenue Department's VAT service stand-in (fake_rd.py), started before the service."""
    server = FakeRD().start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def accounts_service_env(fake_rd) -> dict[str, str]:
    """Extra environment for the session's service process (a suite may override it)."""
    return {"TIDTAM_RD_URL": fake_rd.url, "TIDTAM_RD_TIMEOUT": "1"}


@pytest.fixture(scope="session")
def accounts_service(accounts_db, accounts_amqp, accounts_service_env, tmp_path_factory):
    log = tmp_path_factory.mktemp("accounts") / "accounts.log"
    service = run_accounts_service(accounts_db, accounts_amqp, SECRET, log_path=log,
                                   **accounts_service_env)
    yield service
    service.stop()


@pytest.fixture(scope="session")
async def gateway_events(accounts_amqp):
    gateway = GatewayEvents(accounts_amqp)
    await gateway.start()
    yield gateway
    await gateway.stop()


@pytest.fixture
async def account_events(accounts_amqp, accounts_service):
    """Every event on the service's exchange (an external subscriber bound with `#`)."""
    capture = EventCapture(accounts_amqp)
    await capture.start()
    yield capture
    await capture.stop()


@pytest.fixture
async def api(accounts_service):
    async with httpx.AsyncClient(base_url=accounts_service.url, timeout=30) as client:
        yield client


@pytest.fixture
async def tenant(accounts_service, gateway_events, accounts_db):
    return await make_tenant(gateway_events, accounts_db.owner_url)

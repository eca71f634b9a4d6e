"""Fixtures for the leads service tests: one migrated database, one vhost and one real
service process per session; a fresh tenant (people announced through the broker) per test.

Reusable pieces live in leads_support.py."""

from __future__ import annotations

import httpx
import pytest
from leads_support import (
    LEADS_DIR,
    SECRET,
    GatewayEvents,
    given_account,
    lead_body,
    make_tenant,
    run_leads_service,
)

from crmkit.testing.capture import EventCapture
from crmkit.testing.process import free_port


@pytest.fixture(scope="session")
def leads_db(make_service_db):
    return make_service_db("leads", LEADS_DIR)


@pytest.fixture(scope="session")
def leads_amqp(make_vhost):
    """A vhost of our own: another leads process (e2e) must not share our queues."""
    return make_vhost("leads")


@pytest.fixture(scope="session")
def leads_service(leads_db, leads_amqp, tmp_path_factory):
    log = tmp_path_factory.mktemp("leads") / "leads.log"
    # No accounts service in this suite: TIDTAM_ACCOUNTS_URL points at a closed port (a
    # lead made from an account is 503 here; tests/e2e runs both).
    service = run_leads_service(leads_db, leads_amqp, SECRET, log_path=log,
                                TIDTAM_ACCOUNTS_URL=f"http://127.0.0.1:{free_port()}")
    yield service
    service.stop()


@pytest.fixture(scope="session")
async def gateway_events(leads_amqp):
    gateway = GatewayEvents(leads_amqp)
    await gateway.start()
    yield gateway
    await gateway.stop()


@pytest.fixture
async def lead_events(leads_amqp, leads_service):
    """Every event on the service's exchange (an external subscriber bound with `#`)."""
    capture = EventCapture(leads_amqp)
    await capture.start()
    yield capture
    await capture.stop()


@pytest.fixture
async def api(leads_service):
    async with httpx.AsyncClient(base_url=leads_service.url, timeout=30) as client:
        yield client


@pytest.fixture
async def tenant(leads_service, gateway_events, leads_db):
    return await make_tenant(gateway_events, leads_db.owner_url)


@pytest.fixture
async def account(gateway_events, tenant, leads_db):
    """An account of sales1's, as the accounts service announced it (a deal may name it)."""
    return await given_account(gateway_events, tenant, leads_db)


@pytest.fixture
def create_lead(api, tenant):
    """`await create_lead(person=None, visibility="all", **fields)` → the created lead."""

    async def create(person=None, visibility="all", **fields):
        person = person or tenant.admin
        r = await api.post("/api/v1/leads", json=lead_body(**fields),
                           headers=tenant.headers(person, visibility))
        assert r.status_code == 201, r.text
        return r.json()

    return create

"""Fixtures for the activities service tests: one migrated database, one vhost and one real
service process per session; a fresh tenant (people announced through the broker) per test.
Reusable pieces live in act_support.py."""

from __future__ import annotations

import httpx
import pytest
from act_support import ACTIVITIES_DIR, make_tenant, run_service

from crmkit.testing.capture import EventCapture
from crmkit.testing.tenants import GatewayEvents


@pytest.fixture(scope="session")
def act_db(make_service_db):
    return make_service_db("activities", ACTIVITIES_DIR)


@pytest.fixture(scope="session")
def act_amqp(make_vhost):
    return make_vhost("activities")


@pytest.fixture(scope="session")
def act_service(act_db, act_amqp, tmp_path_factory):
    log = tmp_path_factory.mktemp("activities") / "activities.log"
    service = run_service(act_db, act_amqp, log_path=log)
    yield service
    service.stop()


@pytest.fixture(scope="session")
async def gateway_events(act_amqp):
    gateway = GatewayEvents(act_amqp)
    await gateway.start()
    yield gateway
    await gateway.stop()


@pytest.fixture
async def captured(act_amqp):
    capture = EventCapture(act_amqp)
    await capture.start()
    yield capture
    await capture.stop()


@pytest.fixture
async def api(act_service):
    async with httpx.AsyncClient(base_url=act_service.url, timeout=30) as client:
        yield client


@pytest.fixture
async def tenant(act_service, gateway_events, act_db):
    return await make_tenant(gateway_events, act_db.owner_url)

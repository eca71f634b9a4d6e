"""Fixtures for the notifications service tests: one migrated database, one vhost, one real
SMTP server (aiosmtpd) and one real service process per session; a fresh tenant per test."""

from __future__ import annotations

import httpx
import pytest
from notif_support import NOTIFICATIONS_DIR, make_tenant, run_service

from crmkit.testing.tenants import GatewayEvents


@pytest.fixture(scope="session")
def notif_db(make_service_db):
    return make_service_db("notifications", NOTIFICATIONS_DIR)


@pytest.fixture(scope="session")
def notif_amqp(make_vhost):
    return make_vhost("notifications")


@pytest.fixture(scope="session")
def notif_service(notif_db, notif_amqp, mail_sink, tmp_path_factory):
    log = tmp_path_factory.mktemp("notifications") / "notifications.log"
    service = run_service(notif_db, notif_amqp, mail_sink.url, log_path=log)
    yield service
    service.stop()


@pytest.fixture(scope="session")
async def gateway_events(notif_amqp):
    gateway = GatewayEvents(notif_amqp)
    await gateway.start()
    yield gateway
    await gateway.stop()


@pytest.fixture
async def api(notif_service):
    async with httpx.AsyncClient(base_url=notif_service.url, timeout=30) as client:
        yield client


@pytest.fixture
async def tenant(notif_service, gateway_events, notif_db):
    return await make_tenant(gateway_events, notif_db.owner_url)

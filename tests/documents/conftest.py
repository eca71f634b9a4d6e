"""Fixtures for the documents service tests: one migrated database, one vhost and one real
service process per session; a fresh tenant per test."""

from __future__ import annotations

import httpx
import pytest
from doc_support import DOCUMENTS_DIR, make_tenant, run_service

from crmkit.testing.tenants import GatewayEvents


@pytest.fixture(scope="session")
def doc_db(make_service_db):
    return make_service_db("documents", DOCUMENTS_DIR)


@pytest.fixture(scope="session")
def doc_amqp(make_vhost):
    return make_vhost("documents")


@pytest.fixture(scope="session")
def doc_service(doc_db, doc_amqp, tmp_path_factory):
    log = tmp_path_factory.mktemp("documents") / "documents.log"
    service = run_service(doc_db, doc_amqp, log_path=log)
    yield service
    service.stop()


@pytest.fixture(scope="session")
async def gateway_events(doc_amqp):
    gateway = GatewayEvents(doc_amqp)
    await gateway.start()
    yield gateway
    await gateway.stop()


@pytest.fixture
async def api(doc_service):
    # Generous: the first PDF waits for the render workers to warm up, slow on a busy machine.
    async with httpx.AsyncClient(base_url=doc_service.url, timeout=120) as client:
        yield client


@pytest.fixture
async def tenant(doc_service, gateway_events, doc_db):
    return await make_tenant(gateway_events, doc_db.owner_url)

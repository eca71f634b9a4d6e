"""The insights service with the leads, accounts and activities services and the gateway:
real processes on fresh databases and a vhost. Helpers are in insights_support.py."""

from __future__ import annotations

import httpx
import pytest
from insights_support import new_tenant

from crmkit.testing.system import System


@pytest.fixture(scope="session")
def system(test_servers, make_vhost):
    sut = System(test_servers.db_url, make_vhost("insights"), tag="insights",
                 only=("accounts", "leads", "activities", "insights"))
    try:
        sut.start(ready_timeout=120)
        yield sut
    finally:
        sut.stop()


@pytest.fixture(scope="session")
def gw(system):
    with httpx.Client(base_url=system.gateway.url, timeout=60) as client:
        yield client


@pytest.fixture
def make_tenant(gw, system):
    return lambda: new_tenant(gw, system.operator_token)

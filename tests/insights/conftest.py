"""The insights service with the leads, accounts and activities services and the gateway:
real processes on fresh databases and a vhost. Helpers are in insights_support.py."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from crmkit.testing.system import System

from .insights_support import new_tenant


@pytest.fixture(scope="session")
def system(test_servers: Any, make_vhost: Callable[[str], str]) -> Iterator[System]:
    sut = System(test_servers.db_url, make_vhost("insights"), tag="insights",
                 only=("accounts", "leads", "activities", "insights"))
    try:
        sut.start(ready_timeout=120)
        yield sut
    finally:
        sut.stop()


@pytest.fixture(scope="session")
def gw(system: System) -> Iterator[httpx.Client]:
    assert system.gateway is not None  # started with the system
    with httpx.Client(base_url=system.gateway.url, timeout=60) as client:
        yield client


@pytest.fixture
def make_tenant(gw: httpx.Client, system: System) -> Callable[[], Any]:
    return lambda: new_tenant(gw, system.operator_token)

"""The capture service with the leads (and accounts) service and the gateway: real
processes on fresh databases and a vhost. Public posts come from made-up client addresses
(the gateway trusts the tests' X-Forwarded-For), so each test has its own rate limit.
Helpers are in capture_support.py."""

from __future__ import annotations

import uuid

import httpx
import pytest
from capture_support import (
    PASSWORD,
    FakeGraph,
    FakeLine,
    Tenant,
    form_body,
    login,
    self_signed,
)

from crmkit.testing.system import System


@pytest.fixture(scope="session")
def graph():
    """The fake Graph API the capture service fetches Facebook leads from."""
    fake = FakeGraph()
    try:
        yield fake
    finally:
        fake.stop()


@pytest.fixture(scope="session")
def line_api():
    """The fake LINE Messaging API the capture service fetches profiles from."""
    fake = FakeLine()
    try:
        yield fake
    finally:
        fake.stop()


@pytest.fixture(scope="session")
def smtp_port() -> int:
    """A free port for the capture service's SMTP receiver."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def smtp_tls(tmp_path_factory) -> dict[str, str]:
    """A self-signed certificate for 127.0.0.1 and its key (PEM files) for the receiver's
    STARTTLS."""
    return self_signed(tmp_path_factory.mktemp("smtp-tls"))


@pytest.fixture(scope="session")
def system(test_servers, make_vhost, graph, line_api, smtp_port, smtp_tls):
    sut = System(test_servers.db_url, make_vhost("capture"), tag="capture",
                 only=("accounts", "leads", "capture"),
                 extra_env={"TIDTAM_TRUSTED_PROXIES": "127.0.0.1",
                            # an address's burst (10) hardly refills during a test, so the
                            # flood's count does not depend on how long it took
                            "TIDTAM_CAPTURE_ADDRESS_PER_MINUTE": "0.01",
                            "TIDTAM_FACEBOOK_GRAPH_URL": graph.url,
                            "TIDTAM_LINE_API_URL": line_api.url,
                            "TIDTAM_LINE_API_TIMEOUT": "2",
                            "TIDTAM_CAPTURE_SMTP_PORT": str(smtp_port),
                            "TIDTAM_CAPTURE_SMTP_MAX_BYTES": str(64 * 1024),
                            "TIDTAM_CAPTURE_SMTP_CLIENT_BURST": "5",
                            "TIDTAM_CAPTURE_SMTP_CLIENT_PER_MINUTE": "0.01",
                            "TIDTAM_CAPTURE_SMTP_TLS_CERT": smtp_tls["cert"],
                            "TIDTAM_CAPTURE_SMTP_TLS_KEY": smtp_tls["key"]})
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
def tenant(gw, system) -> Tenant:
    email = f"admin-{uuid.uuid4().hex[:6]}@capture.example"
    r = gw.post("/api/v1/tenants", headers={"Authorization": f"Bearer {system.operator_token}"},
                json={"name": "บริษัท ฟอร์ม จำกัด", "admin": {
                    "email": email, "name": "แอดมิน", "password": PASSWORD}})
    assert r.status_code == 201, r.text
    return Tenant(id=r.json()["id"], gw=gw, admin=login(gw, email),
                  admin_id=r.json()["admin_user_id"])


@pytest.fixture
def form(tenant) -> dict:
    r = tenant.gw.post("/api/v1/capture/forms", headers=tenant.admin, json=form_body())
    assert r.status_code == 201, r.text
    return r.json()

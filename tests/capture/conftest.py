"""The capture service with the leads (and accounts) service and the gateway: real
processes on fresh databases and a vhost. Public posts come from made-up client addresses
(the gateway trusts the tests' X-Forwarded-For), so each test has its own rate limit."""

from __future__ import annotations

import itertools
import time
import uuid
from dataclasses import dataclass, field

import httpx
import pytest

from crmkit.testing.system import System

PASSWORD = "capture-password-1"
ORIGIN = "https://shop.example.co.th"
_addresses = itertools.count(1)


def new_address() -> str:
    """A client address of its own (198.51.100.0/24 and on: documentation ranges)."""
    n = next(_addresses)
    return f"198.51.{100 + n // 250}.{n % 250 + 1}"


@pytest.fixture(scope="session")
def system(test_servers, make_vhost):
    sut = System(test_servers.db_url, make_vhost("capture"), tag="capture",
                 only=("accounts", "leads", "capture"),
                 extra_env={"TIDTAM_TRUSTED_PROXIES": "127.0.0.1",
                            # an address's burst (10) hardly refills during a test, so the
                            # flood's count does not depend on how long it took
                            "TIDTAM_CAPTURE_ADDRESS_PER_MINUTE": "0.01"})
    try:
        sut.start(ready_timeout=120)
        yield sut
    finally:
        sut.stop()


@pytest.fixture(scope="session")
def gw(system):
    with httpx.Client(base_url=system.gateway.url, timeout=60) as client:
        yield client


def login(gw: httpx.Client, email: str) -> dict:
    r = gw.post("/api/v1/auth/token", data={"username": email, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


@dataclass
class Tenant:
    id: str
    gw: httpx.Client
    admin: dict
    admin_id: str
    extra: dict = field(default_factory=dict)

    def user(self, role: str) -> dict:
        email = f"{role}-{uuid.uuid4().hex[:6]}@capture.example"
        r = self.gw.post("/api/v1/users", headers=self.admin, json={
            "email": email, "name": f"{role} คนขาย", "password": PASSWORD, "role": role})
        assert r.status_code == 201, r.text
        return login(self.gw, email)


@pytest.fixture
def tenant(gw, system) -> Tenant:
    email = f"admin-{uuid.uuid4().hex[:6]}@capture.example"
    r = gw.post("/api/v1/tenants", headers={"Authorization": f"Bearer {system.operator_token}"},
                json={"name": "บริษัท ฟอร์ม จำกัด", "admin": {
                    "email": email, "name": "แอดมิน", "password": PASSWORD}})
    assert r.status_code == 201, r.text
    return Tenant(id=r.json()["id"], gw=gw, admin=login(gw, email),
                  admin_id=r.json()["admin_user_id"])


FIELDS = [
    {"key": "name", "label_th": "ชื่อ", "label_en": "Name", "required": True},
    {"key": "phone", "label_th": "เบอร์โทร", "label_en": "Phone"},
    {"key": "email", "label_th": "อีเมล", "label_en": "Email"},
    {"key": "budget", "label_th": "งบประมาณ", "label_en": "Budget"},
]


def form_body(**over) -> dict:
    return {"name": "ขอใบเสนอราคา", "source": "website", "fields": FIELDS,
            "consent_th": "ข้าพเจ้ายินยอมให้บริษัทเก็บและใช้ข้อมูลเพื่อติดต่อกลับ",
            "consent_en": "I agree that the company keeps and uses my details to contact me",
            "consent_version": "2026-01", "allowed_origins": [ORIGIN], **over}


@pytest.fixture
def form(tenant) -> dict:
    r = tenant.gw.post("/api/v1/capture/forms", headers=tenant.admin, json=form_body())
    # The capture service learns the tenant's users through events; no owner given here.
    assert r.status_code == 201, r.text
    return r.json()


def until(get, check, timeout: float = 60.0):
    """Poll `get()` (a response) until `check(json)` holds; returns the json."""
    deadline = time.monotonic() + timeout
    while True:
        r = get()
        if r.status_code == 200 and check(r.json()):
            return r.json()
        assert time.monotonic() < deadline, (r.status_code, r.text)
        time.sleep(0.2)

"""The whole system (gateway, leads, accounts, notifications and documents: real processes, fresh
databases and vhost; a real SMTP server) for e2e tests."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field

import httpx
import pytest

from crmkit.testing.capture import EventCapture
from crmkit.testing.fake_rd import FakeRD
from crmkit.testing.system import System

PASSWORD = "e2e-password-1"


@pytest.fixture(scope="session")
def fake_revenue_department():
    """The Revenue Department's VAT service stand-in: lookups never leave the machine."""
    fake = FakeRD().start()
    yield fake
    fake.stop()


@pytest.fixture(scope="session")
def system(test_servers, make_vhost, fake_revenue_department, mail_sink):
    sut = System(test_servers.db_url, make_vhost("e2e"), tag="e2e",
                 extra_env={"TIDTAM_RD_URL": fake_revenue_department.url,
                            "TIDTAM_SMTP_URL": mail_sink.url,
                            # a small plan to reach in a test (new tenants stay on free)
                            "TIDTAM_PLAN_CONTACT_LIMITS": '{"pro": 3}',
                            # every e2e user logs in from 127.0.0.1, and the fuzzer fails
                            # logins by the hundred: the address limit is not under test here
                            "TIDTAM_LOGIN_MAX_FAILURES_PER_IP": "100000",
                            # webhook receivers in tests listen on 127.0.0.2
                            "TIDTAM_WEBHOOK_ALLOW_HOSTS": "127.0.0.2/32"})
    try:
        sut.start()  # TIDTAM_TEST_READY_TIMEOUT bounds each process's start
        yield sut
    finally:
        sut.stop()


@pytest.fixture(scope="session")
def gw(system):
    with httpx.Client(base_url=system.gateway.url, timeout=30) as client:
        yield client


@pytest.fixture
async def lead_events(system):
    """An external system's own queue bound to `tidtam.events` with `lead.#`."""
    capture = EventCapture(system.amqp_url, binding="lead.#")
    await capture.start()
    yield capture
    await capture.stop()


@dataclass
class Tenant:
    id: str
    gw: httpx.Client
    users: dict[str, str] = field(default_factory=dict)  # name -> user id
    tokens: dict[str, dict] = field(default_factory=dict)  # name -> auth headers
    teams: dict[str, str] = field(default_factory=dict)

    def h(self, who: str) -> dict:
        return self.tokens[who]

    def add_user(self, who: str, role: str, team: str | None = None) -> str:
        email = f"{who}-{uuid.uuid4().hex[:6]}@e2e.example"
        body = {"email": email, "name": f"{who} คนขาย", "password": PASSWORD, "role": role}
        if team:
            body["team_id"] = self.teams[team]
        r = self.gw.post("/api/v1/users", headers=self.h("admin"), json=body)
        assert r.status_code == 201, r.text
        self.users[who] = r.json()["id"]
        self.tokens[who] = login(self.gw, email)
        return self.users[who]

    def add_team(self, name: str) -> str:
        r = self.gw.post("/api/v1/teams", headers=self.h("admin"), json={"name": name})
        assert r.status_code == 201, r.text
        self.teams[name] = r.json()["id"]
        return self.teams[name]

    def set_visibility(self, visibility: str) -> None:
        r = self.gw.patch("/api/v1/settings", headers=self.h("admin"),
                          json={"lead_visibility": visibility})
        assert r.status_code == 200, r.text

    def create_lead(self, who: str, **extra) -> dict:
        body = {"name": f"ลูกค้า {uuid.uuid4().hex[:6]}", "phone": "081-234-5678",
                "email": f"{uuid.uuid4().hex[:8]}@example.co.th", "source": "website", **extra}
        deadline = time.monotonic() + 20
        while True:  # the leads service learns new users through events
            r = self.gw.post("/api/v1/leads", headers=self.h(who), json=body)
            if r.status_code == 201 or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        assert r.status_code == 201, r.text
        return r.json()


def login(gw: httpx.Client, email: str, password: str = PASSWORD) -> dict:
    r = gw.post("/api/v1/auth/token", data={"username": email, "password": password})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def new_tenant(gw: httpx.Client, operator_token: str, name: str = "บริษัท ทดสอบ จำกัด") -> Tenant:
    email = f"admin-{uuid.uuid4().hex[:6]}@e2e.example"
    r = gw.post("/api/v1/tenants", headers={"Authorization": f"Bearer {operator_token}"},
                json={"name": name, "admin": {"email": email, "name": "แอดมิน",
                                              "password": PASSWORD}})
    assert r.status_code == 201, r.text
    t = Tenant(id=r.json()["id"], gw=gw)
    t.users["admin"] = r.json()["admin_user_id"]
    t.tokens["admin"] = login(gw, email)
    return t


@pytest.fixture(scope="session")
def make_tenant(gw, system):
    return lambda name="บริษัท ทดสอบ จำกัด": new_tenant(gw, system.operator_token, name)


def until(get, check, timeout: float = 30.0):
    """Poll `get()` (a response) until `check(json)` holds; returns the json."""
    deadline = time.monotonic() + timeout
    while True:
        r = get()
        if r.status_code == 200 and check(r.json()):
            return r.json()
        assert time.monotonic() < deadline, (r.status_code, r.text)
        time.sleep(0.1)


def post_until_created(gw, path, headers, body, timeout: float = 20.0):
    """The services learn new users through events: retry until they know the caller."""
    deadline = time.monotonic() + timeout
    while True:
        r = gw.post(path, headers=headers, json=body)
        if r.status_code == 201 or time.monotonic() > deadline:
            return r
        time.sleep(0.2)

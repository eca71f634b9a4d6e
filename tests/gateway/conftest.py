"""The gateway as a real uvicorn process on a freshly migrated database.

Fixtures (reusable by e2e tests):
- `gateway_db`: the migrated gateway database (`ServiceDb`).
- `start_gateway(leads_url=..., accounts_url=..., **env)`: start another gateway process on
  that database.
- `gateway`: a `RunningGateway` (url, operator_token, jwt_secret, context_secret) whose
  TIDTAM_LEADS_URL and TIDTAM_ACCOUNTS_URL are closed ports (the services are "down").
- `gw`: an httpx.Client on `gateway`; `make_tenant()` → `TenantHandle` with an admin token.
- `echo_upstream`, `echo_accounts`, `proxied`: (gateway, client) whose leads and accounts
  services are echoing stand-ins (each echo says which it plays, as `service`).
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from crmkit.testing.process import ServiceProcess, free_port

ROOT = Path(__file__).resolve().parents[2]
LOG_DIR = ROOT / ".run" / "logs"
PASSWORD = "correct-horse-1"


@dataclass
class RunningGateway:
    process: ServiceProcess
    operator_token: str
    jwt_secret: str
    context_secret: str

    @property
    def url(self) -> str:
        return self.process.url

    @property
    def operator(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.operator_token}"}


@pytest.fixture(scope="session")
def gateway_db(make_service_db):
    return make_service_db("gateway", ROOT / "gateway")


@pytest.fixture(scope="session")
def start_gateway(gateway_db, amqp_url):
    started: list[ServiceProcess] = []
    LOG_DIR.mkdir(parents=True, exist_ok=True)

    # One set of secrets for every gateway on this database: a token from one works on all.
    shared = {name: secrets.token_urlsafe(24)
              for name in ("operator_token", "jwt_secret", "context_secret")}

    def start(leads_url: str | None = None, accounts_url: str | None = None,
              **env: str) -> RunningGateway:
        gateway = RunningGateway(process=None, **shared)  # type: ignore[arg-type]
        gateway.process = ServiceProcess("tidtam_gateway.main:app", {
            "TIDTAM_ENV": "test", "TIDTAM_LOG_LEVEL": "WARNING",
            "TIDTAM_GATEWAY_DATABASE_URL": gateway_db.app_url, "TIDTAM_AMQP_URL": amqp_url,
            "TIDTAM_OPERATOR_TOKEN": gateway.operator_token,
            "TIDTAM_JWT_SECRET": gateway.jwt_secret,
            "TIDTAM_CONTEXT_SECRET": gateway.context_secret,
            # Nothing listens there: the leads service is "down" unless a test says otherwise.
            "TIDTAM_LEADS_URL": leads_url or f"http://127.0.0.1:{free_port()}",
            "TIDTAM_ACCOUNTS_URL": accounts_url or f"http://127.0.0.1:{free_port()}",
            "TIDTAM_NOTIFICATIONS_URL": f"http://127.0.0.1:{free_port()}",
            "TIDTAM_DOCUMENTS_URL": f"http://127.0.0.1:{free_port()}",
            "TIDTAM_CAPTURE_URL": f"http://127.0.0.1:{free_port()}",
            **env,
        }, log_path=LOG_DIR / f"gateway-test-{uuid.uuid4().hex[:6]}.log")
        started.append(gateway.process)
        gateway.process.start()
        return gateway

    yield start
    for proc in started:
        proc.stop()


@pytest.fixture(scope="session")
def gateway(start_gateway) -> RunningGateway:
    return start_gateway()


@pytest.fixture(scope="session")
def gw(gateway):
    with httpx.Client(base_url=gateway.url, timeout=30) as client:
        yield client


def login(gw: httpx.Client, email: str, password: str = PASSWORD) -> dict[str, str]:
    r = gw.post("/api/v1/auth/token", data={"username": email, "password": password})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def unique_email(who: str = "user") -> str:
    return f"{who}-{uuid.uuid4().hex[:8]}@gw.example"


@dataclass
class TenantHandle:
    id: str
    admin_id: str
    admin_email: str
    gw: httpx.Client
    admin: dict[str, str] = field(default_factory=dict)

    def add_user(self, role: str = "sales", team_id: str | None = None,
                 email: str | None = None) -> tuple[str, str, dict[str, str]]:
        """(user id, email, auth headers)."""
        email = email or unique_email(role)
        body = {"email": email, "name": f"{role} ผู้ใช้", "password": PASSWORD, "role": role}
        if team_id:
            body["team_id"] = team_id
        r = self.gw.post("/api/v1/users", headers=self.admin, json=body)
        assert r.status_code == 201, r.text
        return r.json()["id"], email, login(self.gw, email)

    def add_team(self, name: str | None = None) -> str:
        r = self.gw.post("/api/v1/teams", headers=self.admin,
                         json={"name": name or f"ทีม {uuid.uuid4().hex[:6]}"})
        assert r.status_code == 201, r.text
        return r.json()["id"]


def create_tenant(gw: httpx.Client, gateway: RunningGateway, name: str = "บริษัท ทดสอบ จำกัด",
                  email: str | None = None) -> TenantHandle:
    email = email or unique_email("admin")
    r = gw.post("/api/v1/tenants", headers=gateway.operator,
                json={"name": name, "admin": {"email": email, "name": "แอดมิน",
                                              "password": PASSWORD}})
    assert r.status_code == 201, r.text
    body = r.json()
    return TenantHandle(body["id"], body["admin_user_id"], email, gw, login(gw, email))


@pytest.fixture(scope="session")
def make_tenant(gw, gateway) -> Callable[..., TenantHandle]:
    return lambda **kw: create_tenant(gw, gateway, **kw)


def _echo(name: str) -> ServiceProcess:
    return ServiceProcess("echo_upstream:app", {"PYTHONPATH": str(Path(__file__).parent),
                                                "ECHO_NAME": name},
                          log_path=LOG_DIR / f"gateway-echo-{name}.log", ready_path="/healthz")


@pytest.fixture(scope="session")
def echo_upstream():
    """A throwaway upstream that echoes what the gateway forwarded (a stand-in for the leads
    service, to observe the proxy from the far side)."""
    proc = _echo("leads")
    proc.start()
    yield proc
    proc.stop()


@pytest.fixture(scope="session")
def echo_accounts():
    """The same, standing in for the accounts service."""
    proc = _echo("accounts")
    proc.start()
    yield proc
    proc.stop()


@pytest.fixture(scope="session")
def proxied(start_gateway, echo_upstream, echo_accounts):
    """A gateway whose leads and accounts services are the echo upstreams (short proxy
    timeout, so a slow answer is quickly a 504)."""
    gateway = start_gateway(leads_url=echo_upstream.url, accounts_url=echo_accounts.url,
                            TIDTAM_PROXY_TIMEOUT="1.5")
    with httpx.Client(base_url=gateway.url, timeout=30) as client:
        yield gateway, client

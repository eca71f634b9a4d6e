"""Helpers of the insights tests (the fixtures are in conftest.py): a tenant made through
the gateway with its people and teams, and polling until the read model has caught up."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

PASSWORD = "insights-password-1"
INSIGHTS = "/api/v1/insights"


def login(gw: httpx.Client, email: str) -> dict[str, str]:
    r = gw.post("/api/v1/auth/token", data={"username": email, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


@dataclass
class Tenant:
    id: str
    gw: httpx.Client
    users: dict[str, str] = field(default_factory=dict)  # name -> user id
    tokens: dict[str, dict[str, str]] = field(default_factory=dict)  # name -> auth headers
    teams: dict[str, str] = field(default_factory=dict)

    def h(self, who: str) -> dict[str, str]:
        return self.tokens[who]

    def add_team(self, name: str) -> str:
        r = self.gw.post("/api/v1/teams", headers=self.h("admin"), json={"name": name})
        assert r.status_code == 201, r.text
        self.teams[name] = r.json()["id"]
        return self.teams[name]

    def add_user(self, who: str, role: str, team: str | None = None) -> str:
        email = f"{who}-{uuid.uuid4().hex[:6]}@insights.example"
        body: dict[str, Any] = {"email": email, "name": f"{who} คนขาย", "password": PASSWORD,
                                "role": role}
        if team:
            body["team_id"] = self.teams[team]
        r = self.gw.post("/api/v1/users", headers=self.h("admin"), json=body)
        assert r.status_code == 201, r.text
        self.users[who] = r.json()["id"]
        self.tokens[who] = login(self.gw, email)
        return self.users[who]

    def set_visibility(self, visibility: str) -> None:
        r = self.gw.patch("/api/v1/settings", headers=self.h("admin"),
                          json={"lead_visibility": visibility})
        assert r.status_code == 200, r.text

    def post(self, who: str, path: str, body: dict[str, Any],
             timeout: float = 20.0) -> dict[str, Any]:
        """POST until it is taken (the leads service learns new users through events)."""
        deadline = time.monotonic() + timeout
        while True:
            r = self.gw.post(path, headers={**self.h(who),
                                            "Idempotency-Key": uuid.uuid4().hex}, json=body)
            if r.status_code in (200, 201, 202) or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        assert r.status_code in (200, 201, 202), r.text
        answer: dict[str, Any] = r.json()
        return answer

    def lead(self, who: str, source: str = "website", **extra: Any) -> dict[str, Any]:
        return self.post(who, "/api/v1/leads", {
            "name": f"ลูกค้า {uuid.uuid4().hex[:6]}", "phone": "081-234-5678",
            "email": f"{uuid.uuid4().hex[:8]}@example.co.th", "source": source, **extra})

    def account(self, who: str) -> str:
        """An account of `who`'s (the accounts service; a deal must name one the leads
        service has heard of, which `post` waits for)."""
        return str(self.post(who, "/api/v1/accounts", {
            "kind": "company", "name": f"บริษัท {uuid.uuid4().hex[:6]} จำกัด"})["id"])

    def deal(self, who: str, **extra: Any) -> dict[str, Any]:
        if "account_id" not in extra:
            extra["account_id"] = self.account(who)
        return self.post(who, "/api/v1/deals", {"name": "ดีล " + uuid.uuid4().hex[:6],
                                                **extra})

    def report(self, who: str, report: str, **params: Any) -> httpx.Response:
        return self.gw.get(f"{INSIGHTS}/{report}", headers=self.h(who), params=params)


def until(get: Callable[[], httpx.Response], check: Callable[[Any], bool],
          timeout: float = 60.0) -> Any:
    """Poll `get()` (a response) until `check(json)` holds; returns the json."""
    deadline = time.monotonic() + timeout
    while True:
        r = get()
        if r.status_code == 200 and check(r.json()):
            return r.json()
        assert time.monotonic() < deadline, (r.status_code, r.text)
        time.sleep(0.2)


def new_tenant(gw: httpx.Client, operator_token: str) -> Tenant:
    email = f"admin-{uuid.uuid4().hex[:6]}@insights.example"
    r = gw.post("/api/v1/tenants", headers={"Authorization": f"Bearer {operator_token}"},
                json={"name": "บริษัท รายงาน จำกัด", "admin": {
                    "email": email, "name": "แอดมิน", "password": PASSWORD}})
    assert r.status_code == 201, r.text
    t = Tenant(id=r.json()["id"], gw=gw)
    t.users["admin"] = r.json()["admin_user_id"]
    t.tokens["admin"] = login(gw, email)
    return t

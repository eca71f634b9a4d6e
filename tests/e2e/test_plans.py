"""Plans end to end: the operator changes a tenant's plan at the gateway, the accounts
service learns it from `tenant.plan_changed` and holds the contact quota to it. (The e2e
system runs with TIDTAM_PLAN_CONTACT_LIMITS '{"pro": 3}'.)"""

from __future__ import annotations

import time
import uuid

import pytest

pytestmark = pytest.mark.e2e


def _retry(call, ok, timeout: float = 20.0):
    """Until `ok(response)`: the services learn users and plans through events."""
    deadline = time.monotonic() + timeout
    while True:
        r = call()
        if ok(r) or time.monotonic() > deadline:
            return r
        time.sleep(0.2)


def test_a_plan_change_moves_the_contact_limit(gw, system, make_tenant):
    t = make_tenant()
    operator = {"Authorization": f"Bearer {system.operator_token}"}
    r = gw.patch(f"/api/v1/tenants/{t.id}", headers=operator, json={"plan": "pro"})
    assert r.status_code == 200 and r.json()["contact_limit"] == 3, r.text
    r = _retry(lambda: gw.post("/api/v1/accounts", headers=t.h("admin"), json={
        "name": f"บริษัท แผนโปร {uuid.uuid4().hex[:6]} จำกัด"}), lambda r: r.status_code == 201)
    assert r.status_code == 201, r.text
    url = f"/api/v1/accounts/{r.json()['id']}/contacts"

    def add(name):
        return gw.post(url, headers=t.h("admin"), json={"name": name})

    # Until tenant.plan_changed arrives the free plan's (larger) limit holds; then pro's 3.
    made = [add(f"คนที่ {i}") for i in range(3)]
    assert [r.status_code for r in made] == [201, 201, 201]
    r = _retry(lambda: add("เกินแผน"), lambda r: r.status_code == 409)
    assert r.status_code == 409, r.text
    assert r.json()["code"] == "contact_quota_exceeded" and "pro" in r.json()["message"]
    r = gw.patch(f"/api/v1/tenants/{t.id}", headers=operator, json={"plan": "enterprise"})
    assert r.status_code == 200 and r.json()["contact_limit"] is None
    r = _retry(lambda: add("ไม่จำกัด"), lambda r: r.status_code == 201)
    assert r.status_code == 201, r.text
    r = gw.patch(f"/api/v1/tenants/{t.id}", headers=t.h("admin"), json={"plan": "free"})
    assert r.status_code == 401  # operator routes know no tenant admin

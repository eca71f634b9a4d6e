"""Tenant creation by the operator, and the events it publishes."""

from __future__ import annotations

import json
import uuid

import asyncpg
import httpx
import pytest
from sqlalchemy.engine import make_url

from .conftest import PASSWORD, unique_email

pytestmark = pytest.mark.integration


def _body(email: str | None = None) -> dict:
    return {"name": "ร้านทดสอบ", "admin": {"email": email or unique_email("admin"),
                                          "name": "แอดมิน", "password": PASSWORD}}


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer wrong-token"},
                                     {"Authorization": "Basic Zm9vOmJhcg=="}])
def test_creating_a_tenant_needs_the_operator_token(gw, headers):
    r = gw.post("/api/v1/tenants", headers=headers, json=_body())
    assert r.status_code == 401, r.text
    assert r.json()["code"] == "unauthorized" and r.json()["message"]


def test_a_tenant_admin_token_is_not_the_operator(gw, make_tenant):
    t = make_tenant()
    r = gw.post("/api/v1/tenants", headers=t.admin, json=_body())
    assert r.status_code == 401


async def test_operator_creates_a_tenant_and_its_admin(gw, gateway, event_capture):
    email = unique_email("Admin").upper()
    r = gw.post("/api/v1/tenants", headers=gateway.operator, json=_body(email))
    assert r.status_code == 201, r.text
    body = r.json()
    assert set(body) == {"id", "admin_user_id"}
    tenant = gw.get(f"/api/v1/tenants/{body['id']}", headers=gateway.operator)
    assert tenant.status_code == 200
    assert tenant.json()["name"] == "ร้านทดสอบ" and tenant.json()["plan"] == "free"

    created = await event_capture.assert_published(
        "tenant.created", where=lambda e: e["subject"] == body["id"])
    assert tenant.json()["contact_limit"] == 500
    assert created["data"] == {"id": body["id"], "name": "ร้านทดสอบ", "plan": "free",
                               "contact_limit": 500}
    assert created["sequence"] == 1
    assert created["tenantid"] == body["id"] and created["source"] == "/services/gateway"
    user = await event_capture.assert_published(
        "user.created", where=lambda e: e["subject"] == body["admin_user_id"])
    assert user["data"] == {"id": body["admin_user_id"], "tenant_id": body["id"],
                            "email": email.lower(), "name": "แอดมิน", "role": "admin",
                            "team_id": None, "active": True,
                            "language": "th"}


def test_unknown_tenant_is_404_for_the_operator(gw, gateway):
    r = gw.get(f"/api/v1/tenants/{uuid.uuid4()}", headers=gateway.operator)
    assert r.status_code == 404 and r.json()["code"] == "not_found"


@pytest.mark.parametrize("body,field", [
    ({"name": "x"}, "body.admin"),
    ({"name": "x", "admin": {"email": "not-an-email", "name": "a", "password": PASSWORD}},
     "body.admin.email"),
    ({"name": "x", "admin": {"email": "a@b.example", "name": "a", "password": "short"}},
     "body.admin.password"),
    ({"name": "", "admin": {"email": "a@b.example", "name": "a", "password": PASSWORD}},
     "body.name"),
    ({"name": "x", "plan": "gold", "admin": {"email": "a@b.example", "name": "a",
                                             "password": PASSWORD}}, "body.plan"),
])
def test_bad_tenant_bodies_name_the_field(gw, gateway, body, field):
    r = gw.post("/api/v1/tenants", headers=gateway.operator, json=body)
    assert r.status_code == 422, r.text
    assert field in {f["field"] for f in r.json()["fields"]}


def _plan(gw, gateway, tenant_id: str, body) -> httpx.Response:
    return gw.patch(f"/api/v1/tenants/{tenant_id}", headers=gateway.operator, json=body)


async def _outbox_types(gateway_db, tenant_id: str) -> list[tuple[str, int]]:
    dsn = make_url(gateway_db.owner_url).set(drivername="postgresql")
    conn = await asyncpg.connect(dsn.render_as_string(hide_password=False))
    try:
        rows = await conn.fetch("SELECT event_type, payload FROM outbox WHERE tenant_id = $1 "
                                "AND event_type LIKE 'tenant.%' ORDER BY id",
                                uuid.UUID(tenant_id))
    finally:
        await conn.close()
    return [(r["event_type"], json.loads(r["payload"])["sequence"]) for r in rows]


async def test_operator_changes_the_plan_and_it_is_announced(gw, gateway, gateway_db,
                                                             make_tenant, event_capture):
    t = make_tenant()
    r = _plan(gw, gateway, t.id, {"plan": "pro"})
    assert r.status_code == 200, r.text
    assert (r.json()["id"], r.json()["plan"], r.json()["contact_limit"]) == (t.id, "pro", 20000)
    assert gw.get(f"/api/v1/tenants/{t.id}", headers=gateway.operator).json() == r.json()
    event = await event_capture.assert_published(
        "tenant.plan_changed", where=lambda e: e["subject"] == t.id)
    assert event["data"] == {"id": t.id, "plan": "pro", "contact_limit": 20000}
    assert (event["tenantid"], event["sequence"]) == (t.id, 2)
    # The plan it has already: nothing changes, nothing is announced.
    assert _plan(gw, gateway, t.id, {"plan": "pro"}).json() == r.json()
    r = _plan(gw, gateway, t.id, {"plan": "enterprise"})
    assert (r.json()["plan"], r.json()["contact_limit"]) == ("enterprise", None)
    event = await event_capture.assert_published(
        "tenant.plan_changed", where=lambda e: e["subject"] == t.id and e["sequence"] == 3)
    assert event["data"] == {"id": t.id, "plan": "enterprise", "contact_limit": None}
    assert await _outbox_types(gateway_db, t.id) == [
        ("tenant.created", 1), ("tenant.plan_changed", 2), ("tenant.plan_changed", 3)]
    # The tenant's own admin reads no tenant record and cannot change its plan.
    assert gw.patch(f"/api/v1/tenants/{t.id}", headers=t.admin,
                    json={"plan": "free"}).status_code == 401


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer wrong-token"}])
def test_changing_a_plan_needs_the_operator_token(gw, make_tenant, headers):
    t = make_tenant()
    r = gw.patch(f"/api/v1/tenants/{t.id}", headers=headers, json={"plan": "pro"})
    assert r.status_code == 401 and r.json()["code"] == "unauthorized"


def test_changing_the_plan_of_an_unknown_tenant_is_404(gw, gateway):
    r = _plan(gw, gateway, str(uuid.uuid4()), {"plan": "pro"})
    assert r.status_code == 404 and r.json()["code"] == "not_found"


@pytest.mark.parametrize("body,field", [
    ({"plan": "gold"}, "body.plan"), ({"plan": "standard"}, "body.plan"),
    ({"plan": None}, "body.plan"), ({"plan": "PRO"}, "body.plan"), ({}, "body.plan"),
    ({"plan": "pro", "name": "x"}, "body.name"),
])
def test_bad_plans_name_the_field(gw, gateway, make_tenant, body, field):
    t = make_tenant()
    r = _plan(gw, gateway, t.id, body)
    assert r.status_code == 422, r.text
    assert [f["field"] for f in r.json()["fields"]] == [field]
    assert gw.get(f"/api/v1/tenants/{t.id}", headers=gateway.operator).json()["plan"] == "free"


async def test_default_plan_and_limits_are_configuration(start_gateway, event_capture):
    gateway = start_gateway(TIDTAM_DEFAULT_PLAN="pro",
                            TIDTAM_PLAN_CONTACT_LIMITS='{"pro": 3, "enterprise": 100}')
    async with httpx.AsyncClient(base_url=gateway.url, timeout=30) as client:
        r = await client.post("/api/v1/tenants", headers=gateway.operator, json=_body())
        assert r.status_code == 201, r.text
        tenant_id = r.json()["id"]
        tenant = (await client.get(f"/api/v1/tenants/{tenant_id}",
                                   headers=gateway.operator)).json()
        assert (tenant["plan"], tenant["contact_limit"]) == ("pro", 3)
        created = await event_capture.assert_published(
            "tenant.created", where=lambda e: e["subject"] == tenant_id)
        assert (created["data"]["plan"], created["data"]["contact_limit"]) == ("pro", 3)
        # A plan the configuration leaves out keeps its default limit.
        r = await client.patch(f"/api/v1/tenants/{tenant_id}", headers=gateway.operator,
                               json={"plan": "free"})
        assert r.json()["contact_limit"] == 500


async def test_changed_limits_are_announced_once(gateway, start_gateway, event_capture):
    async with httpx.AsyncClient(base_url=gateway.url, timeout=30) as client:
        r = await client.post("/api/v1/tenants", headers=gateway.operator, json=_body())
        assert r.status_code == 201, r.text
        tenant_id = r.json()["id"]
    # The operator raises the free plan's limit and restarts the gateways with it.
    raised = start_gateway(TIDTAM_PLAN_CONTACT_LIMITS='{"free": 750}')
    async with httpx.AsyncClient(base_url=raised.url, timeout=30) as client:
        r = await client.post("/api/v1/tenants/announce-limits", headers=raised.operator)
        assert r.status_code == 200, r.text
        assert r.json()["announced"] >= 1
        event = await event_capture.assert_published(
            "tenant.plan_changed", where=lambda e: e["subject"] == tenant_id)
        assert event["data"] == {"id": tenant_id, "plan": "free", "contact_limit": 750}
        assert event["sequence"] == 2
        r = await client.post("/api/v1/tenants/announce-limits", headers=raised.operator)
        assert r.json() == {"announced": 0}
        tenant = (await client.get(f"/api/v1/tenants/{tenant_id}",
                                   headers=raised.operator)).json()
        assert tenant["contact_limit"] == 750
        r = await client.post("/api/v1/tenants/announce-limits")
        assert r.status_code == 401

"""Tenant creation by the operator, and the events it publishes."""

from __future__ import annotations

import uuid

import pytest

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
    assert created["data"] == {"id": body["id"], "name": "ร้านทดสอบ", "plan": "free"}
    assert created["tenantid"] == body["id"] and created["source"] == "/services/gateway"
    user = await event_capture.assert_published(
        "user.created", where=lambda e: e["subject"] == body["admin_user_id"])
    assert user["data"] == {"id": body["admin_user_id"], "tenant_id": body["id"],
                            "email": email.lower(), "name": "แอดมิน", "role": "admin",
                            "team_id": None, "active": True}


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

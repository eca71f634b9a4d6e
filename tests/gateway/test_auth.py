"""Login, /me, and every way a credential can be bad."""

from __future__ import annotations

import uuid

import pytest

from tidtam_gateway.auth.tokens import issue_access_token

from .conftest import PASSWORD, login, unique_email

pytestmark = pytest.mark.integration


def test_login_and_me(gw, make_tenant):
    t = make_tenant()
    r = gw.post("/api/v1/auth/token", data={"username": t.admin_email.upper(),
                                            "password": PASSWORD})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["token_type"] == "bearer" and body["expires_in"] > 0
    me = gw.get("/api/v1/me", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.status_code == 200
    assert me.json() == {"id": t.admin_id, "tenant_id": t.id, "email": t.admin_email,
                         "name": "แอดมิน", "role": "admin", "team_id": None,
                         "language": "th", "must_change_password": False}


@pytest.mark.parametrize("username,password", [("nobody@gw.example", PASSWORD),
                                               ("no\x00body@gw.example", PASSWORD),
                                               (None, "wrong-password")])
def test_wrong_credentials_are_401_error_body(gw, make_tenant, username, password):
    t = make_tenant()
    r = gw.post("/api/v1/auth/token", data={"username": username or t.admin_email,
                                            "password": password})
    assert r.status_code == 401
    assert r.json()["code"] == "invalid_credentials" and r.json()["message"]


def test_login_form_missing_fields_is_422(gw):
    r = gw.post("/api/v1/auth/token", data={"username": "a@b.example"})
    assert r.status_code == 422 and "body.password" in {f["field"] for f in r.json()["fields"]}


def test_same_email_in_two_tenants_the_password_decides(gw, make_tenant):
    email = unique_email("shared")
    a, b = make_tenant(), make_tenant()
    a.add_user(email=email)  # password PASSWORD
    r = gw.post("/api/v1/users", headers=b.admin, json={
        "email": email, "name": "อีกคน", "password": "other-password-2", "role": "sales"})
    assert r.status_code == 201, r.text
    in_a = gw.get("/api/v1/me", headers=login(gw, email, PASSWORD)).json()
    in_b = gw.get("/api/v1/me", headers=login(gw, email, "other-password-2")).json()
    assert (in_a["tenant_id"], in_b["tenant_id"]) == (a.id, b.id)


def test_same_email_and_password_in_two_tenants_must_name_the_tenant(gw, make_tenant):
    email = unique_email("twice")
    a, b = make_tenant(), make_tenant()
    a.add_user(email=email)
    r = gw.post("/api/v1/users", headers=b.admin, json={
        "email": email, "name": "คนเดิม", "password": PASSWORD, "role": "sales"})
    assert r.status_code == 201, r.text  # the same password in both tenants
    r = gw.post("/api/v1/auth/token", data={"username": email, "password": PASSWORD})
    assert r.status_code == 409, r.text
    assert r.json()["code"] == "tenant_required"
    assert a.id in r.json()["message"] and b.id in r.json()["message"]
    for tenant in (a, b):
        r = gw.post("/api/v1/auth/token", data={"username": email, "password": PASSWORD,
                                                "tenant_id": tenant.id})
        assert r.status_code == 200, r.text
        me = gw.get("/api/v1/me", headers={"Authorization": f"Bearer {r.json()['access_token']}"})
        assert me.json()["tenant_id"] == tenant.id
    r = gw.post("/api/v1/auth/token", data={"username": email, "password": PASSWORD,
                                            "tenant_id": str(uuid.uuid4())})
    assert r.status_code == 401


@pytest.mark.parametrize("header", [
    None, "Bearer", "Bearer not-a-jwt", "Bearer eyJhbGciOiJub25lIn0.e30.", "Basic abc",
])
def test_missing_or_malformed_tokens_are_401(gw, header):
    headers = {"Authorization": header} if header else {}
    for path in ("/api/v1/me", "/api/v1/users", "/api/v1/settings", "/api/v1/leads"):
        r = gw.get(path, headers=headers)
        assert r.status_code == 401, (path, r.text)
        assert r.json()["code"] == "unauthorized"


def test_expired_and_foreign_tokens_are_401(gw, gateway, make_tenant):
    t = make_tenant()
    tid, uid = uuid.UUID(t.id), uuid.UUID(t.admin_id)
    expired = issue_access_token(gateway.jwt_secret, user_id=uid, tenant_id=tid, ttl=-5)
    r = gw.get("/api/v1/me", headers={"Authorization": f"Bearer {expired}"})
    assert r.status_code == 401 and "expired" in r.json()["message"]
    forged = issue_access_token("another-secret", user_id=uid, tenant_id=tid, ttl=60)
    assert gw.get("/api/v1/me", headers={"Authorization": f"Bearer {forged}"}).status_code == 401
    # Validly signed, but for a user who does not exist in that tenant.
    ghost = issue_access_token(gateway.jwt_secret, user_id=uuid.uuid4(), tenant_id=tid, ttl=60)
    assert gw.get("/api/v1/me", headers={"Authorization": f"Bearer {ghost}"}).status_code == 401

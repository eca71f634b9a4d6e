"""Users: admin-only CRUD, role checks, deactivation, tenant isolation, events."""

from __future__ import annotations

import uuid

import pytest

from .conftest import PASSWORD, unique_email

pytestmark = pytest.mark.integration


async def test_admin_adds_a_user_with_a_team(gw, make_tenant, event_capture):
    t = make_tenant()
    team = t.add_team()
    email = unique_email("Sales")
    r = gw.post("/api/v1/users", headers=t.admin, json={
        "email": email, "name": "สมชาย ใจดี", "password": PASSWORD, "role": "sales",
        "team_id": team})
    assert r.status_code == 201, r.text
    user = r.json()
    assert user["email"] == email.lower() and user["team_id"] == team and user["active"]
    assert "password" not in user and "password_hash" not in user
    event = await event_capture.assert_published(
        "user.created", where=lambda e: e["subject"] == user["id"])
    assert event["data"] == {"id": user["id"], "tenant_id": t.id, "email": email.lower(),
                             "name": "สมชาย ใจดี", "role": "sales", "team_id": team,
                             "active": True, "language": "th"}
    assert gw.get(f"/api/v1/users/{user['id']}", headers=t.admin).json() == user


def test_duplicate_email_is_409_and_unknown_team_is_404(gw, make_tenant):
    t = make_tenant()
    _, email, _ = t.add_user()
    body = {"email": email, "name": "ซ้ำ", "password": PASSWORD, "role": "sales"}
    r = gw.post("/api/v1/users", headers=t.admin, json=body)
    assert r.status_code == 409 and r.json()["code"] == "email_taken"
    other = make_tenant()
    r = gw.post("/api/v1/users", headers=t.admin, json={
        **body, "email": unique_email(), "team_id": other.add_team()})
    assert r.status_code == 404  # another tenant's team is as unknown as a made-up one
    assert r.json()["fields"][0]["field"] == "body.team_id"


@pytest.mark.parametrize("role", ["sales", "manager"])
def test_only_admins_manage_users_teams_keys_settings(gw, make_tenant, role):
    t = make_tenant()
    uid, _, headers = t.add_user(role)
    calls = [
        ("POST", "/api/v1/users", {"email": unique_email(), "name": "x", "password": PASSWORD}),
        ("GET", "/api/v1/users", None), ("GET", f"/api/v1/users/{uid}", None),
        ("PATCH", f"/api/v1/users/{t.admin_id}", {"name": "hijack"}),
        ("DELETE", f"/api/v1/users/{t.admin_id}", None),
        ("POST", "/api/v1/teams", {"name": "x"}), ("GET", "/api/v1/teams", None),
        ("POST", "/api/v1/api-keys", {"name": "x"}), ("GET", "/api/v1/api-keys", None),
        ("DELETE", f"/api/v1/api-keys/{uuid.uuid4()}", None),
        ("PATCH", "/api/v1/settings", {"lead_visibility": "own"}),
    ]
    for method, path, body in calls:
        r = gw.request(method, path, headers=headers, json=body)
        assert r.status_code == 403, (method, path, r.text)
        assert r.json()["code"] == "forbidden"
    assert gw.get("/api/v1/settings", headers=headers).status_code == 200
    assert gw.get("/api/v1/me", headers=headers).json()["role"] == role


def test_list_is_paginated_by_cursor(gw, make_tenant):
    t = make_tenant()
    for _ in range(4):
        t.add_user()
    seen, cursor = [], None
    while True:
        params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        r = gw.get("/api/v1/users", headers=t.admin, params=params)
        assert r.status_code == 200, r.text
        assert len(r.json()["items"]) <= 2
        seen += [u["email"] for u in r.json()["items"]]
        cursor = r.json()["next_cursor"]
        if not cursor:
            break
    assert len(seen) == 5 and seen == sorted(seen) and len(set(seen)) == 5
    for bad in ({"limit": 0}, {"limit": 1000}, {"limit": "many"}, {"cursor": "%%%"}):
        r = gw.get("/api/v1/users", headers=t.admin, params=bad)
        assert r.status_code == 422, (bad, r.text)


async def test_patch_changes_only_what_is_sent(gw, make_tenant, event_capture):
    t = make_tenant()
    team = t.add_team()
    uid, email, _ = t.add_user()
    r = gw.patch(f"/api/v1/users/{uid}", headers=t.admin,
                 json={"role": "manager", "team_id": team, "name": "ผู้จัดการ"})
    assert r.status_code == 200, r.text
    assert (r.json()["role"], r.json()["team_id"], r.json()["email"]) == ("manager", team, email)
    event = await event_capture.assert_published(
        "user.updated", where=lambda e: e["subject"] == uid)
    assert event["data"]["role"] == "manager" and event["sequence"] == 2
    r = gw.patch(f"/api/v1/users/{uid}", headers=t.admin, json={"team_id": None})
    assert r.status_code == 200 and r.json()["team_id"] is None
    for bad in ({"role": "owner"}, {"name": None}, {"active": "yes"}, {"salary": 1},
                {"email": "nope"}, {"password": "short"}):
        r = gw.patch(f"/api/v1/users/{uid}", headers=t.admin, json=bad)
        assert r.status_code == 422, (bad, r.text)
        assert r.json()["fields"], bad


def test_password_change_takes_effect(gw, make_tenant):
    t = make_tenant()
    uid, email, _ = t.add_user()
    r = gw.patch(f"/api/v1/users/{uid}", headers=t.admin, json={"password": "brand-new-pass"})
    assert r.status_code == 200
    old = gw.post("/api/v1/auth/token", data={"username": email, "password": PASSWORD})
    new = gw.post("/api/v1/auth/token", data={"username": email, "password": "brand-new-pass"})
    assert (old.status_code, new.status_code) == (401, 200)


async def test_deactivation_kills_the_token_at_once(gw, make_tenant, event_capture):
    t = make_tenant()
    uid, email, headers = t.add_user()
    assert gw.get("/api/v1/me", headers=headers).status_code == 200
    r = gw.delete(f"/api/v1/users/{uid}", headers=t.admin)
    assert r.status_code == 200 and r.json()["active"] is False
    for path in ("/api/v1/me", "/api/v1/settings", "/api/v1/leads"):
        assert gw.get(path, headers=headers).status_code == 401, path
    login = gw.post("/api/v1/auth/token", data={"username": email, "password": PASSWORD})
    assert login.status_code == 401
    event = await event_capture.assert_published(
        "user.deactivated", where=lambda e: e["subject"] == uid)
    assert event["data"]["active"] is False
    # Reactivating through PATCH brings the same token back.
    r = gw.patch(f"/api/v1/users/{uid}", headers=t.admin, json={"active": True})
    assert r.status_code == 200 and r.json()["active"] is True
    assert gw.get("/api/v1/me", headers=headers).status_code == 200


def test_an_admin_cannot_lock_themselves_out(gw, make_tenant):
    t = make_tenant()
    for method, body in (("DELETE", None), ("PATCH", {"active": False}),
                         ("PATCH", {"role": "sales"})):
        r = gw.request(method, f"/api/v1/users/{t.admin_id}", headers=t.admin, json=body)
        assert r.status_code == 409 and r.json()["code"] == "self_lockout"


def test_another_tenants_admin_sees_nothing_of_tenant_a(gw, make_tenant):
    a, b = make_tenant(), make_tenant()
    uid, email, _ = a.add_user()
    for method, body in (("GET", None), ("PATCH", {"name": "pwned"}), ("DELETE", None)):
        r = gw.request(method, f"/api/v1/users/{uid}", headers=b.admin, json=body)
        assert r.status_code == 404, (method, r.text)
    listed = gw.get("/api/v1/users", headers=b.admin, params={"limit": 200}).json()["items"]
    assert email not in {u["email"] for u in listed}
    assert gw.get(f"/api/v1/users/{uid}", headers=a.admin).json()["name"] != "pwned"
    # The operator-only tenant read is not open to tenant admins either.
    assert gw.get(f"/api/v1/tenants/{a.id}", headers=b.admin).status_code == 401


def test_every_role_sees_the_people_list_without_emails(gw, make_tenant):
    t = make_tenant()
    ids = [t.add_user(role)[0] for role in ("sales", "manager", "sales")]
    _, _, sales = t.add_user("sales")
    seen, cursor = [], None
    while True:
        params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        r = gw.get("/api/v1/people", headers=sales, params=params)
        assert r.status_code == 200, r.text
        page = r.json()
        seen += page["items"]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert {p["id"] for p in seen} >= {*ids, t.admin_id}
    assert len({p["id"] for p in seen}) == len(seen) == 5
    assert all(set(p) == {"id", "name", "role", "team_id", "active"} for p in seen)
    other = make_tenant()
    theirs = gw.get("/api/v1/people", headers=other.admin).json()["items"]
    assert not {p["id"] for p in theirs} & {p["id"] for p in seen}
    assert gw.get("/api/v1/people").status_code == 401

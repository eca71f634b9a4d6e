"""The admin's user and team actions (issue 11): deactivate with a transfer of leads,
reactivate, reset a password, rename and delete teams; and the searchable people picker."""

from __future__ import annotations

import base64
import unicodedata
import uuid

import pytest

from .conftest import PASSWORD, login, unique_email

pytestmark = pytest.mark.integration


@pytest.mark.parametrize("role", ["sales", "manager"])
def test_only_admins_reach_the_new_user_and_team_actions(gw, make_tenant, role):
    t = make_tenant()
    uid, _, headers = t.add_user(role)
    team = t.add_team()
    calls = [
        ("POST", f"/api/v1/users/{t.admin_id}/deactivate", {"transfer_leads_to": uid}),
        ("POST", f"/api/v1/users/{uid}/reactivate", None),
        ("POST", f"/api/v1/users/{t.admin_id}/password", {}),
        ("GET", f"/api/v1/teams/{team}", None),
        ("PATCH", f"/api/v1/teams/{team}", {"name": "hijack"}),
        ("DELETE", f"/api/v1/teams/{team}", None),
    ]
    for method, path, body in calls:
        r = gw.request(method, path, headers=headers, json=body)
        assert r.status_code == 403, (method, path, r.text)
        assert r.json()["code"] == "forbidden"
    # Nothing changed: the admin still logs in with the same password, the team keeps
    # its name.
    login(gw, t.admin_email)
    assert gw.get(f"/api/v1/teams/{team}", headers=t.admin).json()["name"] != "hijack"


async def test_deactivation_names_the_heir_in_its_event_and_ends_the_sessions(
        gw, make_tenant, event_capture):
    t = make_tenant()
    leaver, _, leaver_h = t.add_user()
    heir, _, _ = t.add_user()
    r = gw.post(f"/api/v1/users/{leaver}/deactivate", headers=t.admin,
                json={"transfer_leads_to": heir})
    assert r.status_code == 200, r.text
    assert r.json()["active"] is False
    event = await event_capture.assert_published(
        "user.deactivated", where=lambda e: e["subject"] == leaver)
    assert event["data"]["leads_to_user_id"] == heir
    assert event["data"]["by_user_id"] == t.admin_id
    assert gw.get("/api/v1/me", headers=leaver_h).status_code == 401
    # Without a transfer the event says so.
    other, _, _ = t.add_user()
    assert gw.post(f"/api/v1/users/{other}/deactivate", headers=t.admin,
                   json={}).status_code == 200
    event = await event_capture.assert_published(
        "user.deactivated", where=lambda e: e["subject"] == other)
    assert event["data"]["leads_to_user_id"] is None


def test_deactivation_refuses_a_heir_that_cannot_take_the_leads(gw, make_tenant):
    t = make_tenant()
    leaver, _, _ = t.add_user()
    gone, _, _ = t.add_user()
    gw.delete(f"/api/v1/users/{gone}", headers=t.admin)
    stranger = make_tenant().admin_id
    for heir, status, code in ((leaver, 422, "same_user"), (gone, 404, "unknown_user"),
                               (stranger, 404, "unknown_user"),
                               (str(uuid.uuid4()), 404, "unknown_user")):
        r = gw.post(f"/api/v1/users/{leaver}/deactivate", headers=t.admin,
                    json={"transfer_leads_to": heir})
        assert r.status_code == status, r.text
        assert [(f["field"], f["code"]) for f in r.json()["fields"]] == [
            ("body.transfer_leads_to", code)]
    # Refused whole: the user is still active.
    assert gw.get(f"/api/v1/users/{leaver}", headers=t.admin).json()["active"] is True
    r = gw.post(f"/api/v1/users/{t.admin_id}/deactivate", headers=t.admin, json={})
    assert r.status_code == 409 and r.json()["code"] == "self_lockout"
    r = gw.post(f"/api/v1/users/{uuid.uuid4()}/deactivate", headers=t.admin, json={})
    assert r.status_code == 404


async def test_reactivation_lets_the_user_in_again(gw, make_tenant, event_capture):
    t = make_tenant()
    uid, email, _ = t.add_user()
    gw.post(f"/api/v1/users/{uid}/deactivate", headers=t.admin, json={})
    assert gw.post("/api/v1/auth/token",
                   data={"username": email, "password": PASSWORD}).status_code == 401
    r = gw.post(f"/api/v1/users/{uid}/reactivate", headers=t.admin)
    assert r.status_code == 200 and r.json()["active"] is True
    await event_capture.assert_published(
        "user.updated", where=lambda e: e["subject"] == uid and e["data"]["active"])
    assert gw.get("/api/v1/me", headers=login(gw, email)).json()["id"] == uid


def test_password_reset_ends_the_sessions_and_gives_a_one_time_password(gw, make_tenant):
    t = make_tenant()
    uid, email, old = t.add_user()
    r = gw.post(f"/api/v1/users/{uid}/password", headers=t.admin, json={})
    assert r.status_code == 200, r.text
    temporary = r.json()["temporary_password"]
    assert len(temporary) >= 12 and r.json()["user"]["must_change_password"] is True
    refused = gw.get("/api/v1/me", headers=old)
    assert refused.status_code == 401 and refused.json()["code"] == "session_ended"
    assert gw.post("/api/v1/auth/token",
                   data={"username": email, "password": PASSWORD}).status_code == 401
    fresh = login(gw, email, temporary)
    assert gw.get("/api/v1/me", headers=fresh).json()["must_change_password"] is True
    # The one-time password opens only the change of password, through the gateway's own
    # routes and the proxy alike.
    for method, path in (("GET", "/api/v1/people"), ("GET", "/api/v1/leads"),
                         ("PATCH", "/api/v1/me")):
        r = gw.request(method, path, headers=fresh, json={} if method == "PATCH" else None)
        assert r.status_code == (200 if path == "/api/v1/me" else 403), (path, r.text)
        if r.status_code == 403:
            assert r.json()["code"] == "password_change_required"
    # The user picks their own: the flag clears.
    r = gw.post("/api/v1/me/password", headers=fresh,
                json={"current_password": temporary, "new_password": "my-own-pass-9"})
    assert r.status_code == 200, r.text
    mine = {"Authorization": f"Bearer {r.json()['access_token']}"}
    assert gw.get("/api/v1/me", headers=mine).json()["must_change_password"] is False
    # An admin may name the password instead; no one-time password is shown then.
    r = gw.post(f"/api/v1/users/{uid}/password", headers=t.admin,
                json={"password": "set-by-admin-1", "must_change_password": False})
    assert r.json()["temporary_password"] is None
    assert r.json()["user"]["must_change_password"] is False
    login(gw, email, "set-by-admin-1")
    bad = gw.post(f"/api/v1/users/{uid}/password", headers=t.admin, json={"password": "short"})
    assert bad.status_code == 422
    assert bad.json()["fields"][0] | {"message": ""} == {
        "field": "body.password", "code": "too_short", "params": {"min_length": 8},
        "message": ""}


async def test_teams_are_renamed_and_deleted_only_when_empty(gw, make_tenant, event_capture):
    t = make_tenant()
    team = t.add_team("ทีมเก่า")
    t.add_team("ทีมอื่น")
    r = gw.patch(f"/api/v1/teams/{team}", headers=t.admin, json={"name": " ทีมใหม่ "})
    assert r.status_code == 200 and r.json()["name"] == "ทีมใหม่"
    await event_capture.assert_published(
        "team.renamed", where=lambda e: e["subject"] == team and e["data"]["name"] == "ทีมใหม่")
    dup = gw.patch(f"/api/v1/teams/{team}", headers=t.admin, json={"name": "ทีมอื่น"})
    assert dup.status_code == 409 and dup.json()["code"] == "team_exists"
    a, _, _ = t.add_user(team_id=team)
    b, _, _ = t.add_user(team_id=team)
    gw.delete(f"/api/v1/users/{b}", headers=t.admin)  # deactivated, still a member
    r = gw.delete(f"/api/v1/teams/{team}", headers=t.admin)
    assert r.status_code == 409, r.text
    body = r.json()
    assert body["code"] == "team_not_empty"
    assert "2 members" in body["message"] and "(deactivated)" in body["message"]
    assert {f["params"]["user_id"] for f in body["fields"]} == {a, b}
    assert {f["code"] for f in body["fields"]} == {"team_member"}
    assert all(f["params"]["name"] in body["message"] for f in body["fields"])
    assert gw.get(f"/api/v1/teams/{team}", headers=t.admin).status_code == 200
    for uid in (a, b):
        assert gw.patch(f"/api/v1/users/{uid}", headers=t.admin,
                        json={"team_id": None}).status_code == 200
    assert gw.delete(f"/api/v1/teams/{team}", headers=t.admin).status_code == 204
    await event_capture.assert_published("team.deleted", where=lambda e: e["subject"] == team)
    assert gw.get(f"/api/v1/teams/{team}", headers=t.admin).status_code == 404
    assert gw.delete(f"/api/v1/teams/{team}", headers=t.admin).status_code == 404
    # Another tenant's team is not found, not refused.
    other = make_tenant().add_team()
    assert gw.delete(f"/api/v1/teams/{other}", headers=t.admin).status_code == 404


def test_people_are_searched_by_thai_and_english_name_and_email(gw, make_tenant):
    t = make_tenant()
    team = t.add_team()

    def add(name: str, email: str, team_id: str | None = None) -> str:
        body = {"email": email, "name": name, "password": PASSWORD, "team_id": team_id}
        r = gw.post("/api/v1/users", headers=t.admin, json=body)
        assert r.status_code == 201, r.text
        return r.json()["id"]

    somchai = add("สมชาย ใจดี", unique_email("somchai"), team)
    jose = add("José Ramírez", unique_email("jramirez"))
    mary = add("Mary Jones", unique_email("mj"))
    _, _, sales = t.add_user()

    def names(**params) -> list[str]:
        r = gw.get("/api/v1/people", headers=sales, params=params)
        assert r.status_code == 200, r.text
        return [p["name"] for p in r.json()["items"]]

    assert names(q="สมชาย") == ["สมชาย ใจดี"]
    assert names(q="ใจ สม") == ["สมชาย ใจดี"]  # every word, anywhere, any order
    assert names(q="MARY") == ["Mary Jones"]
    assert names(q="jramirez") == ["José Ramírez"]  # the email
    # A decomposed é (as some keyboards send it) finds the composed one.
    assert names(q=unicodedata.normalize("NFD", "José")) == ["José Ramírez"]
    assert names(q="50%_") == []  # LIKE's wildcards are plain characters
    assert names(team_id=team) == ["สมชาย ใจดี"]
    gw.delete(f"/api/v1/users/{mary}", headers=t.admin)
    assert "Mary Jones" not in names(active="true")
    assert names(active="false") == ["Mary Jones"]
    # Every page in order, by name then id, with no one twice or missed.
    seen, cursor = [], None
    while True:
        params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = gw.get("/api/v1/people", headers=sales, params=params).json()
        seen += [p["id"] for p in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    everyone = gw.get("/api/v1/people", headers=sales).json()["items"]
    assert seen == [p["id"] for p in everyone] and len(seen) == 5
    assert {somchai, jose, mary} <= set(seen)
    # A cursor is a position by name: one this API did not make still names a place.
    made_up = gw.get("/api/v1/people", headers=sales, params={
        "cursor": base64.urlsafe_b64encode(b"N").decode().rstrip("=")})
    assert made_up.status_code == 200, made_up.text
    rest = [p["id"] for p in made_up.json()["items"]]
    assert rest == [p["id"] for p in everyone][len(everyone) - len(rest):]  # the tail after N
    # José and Mary sort before N; the sales user and the Thai names after it.
    assert len(rest) == 3 and not {jose, mary} & set(rest)
    bad = gw.get("/api/v1/people", headers=sales, params={"cursor": "!!"})
    assert bad.status_code == 422 and bad.json()["fields"][0]["field"] == "query.cursor"
    long_q = gw.get("/api/v1/people", headers=sales, params={"q": "ก" * 101})
    assert long_q.status_code == 422
    assert long_q.json()["fields"][0]["code"] == "too_long"

"""My account: name, language and password; a password change ends every other session
of mine at once, in this gateway process and (by NOTIFY) in the others."""

from __future__ import annotations

import time

import httpx
import pytest

from .conftest import PASSWORD, login

pytestmark = pytest.mark.integration

NEW = "a-new-password-7"


def test_name_and_language_are_mine_to_change(gw, make_tenant):
    t = make_tenant()
    uid, _, me = t.add_user()
    assert gw.get("/api/v1/me", headers=me).json()["language"] == "th"
    r = gw.patch("/api/v1/me", headers=me, json={"name": "  Somchai J. ", "language": "en"})
    assert r.status_code == 200, r.text
    assert (r.json()["name"], r.json()["language"]) == ("Somchai J.", "en")
    got = gw.get("/api/v1/me", headers=me).json()
    assert (got["id"], got["name"], got["language"]) == (uid, "Somchai J.", "en")
    # Colleagues see the new name.
    people = gw.get("/api/v1/people", headers=t.admin, params={"q": "somchai"}).json()
    assert [p["id"] for p in people["items"]] == [uid]
    for body, code in (({"language": "fr"}, "literal_error"),
                       ({"name": None}, "null_not_allowed"), ({"name": " "}, "blank"),
                       ({"name": "ก" * 201}, "too_long"), ({"role": "admin"}, "unknown_field")):
        r = gw.patch("/api/v1/me", headers=me, json=body)
        assert r.status_code == 422, (body, r.text)
        assert r.json()["fields"][0]["code"] == code, (body, r.text)
    assert gw.get("/api/v1/me", headers=me).json()["role"] == "sales"


def test_an_api_key_has_no_account_to_change(gw, make_tenant):
    t = make_tenant()
    key = gw.post("/api/v1/api-keys", headers=t.admin, json={"name": "erp"}).json()["key"]
    headers = {"X-API-Key": key}
    assert gw.get("/api/v1/me", headers=headers).json()["language"] is None
    for method, path, body in (("PATCH", "/api/v1/me", {"language": "en"}),
                               ("POST", "/api/v1/me/password",
                                {"current_password": PASSWORD, "new_password": NEW})):
        r = gw.request(method, path, headers=headers, json=body)
        assert r.status_code == 403 and r.json()["code"] == "api_key_caller"


def test_changing_my_password_ends_my_other_sessions(gw, make_tenant, start_gateway):
    t = make_tenant()
    _, email, this = t.add_user()
    phone = login(gw, email)  # another session of mine
    colleague = login(gw, t.admin_email)
    # A second gateway process has my phone's session cached.
    second = start_gateway()
    with httpx.Client(base_url=second.url, timeout=30) as gw2:
        assert gw2.get("/api/v1/me", headers=phone).status_code == 200
        wrong = gw.post("/api/v1/me/password", headers=this,
                        json={"current_password": "not-it-at-all", "new_password": NEW})
        assert wrong.status_code == 403
        assert [(f["field"], f["code"]) for f in wrong.json()["fields"]] == [
            ("body.current_password", "wrong_password")]
        assert gw.get("/api/v1/me", headers=phone).status_code == 200  # nothing changed
        r = gw.post("/api/v1/me/password", headers=this,
                    json={"current_password": PASSWORD, "new_password": NEW})
        assert r.status_code == 200, r.text
        mine = {"Authorization": f"Bearer {r.json()['access_token']}"}
        # At once in this process: its cache forgot me before it answered.
        for old in (this, phone):
            refused = gw.get("/api/v1/me", headers=old)
            assert refused.status_code == 401 and refused.json()["code"] == "session_ended"
        assert gw.get("/api/v1/me", headers=mine).status_code == 200
        # The other process hears of it by NOTIFY, within moments.
        deadline = time.monotonic() + 5
        while gw2.get("/api/v1/me", headers=phone).status_code != 401:
            assert time.monotonic() < deadline, "the second gateway still lets the old token in"
            time.sleep(0.05)
        assert gw2.get("/api/v1/me", headers=mine).status_code == 200
    # Someone else's session is untouched; the old password no longer opens mine.
    assert gw.get("/api/v1/me", headers=colleague).status_code == 200
    assert gw.post("/api/v1/auth/token",
                   data={"username": email, "password": PASSWORD}).status_code == 401
    login(gw, email, NEW)
    short = gw.post("/api/v1/me/password", headers=mine,
                    json={"current_password": NEW, "new_password": "short"})
    assert short.status_code == 422
    assert short.json()["fields"][0]["code"] == "too_short"
    assert short.json()["fields"][0]["params"] == {"min_length": 8}

"""Bad input at the gateway's own endpoints: always a 4xx ErrorBody, never a 500."""

from __future__ import annotations

import pytest

from .conftest import PASSWORD, unique_email

pytestmark = pytest.mark.integration

TWO_MB = b'{"name": "' + b"x" * (2 * 1024 * 1024) + b'"}'


def _error(r, *statuses):
    assert r.status_code in statuses, (r.status_code, r.text[:300])
    body = r.json()
    assert set(body) == {"code", "message", "fields"} and body["message"]
    return body


def test_two_megabytes_is_413(gw, make_tenant):
    t = make_tenant()
    headers = {**t.admin, "Content-Type": "application/json"}
    _error(gw.post("/api/v1/users", headers=headers, content=TWO_MB), 413)

    def chunks():  # no Content-Length: the limit is enforced while streaming
        for i in range(0, len(TWO_MB), 64 * 1024):
            yield TWO_MB[i:i + 64 * 1024]

    _error(gw.post("/api/v1/users", headers=headers, content=chunks()), 413)
    _error(gw.post("/api/v1/tenants", headers={"Content-Type": "application/json"},
                   content=TWO_MB), 413)


@pytest.mark.parametrize("raw", [
    b"{", b'{"email": ', b"[]", b"null", b'"just a string"', b"\xff\xfe",
    b"[" * 100_000 + b"]" * 100_000,
    b'{"email": "a@b.example", "name": "x", "password": "' + PASSWORD.encode() + b'", '
    b'"role": 1' + b"0" * 5000 + b"}",
])
def test_malformed_json_is_4xx(gw, make_tenant, raw):
    t = make_tenant()
    r = gw.post("/api/v1/users", headers={**t.admin, "Content-Type": "application/json"},
                content=raw)
    _error(r, 400, 422)


@pytest.mark.parametrize("patch,field", [
    ({"name": "x" * 10_000}, "body.name"),
    ({"name": 123}, "body.name"),
    ({"role": ["admin"]}, "body.role"),
    ({"role": "integration"}, "body.role"),
    ({"team_id": "not-a-uuid"}, "body.team_id"),
    ({"password": "p" * 10_000}, "body.password"),
    ({"is_superuser": True}, "body.is_superuser"),
])
def test_wrong_types_and_unknown_fields_name_the_field(gw, make_tenant, patch, field):
    t = make_tenant()
    body = {"email": unique_email(), "name": "ok", "password": PASSWORD, "role": "sales",
            **patch}
    r = gw.post("/api/v1/users", headers=t.admin, json=body)
    assert field in {f["field"] for f in _error(r, 422)["fields"]}


def test_non_json_content_and_bad_path_ids(gw, make_tenant):
    t = make_tenant()
    _error(gw.post("/api/v1/users", headers={**t.admin, "Content-Type": "text/plain"},
                   content=b"hello"), 400, 415, 422)
    _error(gw.get("/api/v1/users/not-a-uuid", headers=t.admin), 422)
    _error(gw.get("/api/v1/no-such-thing", headers=t.admin), 404)
    _error(gw.put("/api/v1/users", headers=t.admin, json={}), 405)


@pytest.mark.parametrize("field,escaped", [
    ("name", r"\ud800"), ("name", r"ok \udfff"), ("password", r"correct-horse-\ud83d"),
    ("email", r"a\ud800@gw.example"), ("name", r"a\u0000b"), ("password", r"12345678\u0000"),
])
def test_lone_surrogates_and_nul_are_422_naming_the_field(gw, make_tenant, field, escaped):
    # JSON's \ud800 escape is valid JSON but no text: it must be refused at the edge, not
    # fail as a 500 when the database, argon2 or the outbox encode it.
    t = make_tenant()
    values = {"email": unique_email(), "name": "ok", "password": PASSWORD, "role": "sales"}
    values[field] = escaped
    raw = ("{" + ", ".join(f'"{k}": "{v}"' for k, v in values.items()) + "}").encode()
    r = gw.post("/api/v1/users", headers={**t.admin, "Content-Type": "application/json"},
                content=raw)
    assert f"body.{field}" in {f["field"] for f in _error(r, 422)["fields"]}


def test_names_are_stored_nfc_and_trimmed(gw, make_tenant):
    # "กำ" typed as KO KAI + NIKHAHIT + SARA AA (decomposed) and "é" as e + U+0301: stored as
    # the composed forms, so search and uniqueness see one spelling.
    t = make_tenant()
    r = gw.post("/api/v1/teams", headers=t.admin, json={"name": "  Cafe\u0301 ทีม  "})
    assert r.status_code == 201, r.text
    assert r.json()["name"] == "Café ทีม"
    r = gw.post("/api/v1/teams", headers=t.admin, json={"name": " \u3000 "})
    assert {f["field"] for f in _error(r, 422)["fields"]} == {"body.name"}

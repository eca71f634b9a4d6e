"""Bad input through the gateway: a clear 4xx in the one error schema, never a 500, and
nothing half-written."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def tenant(make_tenant):
    t = make_tenant()
    t.add_user("sales", "sales")
    return t


def good(**over):
    body = {"name": "คุณวิภา ทดสอบ", "phone": "๐๘๑-๒๓๔-๕๖๗๘", "email": "wipa@example.co.th",
            "source": "line"}
    body.update(over)
    return body


CASES = [
    ("unknown field", good(colour="red"), 422, "body.colour", "unknown_field"),
    ("wrong type", good(potential="lots"), 422, "body.potential", None),
    ("name of 10,000 characters", good(name="ก" * 10_000), 422, "body.name", "too_long"),
    ("no phone", {k: v for k, v in good().items() if k != "phone"}, 422, "body.phone",
     "missing"),
    ("bad phone", good(phone="12"), 422, "phone", "invalid_phone"),
    ("bad email", good(email="not-an-email"), 422, "email", "invalid_email"),
    ("unknown source", good(source="carrier-pigeon"), 422, "source", None),
    ("negative potential", good(potential=-5), 422, "potential", None),
]


@pytest.mark.parametrize("label,body,status,field,code", CASES, ids=[c[0] for c in CASES])
def test_bad_lead_is_a_clear_4xx(gw, tenant, label, body, status, field, code):
    before = count(gw, tenant)
    r = gw.post("/api/v1/leads", headers=tenant.h("sales"), json=body)
    assert r.status_code == status, r.text
    err = r.json()
    assert err["code"] == "validation_error" and err["message"]
    named = [f for f in err["fields"] if field in f["field"]]
    assert named, err
    # Each field error has a stable code a client can translate (README: Field error codes),
    # never the bare default.
    assert all(re.fullmatch(r"[a-z][a-z0-9_]*", f["code"]) and f["code"] != "invalid"
               for f in err["fields"]), err
    if code is not None:
        assert named[0]["code"] == code, err
    assert count(gw, tenant) == before


def count(gw, tenant) -> int:
    r = gw.get("/api/v1/leads", headers=tenant.h("admin"), params={"limit": 200})
    return len(r.json()["items"])


def test_two_megabyte_body_is_413(gw, tenant):
    r = gw.post("/api/v1/leads", headers={**tenant.h("sales"), "content-type": "application/json"},
                content=b'{"name": "' + b"x" * (2 * 1024 * 1024) + b'"}')
    assert r.status_code == 413 and r.json()["code"] == "payload_too_large"


def test_deeply_nested_json_is_4xx(gw, tenant):
    body = b'{"name": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    r = gw.post("/api/v1/leads", headers={**tenant.h("sales"), "content-type": "application/json"},
                content=body)
    assert 400 <= r.status_code < 500, r.text
    assert "code" in r.json()


def test_malformed_json_is_4xx(gw, tenant):
    r = gw.post("/api/v1/leads", headers={**tenant.h("sales"), "content-type": "application/json"},
                content=b'{"name": "x",')
    assert 400 <= r.status_code < 500 and r.json()["code"]


def test_reasonless_lost_is_422_and_the_lead_stays_in_the_inbox(gw, tenant):
    lead = tenant.create_lead("sales")
    for body in ({}, {"reason": ""}, {"reason": "   "}):
        r = gw.post(f"/api/v1/leads/{lead['id']}/lost", headers=tenant.h("sales"), json=body)
        assert r.status_code == 422, r.text
        assert "reason" in r.text
    assert gw.get(f"/api/v1/leads/{lead['id']}", headers=tenant.h("sales")).json()[
        "box"] == "inbox"


def test_followups_cannot_be_changed_or_deleted(gw, tenant):
    lead = tenant.create_lead("sales")
    r = gw.post(f"/api/v1/leads/{lead['id']}/followups", headers=tenant.h("sales"),
                json={"channel": "phone", "note": "โทรครั้งแรก"})
    assert r.status_code == 201, r.text
    fid = r.json()["id"]
    for method in ("put", "patch", "delete"):
        r = gw.request(method.upper(), f"/api/v1/leads/{lead['id']}/followups/{fid}",
                       headers=tenant.h("sales"), json={"note": "แก้"})
        assert r.status_code == 405 and r.headers["allow"] == "GET", r.text
        r = gw.request(method.upper(), f"/api/v1/leads/{lead['id']}/followups",
                       headers=tenant.h("sales"), json={"note": "แก้"})
        assert r.status_code == 405, r.text


def test_thai_phone_forms_are_stored_e164(gw, tenant):
    for raw in ("081-234-5678", "๐๘๑๒๓๔๕๖๗๘", "+66 81 234 5678", "66812345678"):
        lead = tenant.create_lead("sales", phone=raw)
        assert lead["phone"] == "+66812345678", (raw, lead["phone"])
    lead = tenant.create_lead("sales", phone="02 123 4567")
    assert lead["phone"] == "+6621234567"

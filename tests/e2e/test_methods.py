"""A method a path does not serve, through the gateway: 405 with `Allow` naming every method
the path serves and a message saying which to use, for the gateway's own routes and for the
services' (the gateway forwards every method; the owning service answers)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e

LEAD = "0b5a8f2e-1c3d-4e5f-8a9b-0c1d2e3f4a5b"
CASES = [
    # proxied to the leads service
    ("DELETE", "/api/v1/leads", "GET, POST"),
    ("PUT", "/api/v1/pipelines", "GET, POST"),
    ("DELETE", f"/api/v1/leads/{LEAD}", "GET, PATCH"),
    ("PUT", f"/api/v1/leads/{LEAD}/followups/1", "GET"),
    ("PATCH", f"/api/v1/leads/{LEAD}/followups/1", "GET"),
    ("DELETE", f"/api/v1/leads/{LEAD}/followups/1", "GET"),
    ("PATCH", "/api/v1/leads/counts", "GET"),
    # proxied to the accounts service
    ("PUT", "/api/v1/accounts", "GET, POST"),
    ("PUT", f"/api/v1/accounts/{LEAD}/contacts/{LEAD}", "GET, PATCH, DELETE"),
    # the gateway's own
    ("PUT", "/api/v1/users", "GET, POST"),
    ("DELETE", "/api/v1/settings", "GET, PATCH"),
    ("POST", "/api/v1/me", "GET, PATCH"),
    # a literal beside an id: `announce-limits` is not a tenant id
    ("GET", "/api/v1/tenants/announce-limits", "POST"),
    ("OPTIONS", "/api/v1/tenants/announce-limits", "POST"),
    ("DELETE", f"/api/v1/tenants/{LEAD}", "GET, PATCH"),
    ("POST", "/ui/static/app.js", "GET, HEAD"),
]


@pytest.fixture(scope="module")
def admin(make_tenant):
    return make_tenant().h("admin")


@pytest.mark.parametrize("method, path, allow", CASES, ids=[f"{m} {p}" for m, p, _ in CASES])
def test_wrong_method_is_405_with_a_full_allow(gw, admin, method, path, allow):
    r = gw.request(method, path, headers=admin)
    assert r.status_code == 405, r.text
    assert r.headers["allow"] == allow
    use = ", ".join(m for m in allow.split(", ") if m != "HEAD")
    assert r.json() == {"code": "method_not_allowed", "fields": [],
                        "message": f"{method} is not allowed here; use {use}"}


def test_a_followup_is_read_alone_and_never_changed(gw, make_tenant):
    t = make_tenant()
    lead = t.create_lead("admin")
    base = f"/api/v1/leads/{lead['id']}/followups"
    r = gw.post(base, headers=t.h("admin"), json={"channel": "phone", "note": "โทรครั้งแรก"})
    assert r.status_code == 201, r.text
    entry = r.json()
    assert gw.get(f"{base}/{entry['id']}", headers=t.h("admin")).json() == entry
    for method in ("PUT", "PATCH", "DELETE"):
        r = gw.request(method, f"{base}/{entry['id']}", headers=t.h("admin"),
                       json={"note": "แก้"})
        assert r.status_code == 405 and r.headers["allow"] == "GET", r.text
    assert gw.get(f"{base}/{entry['id']}", headers=t.h("admin")).json() == entry

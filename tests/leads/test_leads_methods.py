"""A method a path does not serve is 405 naming, in `Allow` and in the message, every method
it does serve (the routes sit in included routers, which FastAPI keeps out of
`app.router.routes`)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.integration

LEAD = "0b5a8f2e-1c3d-4e5f-8a9b-0c1d2e3f4a5b"
CASES = [
    ("DELETE", "/api/v1/leads", "GET, POST"),
    ("PUT", "/api/v1/pipelines", "GET, POST"),
    ("DELETE", f"/api/v1/leads/{LEAD}", "GET, PATCH"),
    ("GET", f"/api/v1/leads/{LEAD}/stage", "POST"),
    ("GET", "/api/v1/leads/transfer", "POST"),
    ("GET", "/api/v1/leads/bulk", "POST"),
    ("PATCH", "/api/v1/pipelines/limits", "GET"),
    ("POST", f"/api/v1/pipelines/{LEAD}/stage-order", "PUT"),
    ("PUT", f"/api/v1/pipelines/{LEAD}/stages/{LEAD}", "PATCH, DELETE"),
    ("PATCH", f"/api/v1/leads/{LEAD}/followups", "GET, POST"),
    ("DELETE", f"/api/v1/leads/{LEAD}/followups/12", "GET"),
    ("POST", f"/api/v1/leads/{LEAD}/labels/{LEAD}", "PUT, DELETE"),
    ("PUT", "/api/v1/custom-fields", "GET, POST"),
    ("POST", "/healthz", "GET"),
]


@pytest.mark.parametrize("method, path, allow", CASES, ids=[f"{m} {p}" for m, p, _ in CASES])
async def test_wrong_method_is_405_naming_what_the_path_serves(api, tenant, method, path,
                                                               allow):
    r = await api.request(method, path, headers=tenant.headers(tenant.admin))
    assert r.status_code == 405, r.text
    assert r.headers["allow"] == allow
    assert r.json() == {"code": "method_not_allowed", "fields": [],
                        "message": f"{method} is not allowed here; use {allow}"}

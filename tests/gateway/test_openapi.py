"""The merged OpenAPI document and the docs page."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.integration
METHODS = {"get", "post", "put", "patch", "delete"}
ERR = {"$ref": "#/components/schemas/ErrorBody"}


def _operations(spec):
    for path, item in spec["paths"].items():
        for method, op in item.items():
            if method in METHODS:
                yield path, method, op


def _check_shape(spec):
    schemes = spec["components"]["securitySchemes"]
    assert schemes["OAuth2Password"]["flows"]["password"]["tokenUrl"] == "/api/v1/auth/token"
    assert schemes["ApiKey"] == {"type": "apiKey", "in": "header", "name": "X-API-Key",
                                 "description": schemes["ApiKey"]["description"]}
    assert "HTTPValidationError" not in spec["components"]["schemas"]
    assert set(spec["components"]["schemas"]["ErrorBody"]["properties"]) == {
        "code", "message", "fields"}
    for path, method, op in _operations(spec):
        responses = op["responses"]
        assert "401" in responses, (method, path)
        for status, resp in responses.items():
            if status.startswith(("4", "5")):
                assert resp["content"]["application/json"]["schema"] == ERR, (path, status)
        if path != "/api/v1/auth/token":
            assert op.get("security"), (method, path)


def test_gateway_operations_alone_while_leads_is_down(gw):
    spec = gw.get("/api/v1/openapi.json").json()
    _check_shape(spec)
    ops = {(p, m) for p, m, _ in _operations(spec)}
    assert {("/api/v1/tenants", "post"), ("/api/v1/auth/token", "post"), ("/api/v1/me", "get"),
            ("/api/v1/users", "post"), ("/api/v1/users/{user_id}", "delete"),
            ("/api/v1/teams", "get"), ("/api/v1/settings", "patch"),
            ("/api/v1/api-keys", "post"), ("/api/v1/api-keys/{key_id}", "delete")} <= ops
    assert not any(p.startswith("/api/v1/leads") for p, _ in ops)
    users = spec["paths"]["/api/v1/users"]["post"]["responses"]
    assert {"401", "403", "409", "413", "422"} <= set(users)
    assert spec["paths"]["/api/v1/tenants"]["post"]["security"] == [{"OperatorToken": []}]


def test_merged_with_the_services_document(proxied):
    _, client = proxied
    spec = client.get("/api/v1/openapi.json").json()
    docs = client.get("/docs")
    _check_shape(spec)
    leads = spec["paths"]["/api/v1/leads"]
    assert {"get", "post"} <= set(leads) and "/healthz" not in spec["paths"]
    assert {"401", "503", "404"} <= set(leads["get"]["responses"])
    assert "413" in leads["post"]["responses"]
    # The service's `TeamOut` differs from the gateway's: both are kept, refs follow.
    schemas = spec["components"]["schemas"]
    assert "echo" in schemas["LeadsTeamOut"]["properties"]
    assert "name" in schemas["TeamOut"]["properties"]
    ok = leads["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert ok == {"$ref": "#/components/schemas/LeadsTeamOut"}
    assert docs.status_code == 200 and "/api/v1/openapi.json" in docs.text


def test_the_web_ui_is_served_at_the_root(gw):
    page = gw.get("/")
    assert page.status_code == 200 and "Tidtam" in page.text
    assert page.headers["content-security-policy"]
    assert gw.get("/ui/static/app.js").status_code == 200
    spec = gw.get("/api/v1/openapi.json").json()
    assert "/" not in spec["paths"] and not any(p.startswith("/ui") for p in spec["paths"])

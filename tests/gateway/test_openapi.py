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
            ("/api/v1/api-keys", "post"), ("/api/v1/api-keys/{key_id}", "delete"),
            ("/api/v1/tenants/{tenant_id}", "patch")} <= ops
    for prefix in ("/api/v1/leads", "/api/v1/accounts", "/api/v1/custom-fields",
                   "/api/v1/segments"):
        assert not any(p.startswith(prefix) for p, _ in ops), prefix
    for name in ("leads", "accounts"):
        assert f"The {name} service's operations are missing" in spec["info"]["description"]
    users = spec["paths"]["/api/v1/users"]["post"]["responses"]
    assert {"401", "403", "409", "413", "422"} <= set(users)
    assert spec["paths"]["/api/v1/tenants"]["post"]["security"] == [{"OperatorToken": []}]
    plan = spec["paths"]["/api/v1/tenants/{tenant_id}"]["patch"]
    assert plan["security"] == [{"OperatorToken": []}]
    assert {"401", "404", "422"} <= set(plan["responses"])
    body = plan["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    patch = spec["components"]["schemas"][body.rsplit("/", 1)[-1]]
    assert patch["properties"]["plan"]["enum"] == ["free", "pro", "enterprise"]
    settings = spec["components"]["schemas"]["SettingsPatch"]["properties"]
    assert settings["account_visibility"]["enum"] == ["all", "team", "own"]


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
    assert docs.status_code == 200 and "/docs/assets/swagger-init.js" in docs.text
    assert "/api/v1/openapi.json" in client.get("/docs/assets/swagger-init.js").text
    # Leads and accounts (the echoes) answered; only the notifications service, which this
    # fixture leaves down, is named as missing.
    description = spec["info"].get("description", "")
    assert "leads service's operations are missing" not in description
    assert "accounts service's operations are missing" not in description
    assert "notifications service's operations are missing" in description


def test_accounts_merged_and_shared_operations_once(proxied):
    _, client = proxied
    spec = client.get("/api/v1/openapi.json").json()
    _check_shape(spec)
    accounts = spec["paths"]["/api/v1/accounts"]["get"]
    assert accounts["security"] == [{"OAuth2Password": []}, {"ApiKey": []}]
    assert {"401", "503", "504"} <= set(accounts["responses"])
    # Each service's own `TeamOut` is kept apart from the other's and the gateway's.
    schemas = spec["components"]["schemas"]
    assert "account" in schemas["AccountsTeamOut"]["properties"]
    assert "echo" in schemas["LeadsTeamOut"]["properties"]
    ok = accounts["responses"]["200"]["content"]["application/json"]["schema"]
    assert ok == {"$ref": "#/components/schemas/AccountsTeamOut"}
    # A path outside the accounts service's prefixes is not its to document.
    assert "/api/v1/leads/{lead_id}" not in spec["paths"]
    # Custom fields: both services serve the operation; it is documented once, as served.
    fields = spec["paths"]["/api/v1/custom-fields"]
    assert set(fields) == {"get"}
    assert fields["get"]["parameters"][0]["name"] == "entity"
    assert "delete" in spec["paths"]["/api/v1/custom-fields/{key}"]
    assert schemas["CustomFieldOut"]["properties"]["key"] == {"type": "string"}
    ids = [op["operationId"] for _, _, op in _operations(spec) if "operationId" in op]
    assert len(ids) == len(set(ids))
    assert ids.count("list_custom_fields") == 1


def test_event_catalogue_has_the_gateways_and_every_services_events(proxied, gw):
    _, client = proxied
    doc = client.get("/api/v1/asyncapi.json").json()
    channels = doc["channels"]
    assert {"tenant_created", "tenant_plan_changed", "user_created", "lead_created",
            "account_created"} <= set(channels)
    assert channels["tenant_plan_changed"]["address"] == "tenant.plan_changed"
    schemas = doc["components"]["schemas"]
    assert set(schemas["tenant_plan_changed_v1"]["properties"]) == {"id", "plan",
                                                                    "contact_limit"}
    assert "contact_limit" in schemas["tenant_created_v1"]["properties"]
    # With the services down, the gateway's own events are still there.
    alone = gw.get("/api/v1/asyncapi.json").json()["channels"]
    assert "tenant_plan_changed" in alone and "account_created" not in alone


def test_the_web_ui_is_served_at_the_root(gw):
    page = gw.get("/")
    assert page.status_code == 200 and "Tidtam" in page.text
    assert page.headers["content-security-policy"]
    assert gw.get("/ui/static/app.js").status_code == 200
    spec = gw.get("/api/v1/openapi.json").json()
    assert "/" not in spec["paths"] and not any(p.startswith("/ui") for p in spec["paths"])

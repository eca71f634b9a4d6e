"""Which service a path goes to: the accounts prefix, and custom fields and segments routed
by their `entity` query parameter."""

from __future__ import annotations

import httpx
import pytest

from crmkit.context import verify_context

pytestmark = pytest.mark.integration


@pytest.mark.parametrize("path", ["/api/v1/accounts", "/api/v1/accounts/abc/contacts",
                                  "/api/v1/accounts/lookup?tax_id=0105551234567"])
def test_accounts_paths_go_to_the_accounts_service(proxied, make_tenant, path):
    gateway, client = proxied
    t = make_tenant()
    r = client.get(path, headers=t.admin)
    assert r.status_code == 200, r.text
    seen = r.json()
    assert seen["service"] == "accounts" and seen["path"] == path.split("?")[0]
    ctx = verify_context(gateway.context_secret, seen["headers"]["x-tidtam-context"][0])
    assert str(ctx.tenant) == t.id and ctx.account_scope.sees_all


def test_leads_paths_still_go_to_the_leads_service(proxied, make_tenant):
    _, client = proxied
    assert client.get("/api/v1/leads", headers=make_tenant().admin).json()["service"] == "leads"


@pytest.mark.parametrize("method,path", [
    ("GET", "/api/v1/custom-fields"), ("POST", "/api/v1/custom-fields"),
    ("PATCH", "/api/v1/custom-fields/province_code"),
    ("DELETE", "/api/v1/custom-fields/province_code"),
    ("GET", "/api/v1/segments"), ("POST", "/api/v1/segments"),
    ("GET", "/api/v1/segments/0b6f6a49-5a0c-4b6e-9a55-1d7b0e0b8f21"),
])
@pytest.mark.parametrize("entity,owner", [("lead", "leads"), ("account", "accounts")])
def test_custom_fields_and_segments_follow_the_entity(proxied, make_tenant, method, path,
                                                      entity, owner):
    _, client = proxied
    t = make_tenant()
    r = client.request(method, path, params={"entity": entity, "shared": "true"},
                       headers=t.admin, json={"x": 1} if method in ("POST", "PATCH") else None)
    assert r.status_code == 200, r.text
    seen = r.json()
    assert (seen["service"], seen["method"], seen["path"]) == (owner, method, path)
    # The query goes through unchanged: the service checks `entity` again.
    assert httpx.QueryParams(seen["query"]) == httpx.QueryParams(
        {"entity": entity, "shared": "true"})
    assert seen["body_len"] == (len(b'{"x":1}') if method in ("POST", "PATCH") else 0)


@pytest.mark.parametrize("path", ["/api/v1/custom-fields", "/api/v1/custom-fields/k",
                                  "/api/v1/segments", "/api/v1/segments/abc"])
@pytest.mark.parametrize("query", ["", "?entity=", "?entity=contact", "?entity=Lead",
                                   "?entity=lead&entity=account", "?ENTITY=lead"])
def test_a_missing_or_unknown_entity_is_422_naming_it(proxied, make_tenant, path, query):
    _, client = proxied
    r = client.get(path + query, headers=make_tenant().admin)
    assert r.status_code == 422, r.text
    body = r.json()
    assert body["code"] == "validation_error" and "lead" in body["message"]
    assert [f["field"] for f in body["fields"]] == ["query.entity"]


def test_entity_routes_need_credentials_first(proxied):
    _, client = proxied
    for query in ("", "?entity=lead"):
        r = client.get("/api/v1/custom-fields" + query)
        assert r.status_code == 401 and r.json()["code"] == "unauthorized"


def test_a_down_accounts_service_is_503_naming_it(gw, make_tenant):
    t = make_tenant()
    for method, path in (("GET", "/api/v1/accounts"), ("GET", "/api/v1/segments?entity=account"),
                         ("POST", "/api/v1/custom-fields?entity=account")):
        r = gw.request(method, path, headers=t.admin)
        assert r.status_code == 503, r.text
        assert r.json()["message"] == "accounts service unavailable"
    assert gw.get("/api/v1/segments?entity=lead", headers=t.admin).json()["message"] == \
        "leads service unavailable"


def test_no_gateway_operation_lies_under_a_proxied_prefix():
    # The proxy's fast path (ProxyFastPath) takes every path under its prefixes before the
    # router sees it: a gateway route there would never be reached.
    from tidtam_gateway.app import create_gateway_app
    from tidtam_gateway.config import GatewaySettings
    from tidtam_gateway.proxy.router import _proxied

    paths = create_gateway_app(GatewaySettings(env="test")).openapi()["paths"]
    assert len(paths) > 10
    assert [p for p in paths if _proxied(p)] == []
    assert _proxied("/api/v1/leads/x")[1].path == "/api/v1/leads/{path:path}"
    assert _proxied("/api/v1/leads")[1].path == "/api/v1/leads"
    assert _proxied("/api/v1/leadsx") is None and _proxied("/api/v1/users") is None

"""The proxy to the services: signed context, streaming, header hygiene, failures."""

from __future__ import annotations

import hashlib
import os
import uuid

import httpx
import pytest

from crmkit.context import verify_context

pytestmark = pytest.mark.integration


def test_a_down_service_is_503_with_a_clear_message(gw, make_tenant):
    t = make_tenant()
    for method, path in (("GET", "/api/v1/leads"), ("POST", "/api/v1/leads"),
                         ("GET", "/api/v1/pipelines/x"), ("DELETE", "/api/v1/labels/1")):
        r = gw.request(method, path, headers=t.admin,
                       json={"name": "x"} if method == "POST" else None)
        assert r.status_code == 503, r.text
        assert r.json() == {"code": "service_unavailable",
                            "message": "leads service unavailable", "fields": []}


def test_proxy_needs_credentials(proxied):
    _, client = proxied
    r = client.get("/api/v1/leads", headers={"X-Tidtam-Context": "forged.sig"})
    assert r.status_code == 401 and r.json()["code"] == "unauthorized"


def test_forwards_a_signed_context_and_drops_the_clients(proxied, make_tenant):
    gateway, client = proxied
    t = make_tenant()
    assert client.patch("/api/v1/settings", headers=t.admin,
                        json={"lead_visibility": "team"}).status_code == 200
    team = t.add_team()
    manager_id, _, manager = t.add_user("manager", team_id=team)
    mate_id, _, _ = t.add_user("sales", team_id=team)
    r = client.get("/api/v1/leads/abc", params={"box": "inbox", "q": "สมชาย"}, headers={
        **manager, "X-Tidtam-Context": "forged.context", "X-Correlation-ID": "corr-123",
        "Cookie": "s=1", "Accept": "application/json"})
    assert r.status_code == 200, r.text
    seen = r.json()
    assert seen["method"] == "GET" and seen["path"] == "/api/v1/leads/abc"
    assert httpx.QueryParams(seen["query"]) == httpx.QueryParams({"box": "inbox",
                                                                  "q": "สมชาย"})
    headers = seen["headers"]
    assert len(headers["x-tidtam-context"]) == 1
    assert "forged.context" not in headers["x-tidtam-context"]
    for secret in ("authorization", "x-api-key", "cookie"):
        assert secret not in headers
    assert headers["x-correlation-id"] == ["corr-123"]
    assert r.headers["x-correlation-id"] == "corr-123"
    ctx = verify_context(gateway.context_secret, headers["x-tidtam-context"][0])
    assert (str(ctx.tenant), str(ctx.user_id), ctx.role, str(ctx.team_id)) == (
        t.id, manager_id, "manager", team)
    assert ctx.lead_scope.owner_ids == {uuid.UUID(manager_id), uuid.UUID(mate_id)}
    assert ctx.settings == {"allow_stage_back": False, "allow_price_edit": False}
    assert ctx.correlation_id == "corr-123"
    # Upstream response headers come back, repeated ones intact.
    assert r.headers.get_list("set-cookie") == ["a=1", "b=2"]
    assert r.headers["x-upstream"] == "echo"


def test_a_services_cookies_are_not_kept_for_the_next_request(proxied, make_tenant):
    # The proxy's HTTP pool is shared by every caller: a Set-Cookie from a service must
    # reach the client, and never come back to the service on anyone's next request.
    _, client = proxied
    a, b = make_tenant(), make_tenant()
    with httpx.Client(base_url=client.base_url, timeout=30) as fresh:
        first = fresh.get("/api/v1/leads", headers=a.admin)
        assert first.headers.get_list("set-cookie") == ["a=1", "b=2"]
        fresh.cookies.clear()
        for headers in (a.admin, b.admin):
            seen = fresh.get("/api/v1/accounts", headers=headers).json()["headers"]
            assert "cookie" not in seen


def test_context_follows_settings_and_api_keys(proxied, make_tenant):
    gateway, client = proxied
    t = make_tenant()
    gw_patch = client.patch("/api/v1/settings", headers=t.admin,
                            json={"lead_visibility": "own", "allow_stage_back": True,
                                  "allow_price_edit": True})
    assert gw_patch.status_code == 200
    sales_id, _, sales = t.add_user("sales")
    ctx = verify_context(gateway.context_secret, client.get(
        "/api/v1/leads", headers=sales).json()["headers"]["x-tidtam-context"][0])
    assert ctx.lead_scope.owner_ids == {uuid.UUID(sales_id)}
    assert ctx.lead_scope.sender_id == uuid.UUID(sales_id)
    assert ctx.settings == {"allow_stage_back": True, "allow_price_edit": True}
    key = client.post("/api/v1/api-keys", headers=t.admin, json={"name": "k"}).json()["key"]
    seen = client.get("/api/v1/leads", headers={"X-API-Key": key}).json()["headers"]
    assert "x-api-key" not in seen
    ctx = verify_context(gateway.context_secret, seen["x-tidtam-context"][0])
    assert ctx.role == "integration" and ctx.lead_scope.sees_all
    assert str(ctx.user_id) == t.admin_id


def test_context_carries_the_account_visibility(proxied, make_tenant):
    gateway, client = proxied
    t = make_tenant()
    team = t.add_team()
    sales_id, _, sales = t.add_user("sales", team_id=team)
    mate_id, _, _ = t.add_user("sales", team_id=team)
    t.add_user("sales")  # in no team: never in the scope

    def context(headers):
        seen = client.get("/api/v1/leads", headers=headers).json()["headers"]
        return verify_context(gateway.context_secret, seen["x-tidtam-context"][0])

    ctx = context(sales)
    assert ctx.account_scope.sees_all and ctx.lead_scope.sees_all
    # Only the account setting says `team`: the team's members are still looked up.
    assert client.patch("/api/v1/settings", headers=t.admin,
                        json={"account_visibility": "team"}).status_code == 200
    ctx = context(sales)
    assert ctx.lead_scope.sees_all
    assert ctx.account_scope.owner_ids == {uuid.UUID(sales_id), uuid.UUID(mate_id)}
    assert client.patch("/api/v1/settings", headers=t.admin,
                        json={"account_visibility": "own"}).status_code == 200
    ctx = context(sales)
    assert ctx.account_scope.owner_ids == {uuid.UUID(sales_id)} and ctx.lead_scope.sees_all
    assert context(t.admin).account_scope.sees_all
    key = client.post("/api/v1/api-keys", headers=t.admin, json={"name": "k"}).json()["key"]
    assert context({"X-API-Key": key}).account_scope.sees_all


def test_streams_bodies_both_ways(proxied, make_tenant):
    _, client = proxied
    t = make_tenant()
    payload = os.urandom(700 * 1024)

    def chunks():
        for i in range(0, len(payload), 50_000):
            yield payload[i:i + 50_000]

    for content in (payload, chunks()):
        r = client.post("/api/v1/leads/import", headers={**t.admin,
                        "Content-Type": "application/octet-stream"}, content=content)
        assert r.status_code == 200, r.text
        assert r.json()["body_len"] == len(payload)
        assert r.json()["body_sha256"] == hashlib.sha256(payload).hexdigest()
    size = 8 * 1024 * 1024
    with client.stream("GET", "/api/v1/leads/big", params={"size": size},
                       headers=t.admin) as r:
        assert r.status_code == 200
        assert sum(len(c) for c in r.iter_bytes()) == size


def test_bodies_over_a_megabyte_are_413_before_reaching_the_service(proxied, make_tenant):
    _, client = proxied
    t = make_tenant()
    big = b"x" * (2 * 1024 * 1024)
    r = client.post("/api/v1/leads", headers=t.admin, content=big)
    assert r.status_code == 413 and r.json()["code"] == "payload_too_large"
    r = client.post("/api/v1/leads", headers=t.admin,
                    content=(big[i:i + 65536] for i in range(0, len(big), 65536)))
    assert r.status_code == 413 and r.json()["code"] == "payload_too_large"


def test_a_slow_service_is_504(proxied, make_tenant):
    _, client = proxied
    t = make_tenant()
    r = client.get("/api/v1/leads/slow", params={"seconds": 4}, headers=t.admin)
    assert r.status_code == 504 and r.json()["code"] == "gateway_timeout"
    assert "leads" in r.json()["message"]


def test_forwards_the_path_as_sent_even_with_unprintable_escapes(proxied, make_tenant):
    # Decoded, %01 is a control character no URL may carry; the raw path goes through as is.
    _, client = proxied
    t = make_tenant()
    r = client.get("/api/v1/leads/%C2%86O/labels/P%F2%A4%BE%8E%01?x=%00", headers=t.admin)
    assert r.status_code == 200, r.text
    assert r.json()["raw_path"] == "/api/v1/leads/%C2%86O/labels/P%F2%A4%BE%8E%01"
    assert r.json()["query"] == "x=%00"


@pytest.mark.parametrize("method", ["OPTIONS", "TRACE", "QUERY", "HEAD"])
def test_every_method_reaches_the_service_which_answers_405_with_allow(proxied, make_tenant,
                                                                       method):
    _, client = proxied
    t = make_tenant()
    r = client.request(method, "/api/v1/leads/x/post-only", headers=t.admin)
    assert r.status_code == 405 and r.headers["allow"] == "POST"


def test_a_customers_documents_go_to_the_documents_service(start_gateway, echo_upstream,
                                                           echo_accounts, make_tenant):
    """`/accounts/{id}/documents` and `/leads/{id}/documents` are the documents service's
    (here the leads echo stands in for it); the rest of /accounts stays the accounts'."""
    gateway = start_gateway(accounts_url=echo_accounts.url,
                            TIDTAM_DOCUMENTS_URL=echo_upstream.url)
    t = make_tenant()
    with httpx.Client(base_url=gateway.url, timeout=30) as client:
        for path in ("/api/v1/accounts/abc/documents", "/api/v1/leads/abc/documents"):
            seen = client.get(path, headers=t.admin, params={"limit": 5}).json()
            assert (seen["service"], seen["path"]) == ("leads", path)
        for path in ("/api/v1/accounts/abc", "/api/v1/accounts/abc/documents/x",
                     "/api/v1/accounts/abc/contacts"):
            assert client.get(path, headers=t.admin).json()["service"] == "accounts", path


def test_invoices_and_credit_notes_go_to_the_documents_service(start_gateway, echo_upstream,
                                                               make_tenant):
    """Issue 14's new documents paths are routed to the documents service (here the leads
    echo stands in for it)."""
    gateway = start_gateway(TIDTAM_DOCUMENTS_URL=echo_upstream.url)
    t = make_tenant()
    with httpx.Client(base_url=gateway.url, timeout=30) as client:
        for path in ("/api/v1/invoices", "/api/v1/invoices/abc/pdf",
                     "/api/v1/credit-notes/abc", "/api/v1/tax-invoices/abc/credit-notes"):
            seen = client.get(path, headers=t.admin).json()
            assert (seen["service"], seen["path"]) == ("leads", path), path

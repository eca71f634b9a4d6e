"""Idempotency-Key on the gateway's own POSTs (a real gateway process): users, teams and API
keys per tenant; tenants in the operator's own scope, where the key is claimed before the
tenant exists and its answer recorded after."""

from __future__ import annotations

import concurrent.futures
import json
import socket
import uuid

import httpx
import pytest

from crmkit.schema import OPERATOR_SCOPE
from crmkit.testing.tenants import fetchval

from .conftest import PASSWORD, unique_email

pytestmark = pytest.mark.integration


def keyed(headers: dict[str, str], key: str | None = None) -> dict[str, str]:
    return {**headers, "Idempotency-Key": key or str(uuid.uuid4())}


async def _fetch(gateway_db, sql: str, *args: object) -> object:
    return await fetchval(gateway_db.owner_url, sql, *args)


def _tenant_body(email: str) -> dict:
    return {"name": "ร้านลองซ้ำ", "admin": {"email": email, "name": "แอดมิน",
                                           "password": PASSWORD}}


async def test_a_retried_tenant_creation_makes_one_tenant(gw, gateway, gateway_db):
    email = unique_email("admin")
    h = keyed(gateway.operator)
    first = gw.post("/api/v1/tenants", headers=h, json=_tenant_body(email))
    assert first.status_code == 201, first.text
    again = gw.post("/api/v1/tenants", headers=h, json=_tenant_body(email))
    assert (again.status_code, again.content) == (201, first.content)
    assert again.headers["idempotent-replayed"] == "true"
    assert await _fetch(gateway_db, "SELECT count(*) FROM users WHERE email = $1", email) == 1
    # kept in the operator's scope, not in the tenant it made
    scope = await _fetch(gateway_db, "SELECT tenant_id FROM idempotency_keys WHERE key = $1",
                         h["Idempotency-Key"])
    assert str(scope) == OPERATOR_SCOPE
    other = gw.post("/api/v1/tenants", headers=h, json=_tenant_body(unique_email("admin")))
    assert other.status_code == 422 and "different body" in other.json()["message"]


async def test_ten_tenant_creations_at_once_make_one(gateway, gateway_db):
    email = unique_email("admin")
    h = keyed(gateway.operator)

    def post(_: int) -> httpx.Response:
        with httpx.Client(base_url=gateway.url, timeout=30) as client:
            return client.post("/api/v1/tenants", headers=h, json=_tenant_body(email))

    with concurrent.futures.ThreadPoolExecutor(10) as pool:
        answers = list(pool.map(post, range(10)))
    assert {r.status_code for r in answers} == {201}, [r.text for r in answers]
    assert len({r.content for r in answers}) == 1
    assert await _fetch(gateway_db, "SELECT count(*) FROM users WHERE email = $1", email) == 1


async def test_users_teams_and_api_keys_are_made_once(gw, make_tenant, gateway_db):
    t = make_tenant()
    email = unique_email("sales")
    calls = [("/api/v1/users", {"email": email, "name": "คนขาย", "password": PASSWORD,
                                "role": "sales"}),
             ("/api/v1/teams", {"name": f"ทีม {uuid.uuid4().hex[:6]}"}),
             ("/api/v1/api-keys", {"name": "ระบบบัญชี"})]
    for path, body in calls:
        h = keyed(t.admin)
        first = gw.post(path, headers=h, json=body)
        assert first.status_code == 201, (path, first.text)
        again = gw.post(path, headers=h, json=body)
        assert (again.status_code, again.content) == (201, first.content), path
        assert again.headers["idempotent-replayed"] == "true"
    assert await _fetch(gateway_db, "SELECT count(*) FROM users WHERE email = $1", email) == 1
    assert await _fetch(gateway_db, "SELECT count(*) FROM api_keys WHERE tenant_id = $1",
                        uuid.UUID(t.id)) == 1


def test_another_tenants_same_key_is_its_own(gw, make_tenant):
    first, second = make_tenant(), make_tenant()
    key = str(uuid.uuid4())
    a = gw.post("/api/v1/teams", headers=keyed(first.admin, key), json={"name": "ทีมขาย"})
    b = gw.post("/api/v1/teams", headers=keyed(second.admin, key), json={"name": "ทีมขาย"})
    assert a.status_code == b.status_code == 201
    assert a.json()["id"] != b.json()["id"] and "idempotent-replayed" not in b.headers


def test_a_bad_key_on_a_gateway_post_is_422(gw, make_tenant):
    t = make_tenant()
    r = gw.post("/api/v1/teams", headers=keyed(t.admin, "x" * 256), json={"name": "ทีม"})
    assert r.status_code == 422
    assert r.json()["fields"][0]["field"] == "header.Idempotency-Key"


def test_the_gateway_documents_the_header_on_its_creating_posts(gw):
    spec = gw.get("/api/v1/openapi.json").json()
    for path in ("/api/v1/tenants", "/api/v1/users", "/api/v1/teams", "/api/v1/api-keys"):
        params = spec["paths"][path]["post"].get("parameters", [])
        header = [p for p in params if p["in"] == "header" and p["name"] == "Idempotency-Key"]
        assert header and header[0]["required"] is False, path
        assert header[0]["schema"]["maxLength"] == 255
    login = spec["paths"]["/api/v1/auth/token"]["post"].get("parameters", [])
    assert not [p for p in login if p["name"] == "Idempotency-Key"]


def _raw_post(url: str, path: str, headers: dict[str, str], body: bytes) -> tuple[int, bytes]:
    """A POST sent byte for byte (httpx refuses the spaces around a value this test needs);
    the status and the (de-chunked) body of the answer."""
    parsed = httpx.URL(url)
    lines = [f"POST {path} HTTP/1.1", f"Host: {parsed.host}", f"Content-Length: {len(body)}",
             "Content-Type: application/json", "Connection: close",
             *[f"{k}: {v}" for k, v in headers.items()]]
    with socket.create_connection((parsed.host, parsed.port), timeout=30) as sock:
        sock.sendall("\r\n".join(lines).encode() + b"\r\n\r\n" + body)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    head, _, rest = answer.partition(b"\r\n\r\n")
    if b"transfer-encoding: chunked" not in head.lower():
        return int(head.split()[1]), rest
    content = b""
    while rest:  # the gateway streams: chunked transfer coding
        size, _, rest = rest.partition(b"\r\n")
        content, rest = content + rest[:int(size, 16)], rest[int(size, 16) + 2:]
    return int(head.split()[1]), content


def test_the_key_reaches_the_service_unchanged_spaces_around_it_dropped(proxied, make_tenant):
    gateway, client = proxied
    t = make_tenant()
    key = str(uuid.uuid4())
    seen = client.post("/api/v1/leads", headers=keyed(t.admin, key), json={}).json()
    assert seen["headers"]["idempotency-key"] == [key]
    status, body = _raw_post(gateway.url, "/api/v1/leads",
                             {**t.admin, "Idempotency-Key": f"{key}  "}, b"{}")
    assert status == 200, body  # not a 503: the proxy could not send the spaces on
    assert json.loads(body)["headers"]["idempotency-key"] == [key]

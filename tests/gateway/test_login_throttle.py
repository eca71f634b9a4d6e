"""Brute-force protection of POST /api/v1/auth/token, on gateways of their own.

Every test logs in from an address of its own: the gateways here trust 127.0.0.1 as a proxy
(TIDTAM_TRUSTED_PROXIES) and take the client from X-Forwarded-For. uvicorn itself would
also rewrite the peer from that header for 127.0.0.1; FORWARDED_ALLOW_IPS turns that off,
so what is tested is the gateway's own rule.
"""

from __future__ import annotations

import asyncio
import random
import unicodedata
import uuid
from concurrent.futures import ThreadPoolExecutor

import asyncpg
import httpx
import pytest
from sqlalchemy.engine import make_url

from tidtam_gateway.auth.throttle import _key, normalise_email

from .conftest import PASSWORD, unique_email

pytestmark = pytest.mark.integration

TOKEN = "/api/v1/auth/token"
NO_UVICORN_PROXY = {"FORWARDED_ALLOW_IPS": "192.0.2.1"}


def new_ip() -> str:
    return f"10.{random.randrange(256)}.{random.randrange(256)}.{random.randrange(1, 255)}"


def attempt(client: httpx.Client, email: str, password: str, ip: str | None = None,
            forwarded: str | None = None) -> httpx.Response:
    headers = {"X-Forwarded-For": forwarded or ip} if (forwarded or ip) else {}
    return client.post(TOKEN, data={"username": email, "password": password}, headers=headers)


@pytest.fixture(scope="module")
def throttled(start_gateway):
    """Default email limit (5) and window (900 s); 8 per address, to reach it quickly."""
    gateway = start_gateway(TIDTAM_TRUSTED_PROXIES="127.0.0.1",
                            TIDTAM_LOGIN_MAX_FAILURES_PER_IP="8", **NO_UVICORN_PROXY)
    with httpx.Client(base_url=gateway.url, timeout=30) as client:
        yield client


SHORT_WINDOW = 60


@pytest.fixture(scope="module")
def short_window(start_gateway):
    # A minute: long enough that a busy machine's slow logins stay inside it; the test ages
    # the rows past it instead of waiting.
    gateway = start_gateway(TIDTAM_TRUSTED_PROXIES="127.0.0.1",
                            TIDTAM_LOGIN_WINDOW_SECONDS=str(SHORT_WINDOW), **NO_UVICORN_PROXY)
    with httpx.Client(base_url=gateway.url, timeout=30) as client:
        yield gateway, client


def assert_refused(r: httpx.Response, window: int = 900) -> int:
    assert r.status_code == 429, r.text
    wait = int(r.headers["Retry-After"])
    assert 1 <= wait <= window
    body = r.json()
    assert body["code"] == "too_many_requests" and body["fields"] == []
    assert "try again in" in body["message"]
    return wait


def test_five_wrong_passwords_then_the_right_one_is_429(throttled, make_tenant):
    t, ip = make_tenant(), new_ip()
    for _ in range(5):
        assert attempt(throttled, t.admin_email, "wrong-password", ip).status_code == 401
    r = attempt(throttled, t.admin_email, PASSWORD, ip)
    wait = assert_refused(r)
    assert wait > 800  # the window began a moment ago
    assert "for this email" in r.json()["message"] and "minutes" in r.json()["message"]
    # The email is locked from any address; another account from this address is not.
    assert_refused(attempt(throttled, t.admin_email.upper(), PASSWORD, new_ip()))
    _, other, _ = t.add_user()
    assert attempt(throttled, other, PASSWORD, ip).status_code == 200


def test_a_success_before_the_limit_clears_the_count(throttled, make_tenant):
    t = make_tenant()
    for _ in range(2):
        ip = new_ip()  # the address keeps its failures (8 allowed): a fresh one each round
        for _ in range(4):
            assert attempt(throttled, t.admin_email, "wrong-password", ip).status_code == 401
        assert attempt(throttled, t.admin_email, PASSWORD, ip).status_code == 200
    ip = new_ip()
    for _ in range(5):  # five more failures are allowed again
        assert attempt(throttled, t.admin_email, "wrong-password", ip).status_code == 401
    assert_refused(attempt(throttled, t.admin_email, PASSWORD, ip))


def test_unknown_emails_are_counted_the_same_in_any_case_and_normal_form(throttled,
                                                                          make_tenant):
    name = f"élodie-{uuid.uuid4().hex[:6]}@gw.example"
    forms = [name, name.upper(), unicodedata.normalize("NFD", name), f"  {name}  "]
    known, ip = make_tenant().admin_email, new_ip()
    unknown = [attempt(throttled, forms[i % len(forms)], "wrong-password", ip).status_code
               for i in range(6)]
    ip = new_ip()  # within the address's own limit
    existing = [attempt(throttled, known, "wrong-password", ip).status_code for _ in range(6)]
    assert unknown == existing == [401] * 5 + [429]


def test_the_address_limit_spans_emails_and_successes_do_not_use_it(throttled, make_tenant):
    t, ip = make_tenant(), new_ip()
    for _ in range(10):  # more than the 8 allowed failures
        assert attempt(throttled, t.admin_email, PASSWORD, ip).status_code == 200
    for _ in range(8):
        assert attempt(throttled, unique_email("guess"), "wrong-password", ip).status_code == 401
    r = attempt(throttled, t.admin_email, PASSWORD, ip)
    assert_refused(r)
    assert "network address" in r.json()["message"]
    assert attempt(throttled, t.admin_email, PASSWORD, new_ip()).status_code == 200


def test_entries_a_client_adds_to_x_forwarded_for_do_not_change_its_address(throttled,
                                                                            make_tenant):
    t, ip = make_tenant(), new_ip()
    for _ in range(8):  # the proxy appends the real address to whatever the client sent
        r = attempt(throttled, unique_email("guess"), "wrong-password",
                    forwarded=f"{new_ip()}, {ip}")
        assert r.status_code == 401
    assert_refused(attempt(throttled, t.admin_email, PASSWORD, ip))


def test_x_forwarded_for_is_ignored_unless_the_peer_is_a_trusted_proxy(start_gateway):
    gateway = start_gateway(TIDTAM_LOGIN_MAX_FAILURES_PER_IP="2", **NO_UVICORN_PROXY)
    with httpx.Client(base_url=gateway.url, timeout=30) as client:
        statuses = [attempt(client, unique_email("guess"), "wrong-password", new_ip())
                    .status_code for _ in range(3)]
    # Each attempt claims another address, but all come from 127.0.0.1 (other tests'
    # failures from there may already count).
    assert statuses[-1] == 429 and set(statuses) <= {401, 429}


def test_parallel_attempts_cannot_slip_past_the_limit(throttled, make_tenant):
    t, ip = make_tenant(), new_ip()
    with ThreadPoolExecutor(max_workers=10) as pool:
        statuses = list(pool.map(
            lambda _: attempt(throttled, t.admin_email, "wrong-password", ip).status_code,
            range(12)))
    assert sorted(statuses) == [401] * 5 + [429] * 7


def _dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def _age(db, key_hashes: list[bytes]) -> None:
    conn = await asyncpg.connect(_dsn(db.owner_url))
    try:
        await conn.execute("UPDATE login_throttle SET window_start = window_start - "
                           "make_interval(secs => $1) WHERE key_hash = ANY($2)",
                           SHORT_WINDOW + 1.0, key_hashes)
    finally:
        await conn.close()


def test_the_window_runs_out_and_old_rows_are_deleted(short_window, make_tenant, gateway_db):
    gateway, client = short_window
    t, ip, stale = make_tenant(), new_ip(), unique_email("stale")
    for _ in range(5):
        assert attempt(client, t.admin_email, "wrong-password", ip).status_code == 401
    assert_refused(attempt(client, t.admin_email, PASSWORD, ip), window=SHORT_WINDOW)
    stale_ip = new_ip()
    assert attempt(client, stale, "wrong-password", stale_ip).status_code == 401
    # The window runs out (its rows made older, as the owner, rather than waited for).
    secret = gateway.jwt_secret
    asyncio.run(_age(gateway_db, [
        _key(secret, "email", normalise_email(t.admin_email)), _key(secret, "ip", ip),
        _key(secret, "email", normalise_email(stale)), _key(secret, "ip", stale_ip)]))
    assert attempt(client, t.admin_email, PASSWORD, ip).status_code == 200
    # A failure cleans up windows that ran out: the stale email's row is gone.
    assert attempt(client, unique_email("later"), "wrong-password", new_ip()).status_code == 401

    async def rows() -> tuple[int, int]:
        conn = await asyncpg.connect(_dsn(gateway_db.app_url))  # as the application role
        try:
            left = await conn.fetchval(
                "SELECT count(*) FROM login_throttle WHERE scope = 'email' AND key_hash = $1",
                _key(gateway.jwt_secret, "email", normalise_email(stale)))
            old = await conn.fetchval("SELECT count(*) FROM login_throttle WHERE "
                                      "window_start < now() - make_interval(secs => $1)",
                                      float(SHORT_WINDOW))
            return left, old
        finally:
            await conn.close()

    assert asyncio.run(rows()) == (0, 0)


def test_openapi_documents_429_with_retry_after(gw):
    op = gw.get("/api/v1/openapi.json").json()["paths"][TOKEN]["post"]
    refused = op["responses"]["429"]
    assert refused["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorBody")
    assert refused["headers"]["Retry-After"]["schema"] == {"type": "integer"}

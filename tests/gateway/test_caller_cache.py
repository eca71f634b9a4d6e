"""The gateway keeps callers in process (auth/cache.py): every change to who someone is
reaches every gateway process at once, through LISTEN/NOTIFY. Two real gateway processes on
one database: a change made through A is in force on B's next request."""

from __future__ import annotations

import asyncio
import time
import uuid

import asyncpg
import httpx
import pytest

from crmkit.context import authenticated_tenant, verify_context
from tidtam_gateway.auth.cache import CallerCache
from tidtam_gateway.auth.caller import Caller

from .conftest import create_tenant

LISTENER = "tidtam_callers"  # the LISTEN connection is named after its channel


@pytest.fixture(scope="module")
def two_gateways(start_gateway, echo_upstream):
    """(client on A, client on B): one database, B proxies leads to the echo upstream."""
    a = start_gateway()
    b = start_gateway(leads_url=echo_upstream.url)
    with httpx.Client(base_url=a.url, timeout=30) as via_a, \
            httpx.Client(base_url=b.url, timeout=30) as via_b:
        yield a, via_a, b, via_b


def _user_made_through_a(two_gateways, role: str = "sales"):
    """(tenant, the new user's id, their auth headers), made through gateway A."""
    a, via_a, _b, _via_b = two_gateways
    tenant = create_tenant(via_a, a)
    uid, _email, headers = tenant.add_user(role)
    return tenant, uid, headers


def _pg(url: str) -> str:
    return url.replace("postgresql+asyncpg", "postgresql")


@pytest.mark.e2e
def test_deactivated_through_a_is_refused_by_b_on_the_next_request(two_gateways):
    _a, via_a, _b, via_b = two_gateways
    t, uid, headers = _user_made_through_a(two_gateways)
    for _ in range(3):  # B now holds the caller
        assert via_b.get("/api/v1/me", headers=headers).status_code == 200
    assert via_a.delete(f"/api/v1/users/{uid}", headers=t.admin).status_code == 200
    r = via_b.get("/api/v1/me", headers=headers)
    assert r.status_code == 401 and r.json()["code"] == "unauthorized", r.text
    assert via_b.get("/api/v1/leads", headers=headers).status_code == 401
    # Reactivated through A: B lets the same token in again.
    assert via_a.patch(f"/api/v1/users/{uid}", headers=t.admin,
                       json={"active": True}).status_code == 200
    assert via_b.get("/api/v1/me", headers=headers).status_code == 200


@pytest.mark.e2e
def test_role_and_team_changes_through_a_show_on_b_at_once(two_gateways):
    _a, via_a, _b, via_b = two_gateways
    t, uid, headers = _user_made_through_a(two_gateways)
    assert via_b.get("/api/v1/users", headers=headers).status_code == 403
    assert via_a.patch(f"/api/v1/users/{uid}", headers=t.admin,
                       json={"role": "admin"}).status_code == 200
    assert via_b.get("/api/v1/me", headers=headers).json()["role"] == "admin"
    assert via_b.get("/api/v1/users", headers=headers).status_code == 200
    team = t.add_team()
    assert via_a.patch(f"/api/v1/users/{uid}", headers=t.admin,
                       json={"role": "sales", "team_id": team}).status_code == 200
    me = via_b.get("/api/v1/me", headers=headers).json()
    assert (me["role"], me["team_id"]) == ("sales", team)
    assert via_b.get("/api/v1/users", headers=headers).status_code == 403


@pytest.mark.e2e
def test_a_settings_change_through_a_is_in_bs_next_context(two_gateways):
    _a, via_a, b, via_b = two_gateways
    t, _uid, headers = _user_made_through_a(two_gateways)

    def scope_seen_by_leads():
        seen = via_b.get("/api/v1/leads", headers=headers).json()["headers"]
        return verify_context(b.context_secret, seen["x-tidtam-context"][0]).lead_scope

    assert scope_seen_by_leads().sees_all
    assert via_a.patch("/api/v1/settings", headers=t.admin,
                       json={"lead_visibility": "own"}).status_code == 200
    assert not scope_seen_by_leads().sees_all


async def _listeners(owner_url: str) -> list[int]:
    conn = await asyncpg.connect(_pg(owner_url))
    try:
        return [r["pid"] for r in await conn.fetch(
            "SELECT pid FROM pg_stat_activity WHERE application_name = $1 "
            "AND datname = current_database()", LISTENER)]
    finally:
        await conn.close()


@pytest.mark.e2e
async def test_a_lost_listener_drops_the_cache_so_a_missed_change_still_counts(
        two_gateways, gateway_db):
    """A change whose NOTIFY B cannot have heard (made with triggers off, while B's LISTEN
    connection was being replaced) still takes effect on B: losing the connection empties the
    cache. Without the loss, the same silent change would not (the control)."""
    _a, _via_a, _b, via_b = two_gateways
    _t, uid, headers = _user_made_through_a(two_gateways)
    owner = await asyncpg.connect(_pg(gateway_db.owner_url))
    try:
        await owner.execute("SET session_replication_role = replica")  # no triggers: no NOTIFY
        rename = "UPDATE users SET name = $1 WHERE id = $2"

        assert via_b.get("/api/v1/me", headers=headers).json()["name"] != "ไม่มีใครบอก"
        await owner.execute(rename, "ไม่มีใครบอก", uuid.UUID(uid))
        assert via_b.get("/api/v1/me", headers=headers).json()["name"] != "ไม่มีใครบอก"  # control

        before = set(await _listeners(gateway_db.owner_url))
        assert len(before) >= 2, "each gateway LISTENs on its own connection"
        await owner.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                            "WHERE application_name = $1 AND datname = current_database()",
                            LISTENER)
        await owner.execute(rename, "เปลี่ยนตอนไม่ได้ฟัง", uuid.UUID(uid))
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            now = set(await _listeners(gateway_db.owner_url))
            if len(now - before) >= len(before):
                break
            await asyncio.sleep(0.1)
        else:
            pytest.fail("the gateways did not LISTEN again")
        assert via_b.get("/api/v1/me", headers=headers).json()["name"] == "เปลี่ยนตอนไม่ได้ฟัง"
    finally:
        await owner.close()


def _caller(tenant: uuid.UUID) -> Caller:
    return Caller(tenant=authenticated_tenant(tenant), user_id=uuid.uuid4(), role="sales",
                  team_id=None, email=None, name=None, lead_visibility="all",
                  allow_stage_back=False)


@pytest.mark.unit
async def test_a_read_overtaken_by_an_invalidation_is_not_kept():
    cache = CallerCache()
    cache.listening = True
    tenant = uuid.uuid4()

    async def load_while_the_tenant_changes() -> Caller:
        cache.invalidate(str(tenant))
        return _caller(tenant)

    first = await cache.get("k", load_while_the_tenant_changes)
    second = await cache.get("k", lambda: asyncio.sleep(0, _caller(tenant)))
    assert second is not first and len(cache) == 1
    assert await cache.get("k", load_while_the_tenant_changes) is second  # a hit: no load
    cache.invalidate(str(uuid.uuid4()))  # another tenant's change keeps this one
    assert len(cache) == 1
    cache.invalidate(str(tenant))
    assert len(cache) == 0


@pytest.mark.unit
async def test_nothing_is_kept_while_not_listening():
    cache = CallerCache()
    tenant = uuid.uuid4()
    await cache.get("k", lambda: asyncio.sleep(0, _caller(tenant)))
    assert len(cache) == 0

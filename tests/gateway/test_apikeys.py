"""API keys: shown once, stored hashed, act as `integration`, stop at revocation."""

from __future__ import annotations

import hashlib

import asyncpg
import pytest
from sqlalchemy.engine import make_url

pytestmark = pytest.mark.integration


async def test_key_is_shown_once_and_stored_hashed(gw, make_tenant, gateway_db):
    t = make_tenant()
    r = gw.post("/api/v1/api-keys", headers=t.admin, json={"name": "เว็บไซต์"})
    assert r.status_code == 201, r.text
    created = r.json()
    key = created["key"]
    assert key.startswith("tdk_") and len(key) > 40 and key.startswith(created["prefix"])
    listed = gw.get("/api/v1/api-keys", headers=t.admin).json()["items"]
    assert [k["id"] for k in listed] == [created["id"]]
    assert "key" not in listed[0] and key not in str(listed)
    conn = await asyncpg.connect(make_url(gateway_db.owner_url).set(drivername="postgresql")
                                 .render_as_string(hide_password=False))
    try:
        stored = await conn.fetchrow("SELECT * FROM api_keys WHERE id = $1::uuid",
                                     created["id"])
    finally:
        await conn.close()
    assert stored["key_hash"] == hashlib.sha256(key.encode()).hexdigest()
    assert key not in [str(v) for v in stored.values()]


def test_key_works_as_integration_until_revoked(gw, make_tenant):
    t = make_tenant()
    key = gw.post("/api/v1/api-keys", headers=t.admin, json={"name": "crm sync"}).json()
    for headers in ({"Authorization": f"Bearer {key['key']}"}, {"X-API-Key": key["key"]}):
        me = gw.get("/api/v1/me", headers=headers)
        assert me.status_code == 200, me.text
        assert me.json()["role"] == "integration" and me.json()["tenant_id"] == t.id
        assert gw.get("/api/v1/settings", headers=headers).status_code == 200
        # An integration is not an admin.
        assert gw.get("/api/v1/users", headers=headers).status_code == 403
    r = gw.delete(f"/api/v1/api-keys/{key['id']}", headers=t.admin)
    assert r.status_code == 200 and r.json()["revoked_at"]
    for headers in ({"Authorization": f"Bearer {key['key']}"}, {"X-API-Key": key["key"]}):
        r = gw.get("/api/v1/me", headers=headers)
        assert r.status_code == 401 and "revoked" in r.json()["message"]


def test_bad_keys_and_other_tenants_keys(gw, make_tenant):
    a, b = make_tenant(), make_tenant()
    key = gw.post("/api/v1/api-keys", headers=a.admin, json={"name": "k"}).json()
    assert gw.get("/api/v1/me", headers={"X-API-Key": "tdk_nope"}).status_code == 401
    assert gw.get("/api/v1/me", headers={"X-API-Key": key["key"] + "x"}).status_code == 401
    assert gw.delete(f"/api/v1/api-keys/{key['id']}", headers=b.admin).status_code == 404
    assert gw.get("/api/v1/api-keys", headers=b.admin).json()["items"] == []
    assert gw.get("/api/v1/me", headers={"X-API-Key": key["key"]}).status_code == 200
    assert gw.post("/api/v1/api-keys", headers=a.admin, json={}).status_code == 422

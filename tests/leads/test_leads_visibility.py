"""The visibility matrix: all / team / own × admin / manager / sales, over list, get, patch,
actions and follow-ups. Invisible is 404 (never 403); the own-visibility Sent box is
visible read-only (403 on writes)."""

from __future__ import annotations

import uuid

import pytest

pytestmark = pytest.mark.integration

# Who owns which lead: sales1 and sales2 share team a (with the manager), sales3 is team b.
OWNERS = ["admin", "sales1", "sales2", "sales3"]

# visibility -> actor -> (writable leads, read-only leads)
MATRIX = {
    "all": {a: (set(OWNERS) | {"sent"}, set()) for a in ("admin", "manager", "sales1")},
    "team": {
        "admin": (set(OWNERS) | {"sent"}, set()),
        "manager": ({"sales1", "sales2"}, set()),
        "sales1": ({"sales1", "sales2"}, set()),
    },
    "own": {
        "admin": (set(OWNERS) | {"sent"}, set()),
        "manager": ({"sales1", "sales2"}, set()),
        "sales1": ({"sales1"}, {"sent"}),
    },
}


@pytest.fixture
async def world(api, tenant, create_lead):
    leads = {o: (await create_lead(getattr(tenant, o), name=f"ลูกค้าของ {o}"))["id"]
             for o in OWNERS}
    # sales1 passes one on to sales3 (team b): in `own` it stays in sales1's Sent box.
    leads["sent"] = (await create_lead(tenant.sales1, name="ส่งต่อ"))["id"]
    r = await api.post(f"/api/v1/leads/{leads['sent']}/send",
                       headers=tenant.headers(tenant.sales1),
                       json={"to_user_id": str(tenant.sales3.id)})
    assert r.status_code == 200, r.text
    return leads


@pytest.mark.parametrize("visibility, actor", [
    (v, a) for v, actors in MATRIX.items() for a in actors])
async def test_matrix(api, tenant, world, visibility, actor):
    writable, read_only = MATRIX[visibility][actor]
    person = getattr(tenant, actor)
    h = tenant.headers(person, visibility)
    listed = set()
    counts = (await api.get("/api/v1/leads/counts", headers=h)).json()
    for box in ("inbox", "sent", "lost", "junk"):
        r = await api.get("/api/v1/leads", headers=h, params={"box": box, "limit": 200})
        assert r.status_code == 200
        assert counts[box] == len(r.json()["items"]), (box, counts)  # counts = lists
        listed |= {i["id"] for i in r.json()["items"]}
    expected_listed = {world[k] for k in writable}
    if actor == "sales1":
        expected_listed |= {world["sent"]} if "sent" in writable | read_only else set()
    assert listed & set(world.values()) == expected_listed
    r = await api.get("/api/v1/leads", headers=h, params={"q": "ลูกค้าของ", "limit": 200})
    assert {i["id"] for i in r.json()["items"]} == {world[k] for k in writable if k != "sent"}

    for key, lead_id in world.items():
        base = f"/api/v1/leads/{lead_id}"
        get = await api.get(base, headers=h)
        follow = await api.get(f"{base}/followups", headers=h)
        patch = await api.patch(base, headers=h, json={"note": f"{actor} แวะมา"})
        log = await api.post(f"{base}/followups", headers=h,
                             json={"channel": "phone", "note": "โทรแล้ว"})
        lost = await api.post(f"{base}/lost", headers=h, json={"reason": ""})
        stage = await api.post(f"{base}/stage", headers=h, json={"stage_id": str(uuid.uuid4())})
        send = await api.post(f"{base}/send", headers=h,
                              json={"to_user_id": str(uuid.uuid4())})
        if key in writable:
            assert get.status_code == 200 and get.json()["read_only"] is False, key
            assert follow.status_code == 200
            assert patch.status_code == 200, (key, patch.text)
            assert log.status_code == 201
            assert lost.status_code == 422  # visible, but a reason is required
            # visible, but no such stage or recipient: 404 naming the field in the body
            for r in (stage, send):
                assert r.status_code == 404 and r.json()["fields"][0]["field"].startswith(
                    "body."), (key, r.text)
        elif key in read_only:
            assert get.status_code == 200 and get.json()["read_only"] is True
            assert follow.status_code == 200
            for r in (patch, log, lost, stage, send):
                assert r.status_code == 403, (key, r.status_code, r.text)
        else:
            for r in (get, follow, patch, log, lost, stage, send):
                assert r.status_code == 404, (key, r.status_code, r.text)
                assert lead_id not in r.text


async def test_box_counts_follow_visibility(api, tenant, world):
    for key, action in (("sales1", "lost"), ("sales2", "junk")):
        r = await api.post(f"/api/v1/leads/{world[key]}/{action}",
                           headers=tenant.headers(getattr(tenant, key)), json={"reason": "ทดสอบ"})
        assert r.status_code == 200, r.text
    expected = {
        ("sales1", "own"): {"inbox": 0, "sent": 1, "lost": 1, "junk": 0},
        ("sales1", "team"): {"inbox": 0, "sent": 0, "lost": 1, "junk": 1},
        ("admin", "own"): {"inbox": 3, "sent": 0, "lost": 1, "junk": 1},
        ("sales3", "own"): {"inbox": 2, "sent": 0, "lost": 0, "junk": 0},
    }
    for (who, visibility), counts in expected.items():
        r = await api.get("/api/v1/leads/counts",
                          headers=tenant.headers(getattr(tenant, who), visibility))
        assert r.status_code == 200 and r.json() == counts, (who, visibility, r.text)
    assert (await api.get("/api/v1/leads/counts")).status_code == 401


async def test_another_tenants_admin_sees_nothing(api, tenant, world, gateway_events,
                                                  leads_db):
    from leads_support import make_tenant

    other = await make_tenant(gateway_events, leads_db.owner_url)
    h = other.headers(other.admin)
    r = await api.get("/api/v1/leads", headers=h, params={"limit": 200})
    assert not {i["id"] for i in r.json()["items"]} & set(world.values())
    for lead_id in world.values():
        assert (await api.get(f"/api/v1/leads/{lead_id}", headers=h)).status_code == 404
        r = await api.post(f"/api/v1/leads/{lead_id}/restore", headers=h)
        assert r.status_code == 404


@pytest.mark.parametrize("headers", [
    {}, {"X-Tidtam-Context": "garbage"}, {"X-Tidtam-Context": "a.b"}])
async def test_missing_or_bad_signature_is_401(api, tenant, headers):
    for method, path in [("GET", "/api/v1/leads"), ("POST", "/api/v1/leads"),
                         ("GET", "/api/v1/pipelines"), ("GET", "/api/v1/labels"),
                         ("GET", f"/api/v1/leads/{uuid.uuid4()}/followups")]:
        r = await api.request(method, path, headers=headers, json={})
        assert r.status_code == 401, (path, r.text)
        assert r.json()["code"] == "unauthorized"


async def test_context_signed_with_another_secret_is_401(api, tenant):
    tenant.secret = "not-the-gateways-secret"
    r = await api.get("/api/v1/leads", headers=tenant.headers(tenant.admin))
    assert r.status_code == 401
